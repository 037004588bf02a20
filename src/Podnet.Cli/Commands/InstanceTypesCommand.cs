using System.CommandLine;
using System.Globalization;
using Podnet.Aws.InstanceTypes;
using Podnet.Cli.Output;

namespace Podnet.Cli.Commands;

/// <summary><c>podnet instance-types [T…] [-o json]</c>: the network limits of instance types.</summary>
public static class InstanceTypesCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var types = new Argument<string[]>("instance-type")
        {
            Description = "Instance types to show (all when none is given), e.g. m5.large t3.medium",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var format = new Option<string>("--output", "-o")
        {
            Description = "Output format: table or json (the shape of aws ec2 describe-instance-types)",
            DefaultValueFactory = _ => "table",
        };
        format.AcceptOnlyFromAmong("table", "json");

        var command = new Command("instance-types", "Show ENIs, IPv4 addresses per ENI, trunking, branch interfaces and max pods of instance types")
        {
            types,
            format,
        };
        command.SetAction(parse => Execute(parse.GetValue(types) ?? [], parse.GetValue(format)!, InstanceTypeCatalog.Default, output, error));
        return command;
    }

    public static int Execute(IReadOnlyList<string> names, string format, InstanceTypeCatalog catalog, TextWriter output, TextWriter error)
    {
        var unknown = names.Where(n => catalog.Find(n) is null).ToList();
        if (unknown.Count > 0)
        {
            foreach (var name in unknown)
            {
                error.WriteLine($"error: {catalog.NotKnownMessage(name)}");
            }

            return PodnetCommand.ErrorExitCode;
        }

        var selected = names.Count == 0 ? catalog.All.ToList() : [.. names.Distinct(StringComparer.Ordinal).Select(n => catalog.Find(n)!)];
        if (format == "json")
        {
            output.Write(AwsJson.Serialize(new { InstanceTypes = selected.Select(Ec2InstanceType.From) }));
            return ExitCodes.Ok;
        }

        var table = new TextTable("INSTANCE TYPE", "VCPUS", "ENIS", "IPV4 PER ENI", "TRUNKING", "BRANCH ENIS", "MAX PODS");
        foreach (var type in selected)
        {
            table.Add(
                type.InstanceType,
                Text(type.DefaultVCpus),
                Text(type.MaximumNetworkInterfaces),
                Text(type.Ipv4AddressesPerInterface),
                type.IsTrunkingCompatible switch { true => "yes", false => "no", null => "<unknown>" },
                type.IsTrunkingCompatible is null ? "<unknown>" : Text(type.BranchInterfaces),
                Text(type.MaxPods));
        }

        output.Write(table.ToString());
        return ExitCodes.Ok;
    }

    private static string Text(int? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "<unknown>";
}

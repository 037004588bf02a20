using System.CommandLine;
using System.Globalization;
using Podnet.Aws.InstanceTypes;
using Podnet.Cni;

namespace Podnet.Cli.Commands;

/// <summary>
/// <c>podnet maxpods --instance-type T --cni-version V […]</c>: EKS's <c>max-pods-calculator.sh</c>, with its flags
/// and its output (the number alone), so scripts that call the calculator can call this instead.
/// </summary>
public static class MaxPodsCommand
{
    private const string InstanceTypeFlag = "--instance-type";
    private const string CniVersionFlag = "--cni-version";
    private const string MaxEniFlag = "--cni-max-eni";

    public static Command Create(TextWriter output, TextWriter error)
    {
        var instanceType = new Option<string>(InstanceTypeFlag)
        {
            Description = "The instance type, e.g. m5.large",
            Required = true,
        };
        var cniVersion = new Option<string>(CniVersionFlag)
        {
            Description = "The VPC CNI version as X.Y.Z, e.g. 1.19.2, v1.19.2 or 1.19.2-eksbuild.1 (prefix delegation needs 1.9.0 or later)",
            Required = true,
        };
        var customNetworking = new Option<bool>("--cni-custom-networking-enabled")
        {
            Description = "Custom networking (ENIConfig) is enabled: the primary ENI carries no pods",
        };
        var prefixDelegation = new Option<bool>("--cni-prefix-delegation-enabled")
        {
            Description = "Prefix delegation is enabled: ENIs get /28 prefixes (Nitro types, CNI 1.9.0 or later)",
        };
        var maxEni = new Option<int?>(MaxEniFlag)
        {
            Description = "The most ENIs the CNI may use (MAX_ENI); by default all of the instance type's",
        };
        var showMaxAllowed = new Option<bool>("--show-max-allowed")
        {
            Description = "Print the most pods the addresses allow, without the recommended ceiling (110, or 250 above 30 vCPUs)",
        };

        var command = new Command("maxpods", "Calculate the kubelet's max pods as EKS's max-pods-calculator.sh does")
        {
            instanceType,
            cniVersion,
            customNetworking,
            prefixDelegation,
            maxEni,
            showMaxAllowed,
        };
        command.SetAction(parse => Execute(
            new MaxPodsOptions(parse.GetValue(instanceType)!, parse.GetValue(cniVersion)!)
            {
                CustomNetworking = parse.GetValue(customNetworking),
                PrefixDelegation = parse.GetValue(prefixDelegation),
                MaxEni = parse.GetValue(maxEni),
                ShowMaxAllowed = parse.GetValue(showMaxAllowed),
            },
            InstanceTypeCatalog.Default,
            output,
            error));
        return command;
    }

    public static int Execute(MaxPodsOptions options, InstanceTypeCatalog catalog, TextWriter output, TextWriter error)
    {
        if (!MaxPodsCalculator.TryCalculate(options, catalog, out var result, out var failure))
        {
            var flag = failure.Input switch
            {
                MaxPodsInput.CniVersion => CniVersionFlag,
                MaxPodsInput.MaxEni => MaxEniFlag,
                _ => InstanceTypeFlag,
            };
            error.WriteLine($"error: {flag}: {failure.Message}");
            return PodnetCommand.ErrorExitCode;
        }

        output.Write(string.Create(CultureInfo.InvariantCulture, $"{result.MaxPods}\n"));
        return ExitCodes.Ok;
    }
}

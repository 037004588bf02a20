using System.CommandLine;
using Podnet.Live;

namespace Podnet.Cli;

/// <summary>
/// The options that point a command at a live cluster instead of a world: <c>--kubeconfig FILE</c>,
/// <c>--context NAME</c> (kubectl's), and for EC2 <c>--region</c> and <c>--endpoint-url</c> (the aws CLI's); the
/// profile and credentials come from the AWS SDK's default chain (<c>AWS_PROFILE</c>, <c>AWS_ACCESS_KEY_ID</c>, …).
/// </summary>
public sealed class LiveOptions
{
    public Option<string?> Kubeconfig { get; } = new("--kubeconfig") { Description = "Analyse the live cluster of this kubeconfig (its Kubernetes API and, through EC2, its VPC) instead of a world" };

    public Option<string?> Context { get; } = new("--context") { Description = "The kubeconfig context to use (default: its current-context)" };

    public Option<string?> Region { get; } = new("--region") { Description = "EC2's region (default: AWS_REGION, AWS_DEFAULT_REGION, the profile's, else the nodes' region label)" };

    public Option<string?> EndpointUrl { get; } = new("--endpoint-url") { Description = "EC2's endpoint, as the aws CLI's --endpoint-url (default: AWS_ENDPOINT_URL_EC2, AWS_ENDPOINT_URL, else EC2's own)" };

    /// <summary>Adds the options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Options.Add(Kubeconfig);
        command.Options.Add(Context);
        command.Options.Add(Region);
        command.Options.Add(EndpointUrl);
    }

    /// <summary>The live cluster the options name, or null when <c>--kubeconfig</c> is not given.</summary>
    public WorldInput.Live? Live(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        return parse.GetValue(Kubeconfig) is { } kubeconfig
            ? new WorldInput.Live(new LiveClusterSource(kubeconfig, parse.GetValue(Context), parse.GetValue(Region)), parse.GetValue(EndpointUrl))
            : null;
    }

    /// <summary>
    /// What the command decides on: the live cluster when <c>--kubeconfig</c> is given (then
    /// <paramref name="positionals"/> hold no world and are shifted in: <c>reach --kubeconfig F FROM TO PORT</c>), else
    /// the world named by the first positional. Null with one <c>error:</c> line on <paramref name="error"/> when they
    /// do not fit: <paramref name="rest"/> are the positionals after the world.
    /// </summary>
    public WorldInput? Resolve(ParseResult parse, string?[] positionals, int needed, string usage, TextWriter error, out string[] rest)
    {
        ArgumentNullException.ThrowIfNull(parse);
        ArgumentNullException.ThrowIfNull(positionals);
        ArgumentNullException.ThrowIfNull(error);
        var given = positionals.TakeWhile(p => p is not null).Select(p => p!).ToArray();
        rest = [];
        if (Live(parse) is { } live)
        {
            if (given.Length != needed)
            {
                error.WriteLine($"error: with --kubeconfig, give {(usage.Length == 0 ? "no argument" : usage)} and no world ({given.Length} argument{(given.Length == 1 ? string.Empty : "s")} given)");
                return null;
            }

            rest = given;
            return live;
        }

        if (parse.GetValue(Context) is not null || parse.GetValue(Region) is not null || parse.GetValue(EndpointUrl) is not null)
        {
            error.WriteLine("error: --context, --region and --endpoint-url name a live cluster's; give --kubeconfig too");
            return null;
        }

        if (given.Length != needed + 1)
        {
            var tail = usage.Length == 0 ? string.Empty : " " + usage;
            error.WriteLine($"error: give WORLD{tail}, or --kubeconfig FILE{tail} ({given.Length} argument{(given.Length == 1 ? string.Empty : "s")} given)");
            return null;
        }

        rest = given[1..];
        return new WorldInput.Files(given[0]);
    }
}

using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Podnet.Live;

namespace Podnet.Cli.Commands;

/// <summary>
/// <c>podnet snapshot --kubeconfig FILE [--context C] [--region R] -o DIR</c>: writes what it reads of a live cluster
/// (its Kubernetes objects, its VPC through EC2) as a world, so a problem seen on a real cluster can be replayed,
/// shared and tested offline: <c>podnet reach DIR …</c> decides on it as <c>podnet reach --kubeconfig FILE …</c> does.
/// </summary>
public static class SnapshotCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var directory = new Option<string>("--output", "-o") { Description = "The directory to write the world's files into (aws.yaml, kubernetes.yaml)", Required = true };
        var command = new Command("snapshot", "Write a live cluster (its Kubernetes objects and its VPC) as a world") { directory };
        var live = new LiveOptions();
        live.AddTo(command);
        live.Kubeconfig.Required = true;
        command.SetAction(parse => Execute(live.Live(parse)!, parse.GetValue(directory)!, output, error));
        return command;
    }

    /// <summary>Reads the cluster and writes its world into <paramref name="directory"/>: exit 0, or 2 with one <c>error:</c> line.</summary>
    public static int Execute(WorldInput.Live input, string directory, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        var clock = Stopwatch.StartNew();
        if (input.TryRead(error) is not { } snapshot)
        {
            return ExitCodes.Error;
        }

        IReadOnlyList<string> files;
        try
        {
            files = snapshot.WriteTo(directory, input.Name);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"error: {directory}: cannot be written: {PodnetCommand.OneLine(e.Message)}");
            return ExitCodes.Error;
        }

        var pods = snapshot.KubernetesDocuments.Count(d => d["kind"]?.GetValue<string>() == "Pod");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wrote {snapshot.AwsDocuments.Count + snapshot.KubernetesDocuments.Count} documents ({snapshot.AwsDocuments.Count} AWS, {snapshot.KubernetesDocuments.Count} Kubernetes, {pods} pods) to {string.Join(", ", files)} in {clock.Elapsed.TotalSeconds:0.0}s"));
        return ExitCodes.Ok;
    }
}

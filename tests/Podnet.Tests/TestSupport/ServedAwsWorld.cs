namespace Podnet.Tests.TestSupport;

/// <summary>
/// The default world served in process as <c>podnet up</c> serves it, driven with the real aws CLI (v1 on this
/// machine image) pointed at its AWS API the way <c>podnet up</c>'s export lines point it: endpoint, credentials,
/// region, no instance-metadata probe; plus one attempt per call, no pager, and config files and HOME in a
/// directory of the fixture's own. A missing aws binary fails the test naming it.
/// </summary>
public sealed class ServedAwsWorld : ServedWorld
{
    private const string Install = "the machine image's aws CLI v1 (pip awscli 1.45.11 with botocore 1.43.11, the pyenv shim on PATH)";

    /// <summary>The aws binary on PATH.</summary>
    public static string AwsBinary => ExternalProgram.Require("aws", Install);

    /// <summary>The environment of an aws call: what <c>podnet up</c> exports, and isolation from the machine's settings.</summary>
    public Dictionary<string, string> AwsEnvironment()
    {
        var environment = Server.Aws.Environment.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
        environment["AWS_MAX_ATTEMPTS"] = "1";
        environment["AWS_PAGER"] = string.Empty;
        environment["AWS_CONFIG_FILE"] = Path.Combine(Directory, "aws-config");
        environment["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(Directory, "aws-credentials");
        environment["HOME"] = Directory;
        return environment;
    }

    /// <summary>Runs <c>aws</c> with <paramref name="arguments"/>; returns its exit code and output.</summary>
    public (int Exit, string Out, string Err) Aws(params string[] arguments)
        => ExternalProgram.Run(AwsBinary, arguments, TimeSpan.FromSeconds(60), AwsEnvironment());

    /// <summary>Runs <c>aws</c> and asserts it succeeded; returns its output without the final newline.</summary>
    public string AwsOk(params string[] arguments)
    {
        var (exit, output, error) = Aws(arguments);
        Assert.True(exit == 0, $"aws {string.Join(' ', arguments)} exited {exit}: {error}{output}");
        return output.TrimEnd('\n');
    }

    /// <summary>A client for the AWS API (plain HTTP), for wire-level tests.</summary>
    public HttpClient AwsHttp() => new() { BaseAddress = Server.Aws.Address, Timeout = TimeSpan.FromSeconds(30) };
}

using Podnet.Tests.TestSupport;

namespace Podnet.Tests.Cli;

public sealed class UpCommandTests
{
    [Fact]
    public void Up_NonLoopbackAddress_RefusedWithoutAllowRemote()
    {
        var (exit, output, error) = PodnetCli.Run("up", "--address", "0.0.0.0");
        Assert.Equal(2, exit);
        Assert.Equal(string.Empty, output);
        Assert.StartsWith("error: --address 0.0.0.0: not a loopback address;", error, StringComparison.Ordinal);
        Assert.EndsWith("add --allow-remote to serve it anyway\n", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Up_PlainHttpOnAnAddressOtherThanLoopback_IsRefusedEvenWithAllowRemote()
    {
        // Off loopback every request must carry a token, and kubectl sends its token only over HTTPS.
        var (exit, output, error) = PodnetCli.Run("up", "--address", "0.0.0.0", "--allow-remote", "--http");
        Assert.Equal(2, exit);
        Assert.Equal(string.Empty, output);
        Assert.StartsWith("error: --address 0.0.0.0 --http: over plain HTTP kubectl sends no token", error, StringComparison.Ordinal);
    }

    [Fact]
    public void UpEnv_ServesInTheBackground_PrintsTheExportForEval_AndDownStopsIt()
    {
        // eval "$(podnet up --env)" needs the command to end while the server keeps running: run the real program.
        var home = Directory.CreateTempSubdirectory("podnet-home-").FullName;
        try
        {
            var podnet = Path.Combine(AppContext.BaseDirectory, "podnet.dll");
            var dotnet = Environment.ProcessPath!;
            var (exit, output, error) = ExternalProgram.Run(dotnet, [podnet, "up", "--env", "--home", home], TimeSpan.FromMinutes(3));
            Assert.True(exit == 0, error);
            Assert.Matches(
                $"^export KUBECONFIG={System.Text.RegularExpressions.Regex.Escape(home)}/kubeconfig\n"
                + "export AWS_ENDPOINT_URL=http://127\\.0\\.0\\.1:[0-9]+\n"
                + "export AWS_ACCESS_KEY_ID=AKIAPODNETADMIN00001\n"
                + "export AWS_SECRET_ACCESS_KEY=\\S+\n"
                + "export AWS_DEFAULT_REGION=us-west-2\n"
                + "export AWS_EC2_METADATA_DISABLED=true\n$",
                output);

            var (getExit, namespaces, getError) = ExternalProgram.Run(ServedWorld.KubectlBinary("1.31"), ["get", "namespaces", "-o", "name"], TimeSpan.FromSeconds(60), new Dictionary<string, string>
            {
                ["KUBECONFIG"] = Path.Combine(home, "kubeconfig"),
                ["KUBECACHEDIR"] = Path.Combine(home, "cache"),
            });
            Assert.True(getExit == 0, getError);
            Assert.Contains("namespace/kube-system\n", namespaces, StringComparison.Ordinal);

            // One server per home: `podnet up --env` alone prints the running one's export lines (it may serve in
            // another terminal), and anything else is refused instead of orphaning it.
            var pid = File.ReadAllText(Path.Combine(home, "up.pid")).Trim();
            var (againExit, again, _) = ExternalProgram.Run(dotnet, [podnet, "up", "--env", "--home", home], TimeSpan.FromMinutes(1));
            Assert.Equal((0, output), (againExit, again));
            var (otherExit, otherOutput, otherError) = ExternalProgram.Run(dotnet, [podnet, "up", "--env", "--home", home, Path.Combine(PodnetCli.Examples(), "hello-eks")], TimeSpan.FromMinutes(1));
            Assert.Equal((2, string.Empty), (otherExit, otherOutput));
            Assert.Equal($"error: podnet up is already running from {home} (process {pid}): podnet down stops it; podnet up --env alone prints its export lines; --home DIR serves another\n", otherError);
            Assert.Equal(pid, File.ReadAllText(Path.Combine(home, "up.pid")).Trim());

            var (downExit, downOutput, _) = ExternalProgram.Run(dotnet, [podnet, "down", "--home", home], TimeSpan.FromSeconds(60));
            Assert.Equal(0, downExit);
            Assert.StartsWith("Stopped podnet up (process ", downOutput, StringComparison.Ordinal);
            Assert.False(File.Exists(Path.Combine(home, "up.pid")));
        }
        finally
        {
            PodnetCli.Run("down", "--home", home);
            Directory.Delete(home, recursive: true);
        }
    }
}

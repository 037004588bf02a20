using Podnet.Cli;
using Podnet.Tests.TestSupport;

namespace Podnet.Tests.Cli;

/// <summary>The examples in the repository print what their expected files say.</summary>
public class ExamplesTests
{
    private static string Examples() => PodnetCli.Examples();

    [Fact]
    public void InstanceTypes_PrintsExpected()
    {
        var folder = Path.Combine(Examples(), "instance-types");
        var args = File.ReadAllText(Path.Combine(folder, "args")).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var output = new StringWriter();

        var exit = PodnetCommand.Run(["instance-types", .. args], output, new StringWriter());

        Assert.Equal(0, exit);
        Assert.Equal(File.ReadAllText(Path.Combine(folder, "expected.txt")), output.ToString());
    }

    [Fact]
    public void HelloEks_ClusterIsTheDefaultWorld()
        => Assert.Equal(Podnet.World.WorldLoader.DefaultSource().Text, File.ReadAllText(Path.Combine(Examples(), "hello-eks", "cluster.yaml")));
}

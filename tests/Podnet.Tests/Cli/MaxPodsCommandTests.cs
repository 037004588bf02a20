using Podnet.Tests.TestSupport;

namespace Podnet.Tests.Cli;

public class MaxPodsCommandTests
{
    private static (int Exit, string Out, string Err) Podnet(params string[] args) => PodnetCli.Run(args);

    private static string MaxPods(params string[] args)
    {
        var (exit, output, error) = Podnet(["maxpods", .. args]);
        Assert.Equal(0, exit);
        Assert.Empty(error);
        return output;
    }

    [Theory]
    [InlineData("29\n", "--instance-type", "m5.large", "--cni-version", "1.9.0")]
    [InlineData("20\n", "--instance-type", "m5.large", "--cni-version", "1.9.0", "--cni-custom-networking-enabled")]
    [InlineData("110\n", "--instance-type", "m5.large", "--cni-version", "1.9.0", "--cni-prefix-delegation-enabled")]
    [InlineData("434\n", "--instance-type", "m5.large", "--cni-version", "1.9.0", "--cni-prefix-delegation-enabled", "--show-max-allowed")]
    [InlineData("290\n", "--instance-type", "m5.large", "--cni-version", "1.9.0", "--cni-custom-networking-enabled", "--cni-prefix-delegation-enabled", "--show-max-allowed")]
    [InlineData("12\n", "--instance-type", "t3.medium", "--cni-version", "1.9.0", "--cni-custom-networking-enabled")]
    [InlineData("110\n", "--instance-type", "c5.4xlarge", "--cni-version", "1.9.0", "--cni-custom-networking-enabled")]
    [InlineData("205\n", "--instance-type", "c5.4xlarge", "--cni-version", "1.9.0", "--cni-custom-networking-enabled", "--show-max-allowed")]
    [InlineData("250\n", "--instance-type", "m5.24xlarge", "--cni-version", "1.9.0")]
    [InlineData("737\n", "--instance-type", "m5.24xlarge", "--cni-version", "1.9.0", "--show-max-allowed")]
    [InlineData("20\n", "--instance-type", "m5.large", "--cni-version", "1.9.0", "--cni-max-eni", "2")]
    [InlineData("29\n", "--instance-type", "m5.large", "--cni-version", "1.8.0", "--cni-prefix-delegation-enabled")]
    [InlineData("20\n", "--instance-type", "m4.large", "--cni-version", "1.9.0", "--cni-prefix-delegation-enabled", "--show-max-allowed")]
    public void PrintsTheNumberAlone(string expected, params string[] args)
        => Assert.Equal(expected, MaxPods(args));

    [Fact]
    public void UnknownType_IsAnError_NamingTheFlag_WithSuggestion()
    {
        var (exit, output, error) = Podnet("maxpods", "--instance-type", "m5.larg", "--cni-version", "1.9.0");
        Assert.Equal(2, exit);
        Assert.Empty(output);
        Assert.Equal("error: --instance-type: instance type \"m5.larg\" is not known (did you mean m5.large?)\n", error);
    }

    [Fact]
    public void BadCniVersion_IsAnError_NamingTheFlag()
    {
        var (exit, output, error) = Podnet("maxpods", "--instance-type", "m5.large", "--cni-version", "v1.9");
        Assert.Equal(2, exit);
        Assert.Empty(output);
        Assert.Equal("error: --cni-version: \"v1.9\" is not a CNI version of the form X.Y.Z, e.g. 1.19.2, v1.19.2 or 1.19.2-eksbuild.1\n", error);
    }

    [Theory]
    [InlineData("1.11.2")]
    [InlineData("v1.11.2")]
    [InlineData("1.11.2-eksbuild.1")]
    [InlineData("v1.11.2-eksbuild.1")]
    public void CniVersion_AsTheSeedsPrintIt_GivesTheSameAnswer(string version)
    {
        // Seed 001 prints the image tag v1.11.2-eksbuild.1; aws eks describe-addon-versions lists v1.11.2-eksbuild.1 too.
        Assert.Equal((0, "110\n", string.Empty), Podnet("maxpods", "--instance-type", "t3.small", "--cni-version", version, "--cni-prefix-delegation-enabled"));
        Assert.Equal((0, "11\n", string.Empty), Podnet("maxpods", "--instance-type", "t3.small", "--cni-version", version));
    }

    [Fact]
    public void NonPositiveMaxEni_IsAnError_NamingTheFlag()
    {
        var (exit, output, error) = Podnet("maxpods", "--instance-type", "m5.large", "--cni-version", "1.9.0", "--cni-max-eni", "0");
        Assert.Equal(2, exit);
        Assert.Empty(output);
        Assert.Equal("error: --cni-max-eni: must be at least 1, not 0\n", error);
    }

    [Theory]
    [InlineData("--instance-type", "--cni-version", "1.9.0")]
    [InlineData("--cni-version", "--instance-type", "m5.large")]
    public void InstanceTypeAndCniVersion_AreRequired(string missing, params string[] args)
    {
        var (exit, _, error) = Podnet(["maxpods", .. args]);
        Assert.NotEqual(0, exit);
        Assert.Contains(missing, error, StringComparison.Ordinal);
    }
}

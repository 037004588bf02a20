using System.Text.Json;
using Podnet.Cli;
using Podnet.Tests.TestSupport;

namespace Podnet.Tests.Cli;

public class InstanceTypesCommandTests
{
    private static (int Exit, string Out, string Err) Podnet(params string[] args) => PodnetCli.Run(args);

    private static string[] Row(string table, string type)
        => table.Split('\n').First(l => l.StartsWith(type + " ", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public void Table_ShowsLimitsTrunkingAndMaxPods()
    {
        var (exit, output, _) = Podnet("instance-types", "m5.large", "t3.medium");

        Assert.Equal(0, exit);
        var lines = output.TrimEnd('\n').Split('\n');
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("INSTANCE TYPE", lines[0], StringComparison.Ordinal);
        Assert.Equal(["m5.large", "2", "3", "10", "yes", "9", "29"], Row(output, "m5.large"));
        Assert.Equal(["t3.medium", "2", "3", "6", "no", "0", "17"], Row(output, "t3.medium"));
    }

    [Fact]
    public void NoTypes_ListsAllKnownTypes()
    {
        var (exit, output, _) = Podnet("instance-types");
        Assert.Equal(0, exit);
        Assert.Equal(1392 + 1, output.TrimEnd('\n').Split('\n').Length);
    }

    [Fact]
    public void Json_HasTheDescribeInstanceTypesShape()
    {
        var (exit, output, _) = Podnet("instance-types", "m5.large", "-o", "json");

        Assert.Equal(0, exit);
        using var json = JsonDocument.Parse(output);
        var m5 = json.RootElement.GetProperty("InstanceTypes")[0];
        Assert.Equal("m5.large", m5.GetProperty("InstanceType").GetString());
        Assert.Equal(3, m5.GetProperty("NetworkInfo").GetProperty("MaximumNetworkInterfaces").GetInt32());
        Assert.Equal(10, m5.GetProperty("NetworkInfo").GetProperty("Ipv4AddressesPerInterface").GetInt32());
        Assert.True(m5.GetProperty("PodNetworking").GetProperty("IsTrunkingCompatible").GetBoolean());
        Assert.Equal(9, m5.GetProperty("PodNetworking").GetProperty("BranchInterfaces").GetInt32());
        Assert.Equal(29, m5.GetProperty("PodNetworking").GetProperty("MaxPods").GetInt32());
    }

    [Fact]
    public void UnknownType_IsAnError_WithSuggestion()
    {
        var (exit, output, error) = Podnet("instance-types", "m5.large", "m5.larg");
        Assert.Equal(2, exit);
        Assert.Empty(output);
        Assert.Equal("error: instance type \"m5.larg\" is not known (did you mean m5.large?)\n", error.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void BadOutputFormat_IsRejected()
    {
        var (exit, _, error) = Podnet("instance-types", "-o", "yaml");
        Assert.NotEqual(0, exit);
        Assert.Contains("yaml", error, StringComparison.Ordinal);
    }
}

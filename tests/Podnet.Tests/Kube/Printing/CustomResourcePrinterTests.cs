using System.Text.Json.Nodes;
using Podnet.Kube.Api;
using Podnet.Kube.Printing;

namespace Podnet.Tests.Kube.Printing;

/// <summary>Custom resources' tables as apiextensions-apiserver's tableconvertor builds them from printer columns.</summary>
public class CustomResourcePrinterTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);
    private static readonly KubeResources Resources = new();

    [Fact]
    public void SecurityGroupPolicy_SecurityGroupIds_IsTheArrayAsJson()
    {
        var sgp = KubeObject.Parse("""
            {"apiVersion":"vpcresources.k8s.aws/v1beta1","kind":"SecurityGroupPolicy","metadata":{"name":"my-sgp","namespace":"default","creationTimestamp":"2026-11-29T11:00:00Z"},
             "spec":{"podSelector":{"matchLabels":{"role":"db"}},"securityGroups":{"groupIds":["sg-1","sg-2"]}}}
            """);
        var printer = TablePrinters.For(Resources.For(sgp));

        var cells = printer.Cells(sgp, Now);

        // A string column prints an array as jsonpath's PrintResults does: json.Marshal.
        Assert.Equal(["my-sgp", """["sg-1","sg-2"]"""], cells.Select(c => c!.GetValue<string>()));
        Assert.Equal(["Name", "Security-Group-Ids"], printer.Columns.Select(c => c.Name));
        Assert.Equal("string", printer.Columns[1].Type);
        Assert.Equal("The security group IDs to apply to the elastic network interface of pods that match this policy", printer.Columns[1].Description);
    }

    [Fact]
    public void ENIConfig_WithoutColumns_IsNameAndAge()
    {
        var eniConfig = KubeObject.Parse("""
            {"apiVersion":"crd.k8s.amazonaws.com/v1alpha1","kind":"ENIConfig","metadata":{"name":"eu-west-1a","creationTimestamp":"2026-11-29T09:00:00Z"},"spec":{"subnet":"subnet-1"}}
            """);
        var printer = TablePrinters.For(Resources.For(eniConfig));

        var cells = printer.Cells(eniConfig, Now);

        Assert.Equal(["Name", "Age"], printer.Columns.Select(c => c.Name));
        Assert.Equal("date", printer.Columns[1].Type);
        Assert.Equal(["eu-west-1a", "3h"], cells.Select(c => c!.GetValue<string>()));
    }

    [Fact]
    public void CustomResource_DateColumn_ShowsAnAge()
    {
        var printer = CustomResourcePrinter.For([new PrinterColumn("Last Sync", "date", ".status.lastSyncTime"), new PrinterColumn("Bad", "date", ".status.bad")]);
        var widget = KubeObject.Parse("""
            {"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w"},"status":{"lastSyncTime":"2026-11-29T11:55:30Z","bad":"yesterday"}}
            """);

        var cells = printer.Cells(widget, Now);

        Assert.Equal("4m30s", cells[1]!.GetValue<string>());
        Assert.Equal("<invalid>", cells[2]!.GetValue<string>());
        Assert.Equal("Custom resource definition column (in JSONPath format): .status.lastSyncTime", printer.Columns[1].Description);
    }

    [Fact]
    public void CustomResource_TypedColumns_SendJsonValuesAndNullWhenMissing()
    {
        var printer = CustomResourcePrinter.For(
        [
            new PrinterColumn("Replicas", "integer", ".spec.replicas"),
            new PrinterColumn("Ratio", "number", ".spec.ratio"),
            new PrinterColumn("Enabled", "boolean", ".spec.enabled"),
            new PrinterColumn("First", "string", ".spec.items[0].name"),
            new PrinterColumn("Any", "string", ".spec.items[*].name", Priority: 1),
            new PrinterColumn("Missing", "string", ".spec.nothing.here"),
            new PrinterColumn("Count", "string", ".spec.replicas"),
        ]);
        var widget = KubeObject.Parse("""
            {"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w"},
             "spec":{"replicas":3,"ratio":0.5,"enabled":true,"items":[{"name":"a"},{"name":"b"}]}}
            """);

        var cells = printer.Cells(widget, Now);

        Assert.Equal(3L, cells[1]!.GetValue<long>());
        Assert.Equal(0.5, cells[2]!.GetValue<double>());
        Assert.True(cells[3]!.GetValue<bool>());
        Assert.Equal("a", cells[4]!.GetValue<string>());
        Assert.Equal("a", cells[5]!.GetValue<string>());
        Assert.Null(cells[6]);
        Assert.Equal("3", cells[7]!.GetValue<string>());
        Assert.Equal(1, printer.Columns[5].Priority);
    }

    [Theory]
    [InlineData(".a.b", """{"a":{"b":1}}""", "1")]
    [InlineData(".a[1]", """{"a":[1,2]}""", "2")]
    [InlineData(".a[-1].c", """{"a":[{"c":1},{"c":5}]}""", "5")]
    [InlineData(".a[*].c", """{"a":[{"c":1},{"c":5}]}""", "1,5")]
    [InlineData(".metadata.labels['app.kubernetes.io/name']", """{"metadata":{"labels":{"app.kubernetes.io/name":"x"}}}""", "\"x\"")]
    [InlineData(".a[9]", """{"a":[1]}""", "")]
    [InlineData(".a[?(@.c==1)]", """{"a":[{"c":1}]}""", "")]
    public void JsonPath_FindsTheValuesOfTheSubsetCrdsUse(string path, string json, string expected)
    {
        var found = PrinterJsonPath.Parse(path).Find(JsonNode.Parse(json));

        Assert.Equal(expected, string.Join(",", found.Select(f => f!.ToJsonString())));
    }
}

using System.Text.Json.Nodes;
using Podnet.Kube.Api;
using Podnet.Kube.Printing;

namespace Podnet.Tests.Kube.Printing;

/// <summary>The meta.k8s.io/v1 Table the server answers a <c>kubectl get</c> with.</summary>
public class TableConvertorTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);
    private static readonly KubeResources Resources = new();

    private static KubeObject Namespace(string name, string created) => KubeObject.Parse($$"""
        {"apiVersion":"v1","kind":"Namespace","metadata":{"name":"{{name}}","uid":"u-{{name}}","resourceVersion":"7","creationTimestamp":"{{created}}","labels":{"kubernetes.io/metadata.name":"{{name}}"} },
         "spec":{"finalizers":["kubernetes"]},"status":{"phase":"Active"} }
        """);

    [Fact]
    public void Build_NamespaceList_IsATableOfRowsWithPartialObjectMetadata()
    {
        var items = new[] { Namespace("default", "2026-11-26T12:00:00Z"), Namespace("kube-system", "2026-11-29T11:59:15Z") };

        var table = TableConvertor.Build(Resources.For("v1", "Namespace"), items, Now, "1234");

        Assert.Equal("Table", table["kind"]!.GetValue<string>());
        Assert.Equal("meta.k8s.io/v1", table["apiVersion"]!.GetValue<string>());
        Assert.Equal("1234", table["metadata"]!["resourceVersion"]!.GetValue<string>());
        Assert.Equal(
            """[{"name":"Name","type":"string","format":"name","description":"Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names","priority":0},{"name":"Status","type":"string","format":"","description":"The status of the namespace","priority":0}]""",
            new JsonArray([.. table["columnDefinitions"]!.AsArray().Take(2).Select(c => c!.DeepClone())]).ToJsonString());
        var rows = table["rows"]!.AsArray();
        Assert.NotEmpty(rows);
        Assert.Equal("""["default","Active","3d"]""", rows[0]!["cells"]!.ToJsonString());
        Assert.Equal("""["kube-system","Active","45s"]""", rows[1]!["cells"]!.ToJsonString());
        var obj = rows[1]!["object"]!;
        Assert.Equal("PartialObjectMetadata", obj["kind"]!.GetValue<string>());
        Assert.Equal("meta.k8s.io/v1", obj["apiVersion"]!.GetValue<string>());
        Assert.Equal("u-kube-system", obj["metadata"]!["uid"]!.GetValue<string>());
        Assert.Null(obj["spec"]);
    }

    [Fact]
    public void Build_WithoutObjects_RowsCarryCellsOnly()
    {
        var table = TableConvertor.Build(Resources.For("v1", "Namespace"), [Namespace("default", "2026-11-26T12:00:00Z")], Now, "1", includeObject: IncludeObjectPolicy.None);

        Assert.Null(table["rows"]![0]!["object"]);
    }

    [Fact]
    public void Build_IncludeObjectObject_RowsCarryTheWholeObject_AsKubectlSortByAsks()
    {
        var ns = Namespace("default", "2026-11-26T12:00:00Z");

        var row = TableConvertor.Build(Resources.For("v1", "Namespace"), [ns], Now, "1", includeObject: IncludeObjectPolicy.Object)["rows"]![0]!;

        Assert.Equal(ns.ToJsonString(), row["object"]!.ToJsonString(Podnet.Kube.Serialization.GoJsonEncoder.SerializerOptions));
        Assert.Equal("Namespace", row["object"]!["kind"]!.GetValue<string>());
    }

    [Fact]
    public void Build_NoItems_HasColumnsAndEmptyRows()
    {
        var table = TableConvertor.Build(Resources.For("v1", "Pod"), [], Now, "9");

        Assert.Empty(table["rows"]!.AsArray());
        Assert.Equal(9, table["columnDefinitions"]!.AsArray().Count);
    }

    [Fact]
    public void Build_CustomResourceDefinitions_AreNameAndCreatedAtTimestamp()
    {
        var crd = KubeObject.Parse("""
            {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition","metadata":{"name":"eniconfigs.crd.k8s.amazonaws.com","creationTimestamp":"2026-11-29T06:50:47Z"}}
            """);

        var table = TableConvertor.Build(Resources.For(crd), [crd], Now, "5");

        Assert.Equal("""["Name","Created At"]""", new JsonArray([.. table["columnDefinitions"]!.AsArray().Select(c => (JsonNode)c!["name"]!.GetValue<string>())]).ToJsonString());
        Assert.Equal("date", table["columnDefinitions"]![1]!["type"]!.GetValue<string>());
        Assert.Equal("""["eniconfigs.crd.k8s.amazonaws.com","2026-11-29T06:50:47Z"]""", table["rows"]![0]!["cells"]!.ToJsonString());
    }

    [Fact]
    public void Build_KindWithoutAPrinter_UsesTheDefaultConvertor()
    {
        Assert.Same(DefaultPrinter.Printer, TablePrinters.For(Resources.For("rbac.authorization.k8s.io/v1", "ClusterRole")));
        Assert.Same(EventPrinter.Printer, TablePrinters.For(Resources.For("events.k8s.io/v1", "Event")));
    }

    [Fact]
    public void Build_UnknownKind_IsACustomResourceWithNameAndAge()
    {
        var printer = TablePrinters.For(Resources.For("example.com/v1", "Gadget"));

        Assert.Equal(["Name", "Age"], printer.Columns.Select(c => c.Name));
    }

    [Fact]
    public void Build_SucceededPod_RowIsCompleted()
    {
        var done = KubeObject.Parse("""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"job-x"},"spec":{"containers":[{"name":"c"}]},"status":{"phase":"Succeeded"}}""");
        var running = KubeObject.Parse("""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web"},"spec":{"containers":[{"name":"c"}]},"status":{"phase":"Running"}}""");

        var rows = TableConvertor.Build(Resources.For("v1", "Pod"), [done, running], Now, "3")["rows"]!.AsArray();

        Assert.Equal("""[{"type":"Completed","status":"True","reason":"Succeeded","message":"The pod has completed successfully."}]""", rows[0]!["conditions"]!.ToJsonString());
        Assert.Null(rows[1]!["conditions"]);
    }
}

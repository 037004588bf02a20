using Podnet.Tests.TestSupport;
using Podnet.World;

namespace Podnet.Tests.World;

/// <summary>Worlds that cannot be taken at their word: each gets one error naming both places when there are two.</summary>
public class WorldLoaderBadInputTests
{
    private static readonly string PodA = BadWorlds.Pod("a", "{containers: [{name: c}]}", "{podIP: 10.0.0.1}");

    [Fact]
    public void SameObjectTwice_IsAnError_NamingBothDocuments()
        => Assert.Equal(
            "w.yaml: document 2 (line 6, Pod a): pods \"a\" in namespace \"default\" is defined twice; the first is w.yaml: document 1 (line 1, Pod a)",
            BadWorlds.LoadError(PodA + "---\n" + PodA.Replace("status: {podIP: 10.0.0.1}", "status: {podIP: 10.0.0.2}", StringComparison.Ordinal)));

    [Fact]
    public void SameObjectTwice_AcrossFiles_NamesBothFiles()
    {
        var error = Assert.Throws<WorldException>(() => WorldLoader.Load([new WorldSource("a.yaml", PodA), new WorldSource("b.yaml", BadWorlds.Pod("a", "{containers: [{name: c}]}"))])).Message;
        Assert.Equal("b.yaml: document 1 (line 1, Pod a): pods \"a\" in namespace \"default\" is defined twice; the first is a.yaml: document 1 (line 1, Pod a)", error);
    }

    [Fact]
    public void TwoPodsWithOneAddress_WrittenDifferently_IsAnError_NamingBoth()
        => Assert.Equal(
            "w.yaml: document 2 (line 6, Pod b): status.podIP: Duplicate value: \"10.0.0.01\": Pod default/a has this address too (w.yaml: document 1 (line 1, Pod a))",
            BadWorlds.LoadError(PodA + "---\n" + BadWorlds.Pod("b", "{containers: [{name: c}]}", "{podIP: 10.0.0.01}")));

    [Fact]
    public void HostNetworkPods_ShareTheirNodesAddress()
    {
        var host = BadWorlds.Pod("h", "{hostNetwork: true, containers: [{name: c}]}", "{podIP: 10.0.0.1}");
        var world = WorldLoader.Load([new WorldSource("w.yaml", PodA + "---\n" + host)]);
        Assert.Equal(2, world.ControlPlane.Store.List("v1", "Pod").Items.Count);
    }

    [Theory]
    [InlineData("")]
    [InlineData("# only a comment\n---\n")]
    public void EmptyWorld_IsAnError(string text)
        => Assert.Equal("w.yaml: no objects (only empty documents or comments)", BadWorlds.LoadError(text));

    [Fact]
    public void UnnamedDocument_RefusedByTheApiServer_IsNamedAsWritten()
    {
        // The store names a generateName object in the document's own JSON before admission refuses it: the error
        // still names the document as it was written.
        var error = BadWorlds.LoadError("apiVersion: v1\nkind: Pod\nmetadata: {generateName: web-}\nspec: {containers: []}\n");

        Assert.StartsWith("w.yaml: document 1 (line 1, Pod <unnamed>): ", error, StringComparison.Ordinal);
        Assert.Contains("spec.containers: Required value", error, StringComparison.Ordinal);
    }

    [Fact]
    public void KindANumber_IsUnableToDecode()
        => Assert.Equal(
            "w.yaml: document 1 (line 1, 5 a): unable to decode: json: cannot unmarshal number into Go struct field TypeMeta.kind of type string",
            BadWorlds.LoadError("apiVersion: v1\nkind: 5\nmetadata: {name: a}\n"));

    [Fact]
    public void ListItemNotAnObject_IsAnError()
        => Assert.Equal(
            "w.yaml: document 1 (line 1, List <unnamed>): items[0]: must be an object with apiVersion and kind",
            BadWorlds.LoadError("apiVersion: v1\nkind: List\nitems: [5]\n"));

    [Fact]
    public void ListItemWithoutKind_IsRequired_LikeAnyDocument()
        => Assert.Equal(
            "w.yaml: document 1 (line 1, <no kind> a): kind: Required value",
            BadWorlds.LoadError("apiVersion: v1\nkind: List\nitems: [{apiVersion: v1, metadata: {name: a}}]\n"));

    [Fact]
    public void AKindOfACrdInTheWorld_Loads()
    {
        const string crd = """
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata: {name: widgets.example.com}
            spec:
              group: example.com
              names: {kind: Widget, plural: widgets}
              scope: Namespaced
              versions: [{name: v1, served: true, storage: true}]
            ---
            apiVersion: example.com/v1
            kind: Widget
            metadata: {name: w}
            """;
        var world = WorldLoader.Load([new WorldSource("w.yaml", crd)]);
        Assert.Single(world.ControlPlane.Store.List("example.com/v1", "Widget").Items);
    }

    [Fact]
    public void AddonEnvValueUnquotedTrue_IsRefusedAsEksRefusesIt()
    {
        var text = File.ReadAllText(Path.Combine(PodnetCli.Examples(), "security-groups-for-pods", "app.yaml"));
        Assert.Contains("ENABLE_POD_ENI: \"true\"", text, StringComparison.Ordinal);
        var error = Assert.Throws<WorldException>(() => ExampleWorlds.Load("security-groups-for-pods", t => t.Replace("ENABLE_POD_ENI: \"true\"", "ENABLE_POD_ENI: true", StringComparison.Ordinal))).Message;
        Assert.EndsWith(
            "app.yaml: document 1 (line 3, Addon vpc-cni): spec.ConfigurationValues.env.ENABLE_POD_ENI: InvalidParameterException: ConfigurationValue provided in request is not supported: Json schema validation failed with error: [$.env.ENABLE_POD_ENI: boolean found, string expected]",
            error,
            StringComparison.Ordinal);
    }

    [Fact]
    public void NodegroupLabelTheApiRefuses_IsAnError_NotACrashAtNodeRegistration()
    {
        var text = File.ReadAllText(Path.Combine(PodnetCli.Examples(), "hello-eks", "cluster.yaml"));
        Assert.Contains("MaxSize: 5", text, StringComparison.Ordinal);
        var error = Assert.Throws<WorldException>(() => WorldLoader.Load([new WorldSource("cluster.yaml", text.Replace("MaxSize: 5", "MaxSize: 5\n  Labels: {tier: -1}", StringComparison.Ordinal))])).Message;
        Assert.EndsWith(
            "spec.Labels.tier: Invalid value: \"-1\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
            error,
            StringComparison.Ordinal);
    }

    [Fact]
    public void NodegroupNameNoLabelCanHold_IsAnError_NotACrashAtNodeRegistration()
    {
        var text = File.ReadAllText(Path.Combine(PodnetCli.Examples(), "hello-eks", "cluster.yaml"));
        Assert.Contains("name: ng-1", text, StringComparison.Ordinal);
        var error = Assert.Throws<WorldException>(() => WorldLoader.Load([new WorldSource("cluster.yaml", text.Replace("name: ng-1", "name: 1e30", StringComparison.Ordinal))])).Message;
        Assert.Contains("(line ", error, StringComparison.Ordinal);
        Assert.Contains("metadata.name: Invalid value: \"1e+30\": a valid label must be an empty string", error, StringComparison.Ordinal);
    }

    [Fact]
    public void NodegroupOverTheEksQuota_IsEksError()
    {
        var folder = Path.Combine(PodnetCli.Examples(), "hello-eks");
        var text = File.ReadAllText(Path.Combine(folder, "cluster.yaml"));
        Assert.Contains("MaxSize: 5", text, StringComparison.Ordinal);
        var error = Assert.Throws<WorldException>(() => WorldLoader.Load([new WorldSource("cluster.yaml", text.Replace("MaxSize: 5", "MaxSize: 451", StringComparison.Ordinal))])).Message;
        Assert.EndsWith("InvalidParameterException: scalingConfig.maxSize 451 exceeds the quota of 450 nodes per managed node group (service quota \"Nodes per managed node group\")", error, StringComparison.Ordinal);
    }
}

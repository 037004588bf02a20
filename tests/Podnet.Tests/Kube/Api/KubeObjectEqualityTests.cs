using Podnet.Kube.Api;

namespace Podnet.Tests.Kube.Api;

/// <summary>
/// <see cref="KubeObject.EqualButStatus"/>: what a watcher asks of a change (did only status move?), whichever field
/// the comparison looks at first.
/// </summary>
public class KubeObjectEqualityTests
{
    private const string Pod = """
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"web","namespace":"default","resourceVersion":"7","labels":{"app":"web"}},
         "spec":{"nodeName":"node-a","containers":[{"name":"web","image":"nginx"}]},"status":{"phase":"Pending"}}
        """;

    [Theory]
    [InlineData("""{"status":{"phase":"Running"}}""", true)]
    [InlineData("""{"metadata":{"resourceVersion":"8"},"status":{"phase":"Running"}}""", true)]
    [InlineData("""{"metadata":{"managedFields":[{"manager":"kubelet"}]}}""", true)]
    [InlineData("""{"status":null}""", true)]
    [InlineData("""{"kind":"Pod2"}""", false)]
    [InlineData("""{"metadata":{"labels":{"app":"api"}}}""", false)]
    [InlineData("""{"metadata":{"annotations":{"a":"b"}}}""", false)]
    [InlineData("""{"spec":{"containers":[{"name":"web","image":"nginx:1.27"}]}}""", false)]
    [InlineData("""{"spec":{"nodeName":null}}""", false)]
    [InlineData("""{"extra":1}""", false)]
    [InlineData("""{"extra":{"a":1}}""", false)]
    public void EqualButStatus_ComparesEverythingButStatusAndTheStampedMetadata(string mergePatch, bool equal)
    {
        var before = KubeObject.Parse(Pod);
        var after = KubeObject.Parse(Podnet.Kube.Patching.JsonMergePatch.Apply(before.Raw, System.Text.Json.Nodes.JsonNode.Parse(mergePatch))!.ToJsonString());

        Assert.Equal(equal, KubeObject.EqualButStatus(before, after));
        Assert.Equal(equal, KubeObject.EqualButStatus(after, before));
    }
}

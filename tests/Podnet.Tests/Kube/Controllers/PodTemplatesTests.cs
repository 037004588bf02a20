using System.Text.Json.Nodes;
using Podnet.Kube.Api;
using Podnet.Kube.Controllers;

namespace Podnet.Tests.Kube.Controllers;

/// <summary><see cref="PodTemplates.NewPod"/>: a workload's pod is its template's metadata and spec, named and owned by the workload.</summary>
public class PodTemplatesTests
{
    private static readonly KubeObject Owner = KubeObject.Parse("""
        {"apiVersion":"apps/v1","kind":"ReplicaSet","metadata":{"name":"web-5d4f","namespace":"shop","uid":"rs-uid"}}
        """);

    [Fact]
    public void NewPod_KeepsTheTemplatesMetadataButItsName_AndAddsGenerateNameNamespaceAndController()
    {
        var template = (JsonObject)JsonNode.Parse("""
            {"metadata":{"name":"ignored","namespace":"elsewhere","labels":{"app":"web"},"annotations":{"a":"b"}},"spec":{"containers":[{"name":"web","image":"nginx"}]}}
            """)!;

        var pod = PodTemplates.NewPod(Owner, template, "web-5d4f-");

        var metadata = (JsonObject)pod.Raw["metadata"]!;
        Assert.Equal(["namespace", "labels", "annotations", "generateName", "ownerReferences"], metadata.Select(f => f.Key));
        Assert.Equal("shop", pod.Namespace);
        Assert.Equal("web-5d4f-", pod.GenerateName);
        Assert.Equal("web", pod.Labels["app"]);
        Assert.Equal("rs-uid", Assert.Single(pod.OwnerReferences).Uid);
        Assert.Equal("nginx", pod.Raw["spec"]!["containers"]![0]!["image"]!.GetValue<string>());
        // Copies: the template is left as it was.
        Assert.Equal("ignored", template["metadata"]!["name"]!.GetValue<string>());
        Assert.NotSame(template["metadata"]!["labels"], metadata["labels"]);
    }

    [Fact]
    public void NewPod_OfATemplateWithoutMetadata_HasTheWorkloadsOnly()
    {
        var pod = PodTemplates.NewPod(Owner, new JsonObject { ["spec"] = new JsonObject() }, "web-5d4f-");

        Assert.Equal(["generateName", "namespace", "ownerReferences"], ((JsonObject)pod.Raw["metadata"]!).Select(f => f.Key));
        Assert.Equal(["apiVersion", "kind", "metadata", "spec"], pod.Raw.Select(f => f.Key));
    }
}

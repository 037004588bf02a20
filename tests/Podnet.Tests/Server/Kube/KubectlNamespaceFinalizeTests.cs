using System.Net;
using System.Text;
using Podnet.Tests.TestSupport;

namespace Podnet.Tests.Server.Kube;

/// <summary>
/// The namespace's <c>finalize</c> subresource behind <c>podnet up</c>: what a cluster operator does to a namespace
/// stuck in Terminating (content with a finalizer nobody removes) — <c>kubectl replace --raw
/// /api/v1/namespaces/X/finalize -f file</c> with <c>spec.finalizers</c> emptied, answered by FinalizeREST
/// (pkg/registry/core/namespace/storage/storage.go).
/// </summary>
public sealed class KubectlNamespaceFinalizeTests : IClassFixture<ServedWorld>
{
    private const string Version = "1.31";
    private readonly ServedWorld _served;

    public KubectlNamespaceFinalizeTests(ServedWorld served)
    {
        _served = served;
    }

    [Fact]
    public async Task ReplaceRawFinalize_EmptyFinalizers_StuckNamespaceGoes()
    {
        const string ns = "stuck";
        _served.KubectlOk(Version, "create", "namespace", ns);
        var held = Path.Combine(_served.Directory, "held.yaml");
        await File.WriteAllTextAsync(held, $"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: held, namespace: {ns}, finalizers: [example.com/hold]}}\ndata: {{k: v}}\n");
        _served.KubectlOk(Version, "create", "-f", held);
        _served.KubectlOk(Version, "delete", "namespace", ns, "--wait=false");
        await _served.WaitUntil(
            s => s.TryGet(s.Resources.For("v1", "Namespace"), null, ns)?["status.conditions"] is System.Text.Json.Nodes.JsonArray { Count: > 0 },
            "the namespace controller's conditions on the terminating namespace");
        Assert.Contains("Terminating", _served.KubectlOk(Version, "get", "namespace", ns), StringComparison.Ordinal);

        var finalize = Path.Combine(_served.Directory, "finalize.json");
        await File.WriteAllTextAsync(finalize, $"{{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{{\"name\":\"{ns}\"}},\"spec\":{{\"finalizers\":[]}}}}");
        var answer = _served.KubectlOk(Version, "replace", "--raw", $"/api/v1/namespaces/{ns}/finalize", "-f", finalize);

        Assert.Contains($"\"name\":\"{ns}\"", answer, StringComparison.Ordinal);
        Assert.Contains("\"phase\":\"Terminating\"", answer, StringComparison.Ordinal);
        Assert.Null(_served.Server.Cluster.Store.TryGet(_served.Server.Cluster.Store.Resources.For("v1", "Namespace"), null, ns));
    }

    [Fact]
    public async Task ReplaceRawFinalize_UnqualifiedFinalizer_IsInvalid()
    {
        const string ns = "finalize-invalid";
        _served.KubectlOk(Version, "create", "namespace", ns);
        var finalize = Path.Combine(_served.Directory, "finalize-invalid.json");
        await File.WriteAllTextAsync(finalize, $"{{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{{\"name\":\"{ns}\"}},\"spec\":{{\"finalizers\":[\"hold\"]}}}}");

        var (exit, _, error) = _served.Kubectl(Version, null, "replace", "--raw", $"/api/v1/namespaces/{ns}/finalize", "-f", finalize);

        Assert.NotEqual(0, exit);
        Assert.Contains("is invalid: spec.finalizers[0]: Invalid value: ", error, StringComparison.Ordinal);
        Assert.Contains("name is neither a standard finalizer name nor is it fully qualified", error, StringComparison.Ordinal);
        Assert.Equal(["kubernetes"], _served.Server.Cluster.Store.Get("v1", "Namespace", null, ns)["spec.finalizers"]!.AsArray().Select(f => f!.GetValue<string>()));
    }

    [Fact]
    public async Task Finalize_Get_IsMethodNotAllowed()
    {
        using var http = _served.Http();
        using var answer = await http.GetAsync(new Uri("/api/v1/namespaces/default/finalize", UriKind.Relative));

        Assert.Equal(HttpStatusCode.MethodNotAllowed, answer.StatusCode);
        Assert.Contains("the server does not allow this method on the requested resource", Encoding.UTF8.GetString(await answer.Content.ReadAsByteArrayAsync()), StringComparison.Ordinal);
    }
}

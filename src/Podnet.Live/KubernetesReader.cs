using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Exceptions;

namespace Podnet.Live;

/// <summary>
/// Reads a live cluster's objects through its Kubernetes API with KubernetesClient, read-only: one <c>list</c> per kind
/// the decision needs (<see cref="Kinds"/>), the <c>amazon-vpc-cni</c> ConfigMap, and the server's version. Objects
/// come back as the API serves them (<c>kubectl get -o json</c>'s items, with their apiVersion and kind).
/// </summary>
public sealed class KubernetesReader : IDisposable
{
    /// <summary>The kinds read, as <c>kubectl api-resources</c> names their resources (what RBAC's <c>list</c> rules name).</summary>
    public static readonly IReadOnlyList<string> Kinds =
    [
        "namespaces", "nodes", "serviceaccounts", "services", "pods", "configmaps (kube-system/amazon-vpc-cni, get)",
        "daemonsets.apps", "deployments.apps", "replicasets.apps", "statefulsets.apps",
        "networkpolicies.networking.k8s.io", "securitygrouppolicies.vpcresources.k8s.aws", "eniconfigs.crd.k8s.amazonaws.com",
    ];

    private readonly Kubernetes _client;
    private readonly LiveClusterSource _source;

    private KubernetesReader(Kubernetes client, LiveClusterSource source)
    {
        _client = client;
        _source = source;
    }

    /// <summary>A client for the kubeconfig's context (its current-context when none is named).</summary>
    /// <exception cref="LiveClusterException">No such file, not a kubeconfig, or no such context.</exception>
    public static KubernetesReader Open(LiveClusterSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (!File.Exists(source.Kubeconfig))
        {
            throw new LiveClusterException($"{source.Kubeconfig}: no such kubeconfig file");
        }

        try
        {
            var config = KubernetesClientConfiguration.BuildConfigFromConfigFile(source.Kubeconfig, source.Context);
            return new KubernetesReader(new Kubernetes(config), source);
        }
        catch (Exception e) when (e is KubeConfigException or IOException or UnauthorizedAccessException or YamlDotNet.Core.YamlException or ArgumentException or NullReferenceException)
        {
            // KubernetesClient's word for a context the file does not have is "context X not found for current-context".
            throw new LiveClusterException($"{source.Display}: {OneLine(e.Message)}", e);
        }
    }

    /// <summary>The server's version as <c>MAJOR.MINOR</c> (<c>1.31</c>; EKS's <c>31+</c> minor loses its plus).</summary>
    public async Task<string> VersionAsync(CancellationToken cancel = default)
    {
        var info = await Call("get /version", () => _client.Version.GetCodeAsync(cancel)).ConfigureAwait(false);
        return $"{info.Major}.{info.Minor.TrimEnd('+')}";
    }

    /// <summary>Every object of the kinds read, each as the API serves it, with apiVersion and kind set.</summary>
    public async Task<IReadOnlyList<JsonObject>> ListAsync(CancellationToken cancel = default)
    {
        var objects = new List<JsonObject>();
        void Add<T>(string apiVersion, string kind, IEnumerable<T> items)
        {
            foreach (var item in items)
            {
                var json = JsonNode.Parse(KubernetesJson.Serialize(item))!.AsObject();
                json["apiVersion"] = apiVersion;
                json["kind"] = kind;
                objects.Add(json);
            }
        }

        Add("v1", "Namespace", (await Call("list namespaces", () => _client.CoreV1.ListNamespaceAsync(cancellationToken: cancel)).ConfigureAwait(false)).Items);
        Add("v1", "Node", (await Call("list nodes", () => _client.CoreV1.ListNodeAsync(cancellationToken: cancel)).ConfigureAwait(false)).Items);
        Add("v1", "ServiceAccount", (await Call("list serviceaccounts", () => _client.CoreV1.ListServiceAccountForAllNamespacesAsync(cancellationToken: cancel)).ConfigureAwait(false)).Items);
        Add("v1", "Service", (await Call("list services", () => _client.CoreV1.ListServiceForAllNamespacesAsync(cancellationToken: cancel)).ConfigureAwait(false)).Items);
        Add("v1", "Pod", (await Call("list pods", () => _client.CoreV1.ListPodForAllNamespacesAsync(cancellationToken: cancel)).ConfigureAwait(false)).Items);
        var cniConfig = await Optional("get configmaps amazon-vpc-cni -n kube-system", () => _client.CoreV1.ReadNamespacedConfigMapAsync("amazon-vpc-cni", "kube-system", cancellationToken: cancel)).ConfigureAwait(false);
        Add<k8s.Models.V1ConfigMap>("v1", "ConfigMap", cniConfig is null ? [] : [cniConfig]);
        Add("apps/v1", "DaemonSet", (await Call("list daemonsets", () => _client.AppsV1.ListDaemonSetForAllNamespacesAsync(cancellationToken: cancel)).ConfigureAwait(false)).Items);
        Add("apps/v1", "Deployment", (await Call("list deployments", () => _client.AppsV1.ListDeploymentForAllNamespacesAsync(cancellationToken: cancel)).ConfigureAwait(false)).Items);
        Add("apps/v1", "ReplicaSet", (await Call("list replicasets", () => _client.AppsV1.ListReplicaSetForAllNamespacesAsync(cancellationToken: cancel)).ConfigureAwait(false)).Items);
        Add("apps/v1", "StatefulSet", (await Call("list statefulsets", () => _client.AppsV1.ListStatefulSetForAllNamespacesAsync(cancellationToken: cancel)).ConfigureAwait(false)).Items);
        Add("networking.k8s.io/v1", "NetworkPolicy", (await Call("list networkpolicies", () => _client.NetworkingV1.ListNetworkPolicyForAllNamespacesAsync(cancellationToken: cancel)).ConfigureAwait(false)).Items);
        objects.AddRange(await CustomAsync("vpcresources.k8s.aws", "v1beta1", "securitygrouppolicies", "SecurityGroupPolicy", cancel).ConfigureAwait(false));
        objects.AddRange(await CustomAsync("crd.k8s.amazonaws.com", "v1alpha1", "eniconfigs", "ENIConfig", cancel).ConfigureAwait(false));
        return objects;
    }

    /// <summary>The objects of a custom resource; none when the cluster does not serve it (its CRD is not installed: 404).</summary>
    private async Task<IEnumerable<JsonObject>> CustomAsync(string group, string version, string plural, string kind, CancellationToken cancel)
    {
        var list = await Optional($"list {plural}.{group}", () => _client.CustomObjects.ListClusterCustomObjectAsync<JsonElement>(group, version, plural, cancellationToken: cancel)).ConfigureAwait(false);
        if (list.ValueKind != JsonValueKind.Object || !list.TryGetProperty("items", out var items))
        {
            return [];
        }

        return [.. items.EnumerateArray().Select(item =>
        {
            var json = JsonNode.Parse(item.GetRawText())!.AsObject();
            json["apiVersion"] = $"{group}/{version}";
            json["kind"] = kind;
            return json;
        })];
    }

    /// <summary>A call whose 404 means "none" (a ConfigMap or CRD the cluster does not have).</summary>
    private async Task<T?> Optional<T>(string what, Func<Task<T>> call)
    {
        try
        {
            return await Call(what, call).ConfigureAwait(false);
        }
        catch (LiveClusterException e) when (e.InnerException is HttpOperationException { Response.StatusCode: HttpStatusCode.NotFound })
        {
            return default;
        }
    }

    /// <summary>One API call, its failure a <see cref="LiveClusterException"/> naming the call and the server's answer.</summary>
    private async Task<T> Call<T>(string what, Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (HttpOperationException e)
        {
            // The API server's Status message says what RBAC refused ("pods is forbidden: User … cannot list …").
            var status = e.Response.Content is { Length: > 0 } body && TryStatusMessage(body) is { } message ? message : e.Response.ReasonPhrase;
            throw new LiveClusterException($"{_source.Display}: {what}: {(int)e.Response.StatusCode} {e.Response.StatusCode}: {OneLine(status ?? e.Message)}", e);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException or System.Security.Authentication.AuthenticationException or KubernetesException)
        {
            throw new LiveClusterException($"{_source.Display}: {what} at {_client.BaseUri}: {OneLine(Innermost(e).Message)}", e);
        }
    }

    private static string? TryStatusMessage(string body)
    {
        try
        {
            return JsonNode.Parse(body)?["message"]?.GetValue<string>();
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return null;
        }
    }

    private static Exception Innermost(Exception e) => e.InnerException is { } inner ? Innermost(inner) : e;

    internal static string OneLine(string text) => string.Join(' ', text.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    public void Dispose() => _client.Dispose();
}

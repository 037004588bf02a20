using Microsoft.AspNetCore.Http;
using Podnet.Kube.Api;
using Podnet.Kube.Printing;

namespace Podnet.Server.Kube;

/// <summary>
/// The content types the Kubernetes API negotiates (k8s.io/apiserver endpoints/handlers/negotiation): what a client
/// asks for in <c>Accept</c> — a Table, aggregated discovery — and what a request body is.
/// </summary>
public static class KubeMediaTypes
{
    public const string Json = "application/json";
    public const string Protobuf = "application/vnd.kubernetes.protobuf";
    public const string MergePatch = "application/merge-patch+json";
    public const string StrategicMergePatch = "application/strategic-merge-patch+json";
    public const string JsonPatch = "application/json-patch+json";
    public const string ApplyPatch = "application/apply-patch+yaml";

    /// <summary>Aggregated discovery, apidiscovery.k8s.io/v2 (kubectl 1.30+ asks for it first).</summary>
    public const string DiscoveryV2 = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";

    /// <summary>Aggregated discovery, apidiscovery.k8s.io/v2beta1 (kubectl 1.27–1.29 ask only for this one).</summary>
    public const string DiscoveryV2Beta1 = "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList";

    /// <summary>The parameters of each media range of an Accept header, in the client's order.</summary>
    public static IReadOnlyList<IReadOnlyDictionary<string, string>> AcceptRanges(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var ranges = new List<IReadOnlyDictionary<string, string>>();
        foreach (var header in request.Headers.Accept)
        {
            foreach (var range in (header ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var parts = range.Split(';', StringSplitOptions.TrimEntries);
                var parameters = new Dictionary<string, string>(StringComparer.Ordinal) { [string.Empty] = parts[0] };
                foreach (var part in parts.Skip(1))
                {
                    var eq = part.IndexOf('=', StringComparison.Ordinal);
                    if (eq > 0)
                    {
                        parameters[part[..eq]] = part[(eq + 1)..];
                    }
                }

                ranges.Add(parameters);
            }
        }

        return ranges;
    }

    /// <summary>Whether the client asks for a <c>meta.k8s.io</c> Table (kubectl's human-readable <c>get</c>).</summary>
    public static bool WantsTable(HttpRequest request)
        => AcceptRanges(request) is [var first, ..] && first.GetValueOrDefault("as") == "Table" && first.GetValueOrDefault("g") == "meta.k8s.io";

    /// <summary>
    /// A Table request's <c>includeObject</c> (metav1.TableOptions): Metadata when absent or empty, None, Object.
    /// </summary>
    /// <exception cref="KubeException">400 for another value, with the supported ones as the API server lists them.</exception>
    public static IncludeObjectPolicy IncludeObject(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Query["includeObject"].FirstOrDefault() switch
        {
            null or "" or "Metadata" => IncludeObjectPolicy.Metadata,
            "None" => IncludeObjectPolicy.None,
            "Object" => IncludeObjectPolicy.Object,
            var other => throw KubeException.BadRequest($"includeObject: Unsupported value: \"{other}\": supported values: \"Metadata\", \"None\", \"Object\""),
        };
    }

    /// <summary>The aggregated discovery version the client accepts first (<c>v2</c> or <c>v2beta1</c>), or null for the legacy form.</summary>
    public static string? DiscoveryVersion(HttpRequest request)
        => AcceptRanges(request)
            .Where(r => r.GetValueOrDefault("g") == "apidiscovery.k8s.io" && r.GetValueOrDefault("as") == "APIGroupDiscoveryList")
            .Select(r => r.GetValueOrDefault("v"))
            .FirstOrDefault(v => v is "v2" or "v2beta1");

    /// <summary>The body's media type without parameters (<c>application/json</c>), lower-case; JSON when absent.</summary>
    public static string BodyType(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var type = request.ContentType;
        if (string.IsNullOrEmpty(type))
        {
            return Json;
        }

        var semicolon = type.IndexOf(';', StringComparison.Ordinal);
        return (semicolon < 0 ? type : type[..semicolon]).Trim().ToLowerInvariant();
    }
}

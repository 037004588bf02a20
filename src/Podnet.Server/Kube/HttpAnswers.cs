using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Podnet.Kube.Api;
using Podnet.Kube.Printing;

namespace Podnet.Server.Kube;

/// <summary>Writes the API server's JSON answers.</summary>
public static class HttpAnswers
{
    /// <summary>A JSON document with <paramref name="code"/>.</summary>
    public static Task JsonAsync(HttpContext context, int code, JsonNode body, string contentType = KubeMediaTypes.Json)
        => RawJsonAsync(context, code, (body ?? throw new ArgumentNullException(nameof(body))).ToJsonString(Podnet.Kube.Serialization.GoJsonEncoder.SerializerOptions), contentType);

    /// <summary>A JSON text with <paramref name="code"/>.</summary>
    public static async Task RawJsonAsync(HttpContext context, int code, string json, string contentType = KubeMediaTypes.Json)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.StatusCode = code;
        context.Response.ContentType = contentType;
        await context.Response.WriteAsync(json, context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>An error as the API server's <c>Status</c>.</summary>
    public static Task StatusAsync(HttpContext context, KubeException error)
        => JsonAsync(context, (error ?? throw new ArgumentNullException(nameof(error))).Code, error.ToStatus());

    /// <summary>
    /// A list as a <c>meta.k8s.io/v1</c> Table, written row by row (a Table of 10,000 pods is never one tree or one
    /// string); the same document <see cref="TableConvertor.Build"/> makes.
    /// </summary>
    public static async Task TableAsync(HttpContext context, KubeResource resource, IReadOnlyList<KubeObject> items, DateTimeOffset now, string resourceVersion, IncludeObjectPolicy includeObject)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(items);
        context.Response.StatusCode = 200;
        context.Response.ContentType = KubeMediaTypes.Json;
        var printer = TablePrinters.For(resource);
        var head = TableConvertor.Head(printer, resourceVersion).ToJsonString(Podnet.Kube.Serialization.GoJsonEncoder.SerializerOptions);
        var text = new StringBuilder(head, 0, head.Length - 1, 4096).Append(",\"rows\":[");
        for (var i = 0; i < items.Count; i++)
        {
            text.Append(i == 0 ? string.Empty : ",").Append(TableConvertor.Row(printer, items[i], now, includeObject).ToJsonString(Podnet.Kube.Serialization.GoJsonEncoder.SerializerOptions));
            if (text.Length > 64 * 1024)
            {
                await context.Response.WriteAsync(text.ToString(), context.RequestAborted).ConfigureAwait(false);
                text.Clear();
            }
        }

        text.Append("]}");
        await context.Response.WriteAsync(text.ToString(), context.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>A list (<c>PodList</c> …), its items written one by one.</summary>
    public static async Task ListAsync(HttpContext context, string listKind, string apiVersion, string resourceVersion, IReadOnlyList<KubeObject> items)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(items);
        context.Response.StatusCode = 200;
        context.Response.ContentType = KubeMediaTypes.Json;
        var head = new JsonObject { ["kind"] = listKind, ["apiVersion"] = apiVersion, ["metadata"] = new JsonObject { ["resourceVersion"] = resourceVersion } }.ToJsonString(Podnet.Kube.Serialization.GoJsonEncoder.SerializerOptions);
        var text = new StringBuilder(head, 0, head.Length - 1, 4096).Append(",\"items\":[");
        for (var i = 0; i < items.Count; i++)
        {
            text.Append(i == 0 ? string.Empty : ",").Append(items[i].ToJsonString());
            if (text.Length > 64 * 1024)
            {
                await context.Response.WriteAsync(text.ToString(), context.RequestAborted).ConfigureAwait(false);
                text.Clear();
            }
        }

        text.Append("]}");
        await context.Response.WriteAsync(text.ToString(), context.RequestAborted).ConfigureAwait(false);
    }
}

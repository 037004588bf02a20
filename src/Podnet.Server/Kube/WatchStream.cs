using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Podnet.Kube.Api;
using Podnet.Kube.Printing;
using Podnet.Kube.Store;

namespace Podnet.Server.Kube;

/// <summary>
/// <c>?watch=true</c>: a chunked stream of <c>{"type":…,"object":…}</c> lines, one per change, flushed as each
/// happens (k8s.io/apiserver endpoints/handlers/watch.go). It starts after the given resourceVersion (none or "0":
/// with the current objects as ADDED), answers an ERROR event with a 410 Expired Status when that is older than the
/// history kept, renders each object as a one-row Table when the client asks for Tables, and ends after
/// <c>timeoutSeconds</c> or when the client leaves.
/// </summary>
public static class WatchStream
{
    /// <summary>Serves the watch until it ends.</summary>
    public static async Task ServeAsync(HttpContext context, ObjectStore store, ApiPath path, TimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(clock);
        var query = context.Request.Query;
        var (labels, fields) = ResourceHandler.Selectors(query);
        var response = context.Response;
        response.StatusCode = 200;
        response.ContentType = KubeMediaTypes.Json;
        Watch watch;
        try
        {
            watch = store.Watch(path.Resource, path.Namespace, query["resourceVersion"].FirstOrDefault(), labels, fields);
        }
        catch (KubeException e) when (e.Code == 410)
        {
            // The API server answers a watch from an expired resourceVersion with 200 and one ERROR event.
            await WriteEventAsync(response, "ERROR", e.ToStatus().ToJsonString(Podnet.Kube.Serialization.GoJsonEncoder.SerializerOptions), context.RequestAborted).ConfigureAwait(false);
            return;
        }

        var wantsTable = KubeMediaTypes.WantsTable(context.Request);
        var includeObject = wantsTable ? KubeMediaTypes.IncludeObject(context.Request) : IncludeObjectPolicy.Metadata;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        if (int.TryParse(query["timeoutSeconds"].FirstOrDefault(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds) && seconds > 0)
        {
            timeout.CancelAfter(TimeSpan.FromSeconds(seconds));
        }

        try
        {
            await response.StartAsync(context.RequestAborted).ConfigureAwait(false);
            await response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
            await foreach (var change in watch.ReadAllAsync(timeout.Token).ConfigureAwait(false))
            {
                var obj = wantsTable
                    ? TableConvertor.Build(path.Resource, [change.Object], clock.GetUtcNow(), change.ResourceVersion.ToString(CultureInfo.InvariantCulture), includeObject).ToJsonString(Podnet.Kube.Serialization.GoJsonEncoder.SerializerOptions)
                    : Serialized.GetValue(change.Object, o => o.ToJsonString());
                await WriteEventAsync(response, change.TypeName, obj, context.RequestAborted).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // The client left, or the timeout ended the watch: both end the stream normally.
        }
        finally
        {
            watch.Stop();
        }
    }

    /// <summary>
    /// Each stored object's JSON, made once however many watchers send it (stored objects are never changed in place,
    /// so an object's text is its text for as long as the object lives).
    /// </summary>
    private static readonly ConditionalWeakTable<KubeObject, string> Serialized = new();

    /// <summary>One event line; Kestrel's WriteAsync flushes it to the client.</summary>
    private static Task WriteEventAsync(HttpResponse response, string type, string objectJson, CancellationToken cancellation)
        => response.WriteAsync("{\"type\":\"" + type + "\",\"object\":" + objectJson + "}\n", cancellation);
}

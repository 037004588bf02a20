using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Podnet.Kube.Api;
using Podnet.Kube.Serialization;

namespace Podnet.Server.Kube;

/// <summary>Reads a request body into JSON as the API server's decoders do, answering 400/415 as it does for bodies it cannot read.</summary>
public static class RequestBodies
{
    /// <summary>The most a body may hold (the API server's default MaxRequestBodyBytes, 3 MiB).</summary>
    public const int MaxBytes = 3 * 1024 * 1024;

    /// <summary>
    /// The body's bytes, read up to one byte past the limit as the API server's <c>limitedReadBody</c> reads them
    /// (k8s.io/apiserver pkg/endpoints/handlers/rest.go). A declared Content-Length above the limit is refused before
    /// anything is kept; either way the rest of an oversized body is drained first (<see cref="OversizedBodies"/>).
    /// </summary>
    /// <exception cref="KubeException">
    /// 413 <c>RequestEntityTooLarge</c>, <c>Request entity too large: limit is 3145728</c>, when the body is larger than
    /// <see cref="MaxBytes"/> (apimachinery's <c>NewRequestEntityTooLargeError</c>).
    /// </exception>
    public static async Task<byte[]> ReadAsync(HttpRequest request, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (await OversizedBodies.RefuseDeclaredAsync(request.HttpContext, MaxBytes).ConfigureAwait(false))
        {
            throw TooLarge();
        }

        var lifted = OversizedBodies.LiftServerLimit(request.HttpContext);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        try
        {
            while ((read = await request.Body.ReadAsync(chunk, cancellation).ConfigureAwait(false)) > 0)
            {
                buffer.Write(chunk, 0, read);
                if (buffer.Length > MaxBytes)
                {
                    if (lifted)
                    {
                        await OversizedBodies.DrainAsync(request).ConfigureAwait(false);
                    }

                    throw TooLarge();
                }
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw TooLarge();
        }

        return buffer.ToArray();
    }

    private static KubeException TooLarge()
        => new("RequestEntityTooLarge", $"Request entity too large: limit is {MaxBytes.ToString(System.Globalization.CultureInfo.InvariantCulture)}", 413);

    /// <summary>
    /// The deepest nesting of objects and arrays a body may have: System.Text.Json's default, which the JSON reader
    /// enforces and the writers assume. (Go's decoder takes 10,000 levels; no Kubernetes object nears 64.)
    /// </summary>
    public const int MaxDepth = 64;

    /// <summary>How deeply <paramref name="node"/> nests objects and arrays (a scalar is 0), walked without recursion.</summary>
    private static int Depth(JsonNode node)
    {
        var deepest = 0;
        var pending = new Stack<(JsonNode Node, int Depth)>();
        pending.Push((node, 1));
        while (pending.Count > 0)
        {
            var (current, depth) = pending.Pop();
            IEnumerable<JsonNode?> children = current switch
            {
                JsonObject o => o.Select(p => p.Value),
                JsonArray a => a,
                _ => [],
            };
            if (current is JsonObject or JsonArray)
            {
                deepest = Math.Max(deepest, depth);
                foreach (var child in children)
                {
                    if (child is not null)
                    {
                        pending.Push((child, depth + 1));
                    }
                }
            }
        }

        return deepest;
    }

    /// <summary>A JSON (or YAML, for apply patches) body as a node.</summary>
    /// <exception cref="KubeException">400 with the decoder's message for a body that is not JSON.</exception>
    public static JsonNode ParseJson(byte[] body, bool yaml = false)
    {
        ArgumentNullException.ThrowIfNull(body);
        try
        {
            if (yaml)
            {
                var parsed = YamlManifests.ParseSingle(System.Text.Encoding.UTF8.GetString(body), "request body")
                             ?? throw KubeException.BadRequest("error decoding YAML: the body is empty");

                // Held to the JSON reader's nesting limit, which every later step (serializing, admission, storing)
                // assumes: a deeper YAML document made a 500 when it was first written out.
                return Depth(parsed) <= MaxDepth ? parsed : throw KubeException.BadRequest($"error decoding YAML: the document is nested deeper than {MaxDepth} levels");
            }

            // Invalid UTF-8 and unpaired surrogate escapes read as U+FFFD, as the API server's Go decoder reads them.
            using var document = JsonDocument.Parse(Podnet.Kube.Serialization.GoJsonStrings.ReplaceInvalid(body));
            return JsonLastWins.Node(document.RootElement) ?? throw KubeException.BadRequest("the body of the request is null");
        }
        catch (JsonException e)
        {
            throw KubeException.BadRequest($"error decoding JSON: {e.Message}");
        }
        catch (ManifestSyntaxException e)
        {
            throw KubeException.BadRequest($"error decoding YAML: {e.Message}");
        }
    }

    /// <summary>An object body (create, update) as JSON: <c>application/json</c>, or protobuf as kubectl 1.32 sends for typed clients.</summary>
    public static JsonObject ParseObject(HttpRequest request, byte[] body)
    {
        var type = KubeMediaTypes.BodyType(request);
        JsonNode node = type switch
        {
            KubeMediaTypes.Json or "application/yaml" or "*/*" => ParseJson(body, yaml: type == "application/yaml"),
            KubeMediaTypes.Protobuf => Protobuf.KubeProtobuf.Decode(body),
            _ => throw KubeException.UnsupportedMediaType($"the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf"),
        };
        return node as JsonObject ?? throw KubeException.BadRequest("the body of the request must be a JSON object");
    }
}

using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Podnet.Server;

/// <summary>
/// A request body over a server's limit is answered 413 only after the rest of it has been read and thrown away, so
/// a client that is still sending reads the answer rather than a broken pipe. Kestrel's own limit closes the connection
/// at once, with the unread body still arriving, and the client's write fails before it sees the status. Go's net/http,
/// which serves the real API server, avoids the same race by reading on after the handler and closing gracefully
/// (net/http server.go, <c>closeWriteAndWait</c>).
/// </summary>
public static class OversizedBodies
{
    /// <summary>The most that is read and discarded (64 MiB); past it the connection is closed as Kestrel closes it.</summary>
    public const long DrainCap = 64L << 20;

    /// <summary>
    /// Lifts Kestrel's per-request limit, while nothing has been read yet, to <see cref="DrainCap"/>, so the caller's own
    /// count decides and an oversized body can still be drained. Returns false once reading has started.
    /// </summary>
    public static bool LiftServerLimit(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is not { IsReadOnly: false } feature)
        {
            return false;
        }

        feature.MaxRequestBodySize = DrainCap;
        return true;
    }

    /// <summary>
    /// True when the request declares a Content-Length over <paramref name="limit"/> bytes; the body is then read to its
    /// end (up to <see cref="DrainCap"/>) and discarded before the caller answers 413.
    /// </summary>
    public static async Task<bool> RefuseDeclaredAsync(HttpContext context, long limit)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Request.ContentLength is not { } length || length <= limit)
        {
            return false;
        }

        if (length <= DrainCap && LiftServerLimit(context))
        {
            await DrainAsync(context.Request).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>Reads what is left of the body and discards it; a client that hangs up or sends past the cap ends it.</summary>
    public static async Task DrainAsync(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        try
        {
            await request.Body.CopyToAsync(Stream.Null, request.HttpContext.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception e) when (e is BadHttpRequestException or IOException or OperationCanceledException)
        {
            // Past the cap or gone: Kestrel closes the connection, which is all that is left to do.
        }
    }
}

using System.Globalization;
using System.Text.Json.Nodes;
using Podnet.Kube.Views;
using Podnet.Policy;

namespace Podnet.World.Shell;

/// <summary>
/// A URL as curl and wget take it on the command line: <c>name</c>, <c>name:port</c>, <c>http://name[:port]/path</c>,
/// an IPv4 address, <c>name.namespace</c>, <c>name.namespace.svc.cluster.local</c>. No scheme means http; https only
/// changes the default port (TLS is not emulated).
/// </summary>
internal sealed record HttpUrl(string Scheme, string Host, int Port, string Path)
{
    public static HttpUrl? Parse(string text)
    {
        var scheme = "http";
        var rest = text;
        var schemeEnd = text.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd >= 0)
        {
            scheme = text[..schemeEnd].ToLowerInvariant();
            rest = text[(schemeEnd + 3)..];
            if (scheme is not ("http" or "https"))
            {
                return null;
            }
        }

        var slash = rest.IndexOfAny(['/', '?', '#']);
        var authority = slash < 0 ? rest : rest[..slash];
        var path = slash < 0 ? "/" : rest[slash] == '/' ? rest[slash..] : "/" + rest[slash..];
        var at = authority.LastIndexOf('@');
        if (at >= 0)
        {
            authority = authority[(at + 1)..];
        }

        var port = scheme == "https" ? 443 : 80;
        var colon = authority.LastIndexOf(':');
        if (colon >= 0)
        {
            if (!int.TryParse(authority[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out port) || port is < 1 or > 65535)
            {
                return null;
            }

            authority = authority[..colon];
        }

        return authority.Length == 0 ? null : new HttpUrl(scheme, authority, port, path);
    }
}

/// <summary>An HTTP response as the emulated server sends it.</summary>
internal sealed record HttpResponse(int Status, string Reason, IReadOnlyList<(string Name, string Value)> Headers, string Body)
{
    /// <summary>The status line, as curl -I and wget's error print it (<c>HTTP/1.1 200 OK</c>).</summary>
    public string StatusLine => string.Create(CultureInfo.InvariantCulture, $"HTTP/1.1 {Status} {Reason}");

    /// <summary>The head of the response, CRLF line ends and the blank line, as <c>curl -I</c> prints it.</summary>
    public string Head => StatusLine + "\r\n" + string.Concat(Headers.Select(h => $"{h.Name}: {h.Value}\r\n")) + "\r\n";
}

/// <summary>
/// One HTTP GET (or HEAD) from a pod: the name resolved by the pod's resolver, the TCP connect judged by reach, and
/// the answer of the container that accepted it. An nginx image (its name contains <c>nginx</c>) serves its default
/// site (<see cref="NginxPages"/>). Any other image answers 200 with the pod's hostname and a newline, as agnhost's
/// <c>serve-hostname</c> does: Podnet does not know what the application serves, but it knows which pod answered.
/// </summary>
internal sealed record HttpFetch(HttpUrl Url, DnsAnswer Dns, ConnectResult? Connect, HttpResponse? Response)
{
    /// <summary>All the reach verdicts behind the fetch: the DNS query, then the connection.</summary>
    public IReadOnlyList<ReachResult> Reach => [.. new[] { Dns.Query }.OfType<ReachResult>(), .. Connect?.Reach ?? []];

    public static HttpFetch Run(ShellContext context, HttpUrl url)
    {
        var dns = context.Resolver.Lookup(url.Host, context.Reach, context.Source);
        if (dns.Outcome != DnsOutcome.Resolved)
        {
            return new HttpFetch(url, dns, null, null);
        }

        var connect = TcpConnect.To(context.Reach, context.Source, dns.Address!, url.Port);
        return new HttpFetch(url, dns, connect, connect.Outcome == ConnectOutcome.Connected ? Serve(context, connect, url.Path) : null);
    }

    private static HttpResponse Serve(ShellContext context, ConnectResult connect, string path)
    {
        var image = connect.Container?["image"]?.GetValue<string>() ?? string.Empty;
        var date = context.World.Time.GetUtcNow().ToString("R", CultureInfo.InvariantCulture);
        if (image.Contains("nginx", StringComparison.OrdinalIgnoreCase))
        {
            var server = NginxServerToken(image);
            var welcome = NginxPages.ServesWelcome(path.Split('?')[0]);
            var body = welcome ? NginxPages.WelcomePage : NginxPages.NotFound(server);
            return new HttpResponse(welcome ? 200 : 404, welcome ? "OK" : "Not Found", Headers(server, date, body, welcome), body);
        }

        var hostname = connect.Server!.Name + "\n";
        return new HttpResponse(200, "OK", [("Date", date), ("Content-Length", Length(hostname)), ("Content-Type", "text/plain; charset=utf-8")], hostname);
    }

    private static List<(string, string)> Headers(string server, string date, string body, bool file)
    {
        List<(string, string)> headers = [("Server", server), ("Date", date), ("Content-Type", "text/html"), ("Content-Length", Length(body)), ("Connection", "keep-alive")];
        if (file)
        {
            headers.Add(("Accept-Ranges", "bytes"));
        }

        return headers;
    }

    private static string Length(string body) => System.Text.Encoding.UTF8.GetByteCount(body).ToString(CultureInfo.InvariantCulture);

    /// <summary><c>nginx/1.23</c> from an image tagged with a version (<c>nginx:1.23</c>), else <c>nginx</c>.</summary>
    private static string NginxServerToken(string image)
    {
        var name = image.Split('@')[0];
        var colon = name.LastIndexOf(':');
        var tag = colon > name.LastIndexOf('/') ? name[(colon + 1)..] : string.Empty;
        return tag.Length > 0 && tag.All(c => char.IsAsciiDigit(c) || c == '.') ? $"nginx/{tag}" : "nginx";
    }
}


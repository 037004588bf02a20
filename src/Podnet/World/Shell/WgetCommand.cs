using System.Globalization;
using System.Text;

namespace Podnet.World.Shell;

/// <summary>
/// BusyBox <c>wget</c> (networking/wget.c, libbb/xconnect.c), the one of busybox-based client pods:
/// <c>-q</c>, <c>-O FILE</c> (<c>-O-</c> writes the body to stdout; another file is not written), <c>-T SECONDS</c>,
/// <c>--timeout=SECONDS</c>, <c>-S</c> (accepted). Its words: <c>Connecting to H:P (IP:P)</c> unless <c>-q</c>,
/// <c>wget: bad address 'H'</c> when the name does not resolve, <c>wget: can't connect to remote host (IP): Connection
/// timed out</c> or <c>…: Connection refused</c>, <c>wget: download timed out</c> when <c>-T</c> runs out first,
/// <c>wget: server returned error: HTTP/1.1 404 Not Found</c>; every failure exits 1. The progress bar is not emulated.
/// </summary>
internal static class WgetCommand
{
    public static ExecResult Run(ShellContext context, IReadOnlyList<string> args)
    {
        var quiet = false;
        string? output = null;
        var timeout = false;
        string? url = null;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg.StartsWith("--timeout=", StringComparison.Ordinal))
            {
                timeout = true;
                continue;
            }

            if (arg is "--quiet")
            {
                quiet = true;
                continue;
            }

            if (arg.StartsWith('-') && arg.Length > 1 && !arg.StartsWith("--", StringComparison.Ordinal))
            {
                for (var c = 1; c < arg.Length; c++)
                {
                    switch (arg[c])
                    {
                        case 'q': quiet = true; continue;
                        case 'S': continue;
                        case 'O' or 'T':
                            var value = c + 1 < arg.Length ? arg[(c + 1)..] : ++i < args.Count ? args[i] : null;
                            if (value is null)
                            {
                                return ExecResult.Local(string.Empty, $"wget: option requires an argument -- '{arg[c]}'\n", 1);
                            }

                            if (arg[c] == 'O')
                            {
                                output = value;
                            }
                            else
                            {
                                timeout = true;
                            }

                            c = arg.Length;
                            continue;
                        default:
                            return ExecResult.Local(string.Empty, $"wget: unrecognized option: {arg[c]}\n", 1);
                    }
                }

                continue;
            }

            url ??= arg;
        }

        if (url is null || HttpUrl.Parse(url) is not { } parsed)
        {
            return ExecResult.Local(string.Empty, url is null ? "BusyBox wget: missing URL\n" : $"wget: not an http or ftp url: {url}\n", 1);
        }

        var fetch = HttpFetch.Run(context, parsed);
        var stderr = new StringBuilder();
        if (fetch.Dns.Outcome != DnsOutcome.Resolved)
        {
            return new ExecResult(string.Empty, $"wget: bad address '{parsed.Host}'\n", 1, fetch.Reach);
        }

        var port = parsed.Port.ToString(CultureInfo.InvariantCulture);
        if (!quiet)
        {
            stderr.Append(CultureInfo.InvariantCulture, $"Connecting to {parsed.Host}:{port} ({fetch.Dns.Address}:{port})\n");
        }

        var failure = fetch.Connect!.Outcome switch
        {
            ConnectOutcome.TimedOut when timeout => "wget: download timed out\n",
            ConnectOutcome.TimedOut => $"wget: can't connect to remote host ({fetch.Dns.Address}): Connection timed out\n",
            ConnectOutcome.Refused => $"wget: can't connect to remote host ({fetch.Dns.Address}): Connection refused\n",
            _ when fetch.Response!.Status >= 400 => $"wget: server returned error: {fetch.Response.StatusLine}\n",
            _ => null,
        };
        if (failure is not null)
        {
            return new ExecResult(string.Empty, stderr.Append(failure).ToString(), 1, fetch.Reach);
        }

        var toStdout = output == "-";
        var file = output ?? "index.html";
        if (!quiet)
        {
            stderr.Append(toStdout ? "writing to stdout\n" : $"saving to '{file}'\n");
            stderr.Append(toStdout ? "written to stdout\n" : $"'{file}' saved\n");
        }

        return new ExecResult(toStdout ? fetch.Response!.Body : string.Empty, stderr.ToString(), 0, fetch.Reach);
    }
}

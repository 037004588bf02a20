using System.Globalization;
using System.Text;

namespace Podnet.World.Shell;

/// <summary>
/// <c>curl</c> as Debian bullseye ships it (curl 7.74.0, the curl of the nginx 1.21–1.23 images seed 000 runs):
/// options <c>-s</c>, <c>-S</c>, <c>-v</c> (accepted, the verbose trace is not emulated), <c>-f</c>, <c>-i</c>,
/// <c>-I</c>, <c>-L</c>, <c>-k</c>, <c>-m SECONDS</c>, <c>--connect-timeout SECONDS</c>, <c>-o FILE</c> (the body is
/// not printed; no file is written), <c>-w FORMAT</c> (<c>%{http_code}</c>, <c>%{remote_ip}</c>,
/// <c>%{remote_port}</c>, <c>%{url_effective}</c>, <c>%{size_download}</c>, <c>\n</c>), <c>-H</c>/<c>-X</c> (accepted,
/// ignored). Errors as curl 7.74 words them (lib/connect.c, lib/multi.c): <c>curl: (6) Could not resolve host: H</c>;
/// a dropped SYN after the kernel's retries (tcp_syn_retries 6, about 130 s) <c>curl: (28) Failed to connect to H
/// port P: Connection timed out</c>, or with a time limit <c>curl: (28) Connection timed out after N
/// milliseconds</c> (<c>Resolving timed out</c> when the resolver's 10 s — timeout 5 s, 2 attempts — outlast it);
/// a refused connect <c>curl: (7) Failed to connect to H port P: Connection refused</c>; <c>-f</c> on a status
/// of 400 or more <c>curl: (22) The requested URL returned error: 404 Not Found</c>. <c>-s</c> without <c>-S</c>
/// prints no error. The progress meter curl writes to a stderr that is not a terminal is not emulated.
/// </summary>
internal static class CurlCommand
{
    private const string Help = "curl: try 'curl --help' or 'curl --manual' for more information\n";
    private const int ResolverTimeoutMs = 10_000;

    public static ExecResult Run(ShellContext context, IReadOnlyList<string> args)
    {
        var silent = false;
        var showError = false;
        var fail = false;
        var head = false;
        var include = false;
        string? output = null;
        string? writeOut = null;
        double? maxTime = null;
        double? connectTimeout = null;
        string? url = null;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string? Value(ref int index, string rest)
            {
                if (rest.Length > 0)
                {
                    return rest;
                }

                index++;
                return index < args.Count ? args[index] : null;
            }

            if (arg.StartsWith("--", StringComparison.Ordinal) && arg.Length > 2)
            {
                var name = arg[2..];
                switch (name)
                {
                    case "silent": silent = true; break;
                    case "show-error": showError = true; break;
                    case "verbose" or "location" or "insecure" or "ipv4": break;
                    case "fail": fail = true; break;
                    case "head": head = true; break;
                    case "include": include = true; break;
                    case "output" or "write-out" or "max-time" or "connect-timeout" or "header" or "request":
                        if (++i >= args.Count)
                        {
                            return ExecResult.Local(string.Empty, $"curl: option {arg}: requires parameter\n{Help}", 2);
                        }

                        if (!Apply(name, args[i], ref output, ref writeOut, ref maxTime, ref connectTimeout))
                        {
                            return ExecResult.Local(string.Empty, $"curl: option {arg}: expected a proper numerical parameter\n{Help}", 2);
                        }

                        break;
                    default:
                        return ExecResult.Local(string.Empty, $"curl: option {arg}: is unknown\n{Help}", 2);
                }

                continue;
            }

            if (arg.StartsWith('-') && arg.Length > 1)
            {
                for (var c = 1; c < arg.Length; c++)
                {
                    var flag = arg[c];
                    switch (flag)
                    {
                        case 's': silent = true; continue;
                        case 'S': showError = true; continue;
                        case 'v' or 'L' or 'k' or '4': continue;
                        case 'f': fail = true; continue;
                        case 'I': head = true; continue;
                        case 'i': include = true; continue;
                        case 'o' or 'w' or 'm' or 'H' or 'X':
                            var name = flag switch { 'o' => "output", 'w' => "write-out", 'm' => "max-time", 'H' => "header", _ => "request" };
                            var value = Value(ref i, arg[(c + 1)..]);
                            if (value is null)
                            {
                                return ExecResult.Local(string.Empty, $"curl: option -{flag}: requires parameter\n{Help}", 2);
                            }

                            if (!Apply(name, value, ref output, ref writeOut, ref maxTime, ref connectTimeout))
                            {
                                return ExecResult.Local(string.Empty, $"curl: option -{flag}: expected a proper numerical parameter\n{Help}", 2);
                            }

                            c = arg.Length;
                            continue;
                        default:
                            return ExecResult.Local(string.Empty, $"curl: option -{flag}: is unknown\n{Help}", 2);
                    }
                }

                continue;
            }

            url ??= arg;
        }

        if (url is null)
        {
            return ExecResult.Local(string.Empty, $"curl: no URL specified!\n{Help}", 2);
        }

        if (HttpUrl.Parse(url) is not { } parsed)
        {
            return ExecResult.Local(string.Empty, silent && !showError ? string.Empty : "curl: (3) URL using bad/illegal format or missing URL\n", 3);
        }

        var fetch = HttpFetch.Run(context, parsed);
        var limitMs = new[] { maxTime, connectTimeout }.OfType<double>().Select(s => (long)(s * 1000)).DefaultIfEmpty(-1).Min();
        var (code, message) = Failure(fetch, limitMs, fail);
        var stdout = new StringBuilder();
        if (fetch.Response is { } response && code == 0)
        {
            var text = head ? response.Head : include ? response.Head + response.Body : response.Body;
            if (output is null)
            {
                stdout.Append(text);
            }
        }

        if (writeOut is not null)
        {
            stdout.Append(WriteOut(writeOut, fetch, code == 22 || code == 0));
        }

        var stderr = message is not null && (!silent || showError) ? $"curl: ({code}) {message}\n" : string.Empty;
        return new ExecResult(stdout.ToString(), stderr, code, fetch.Reach);
    }

    private static bool Apply(string name, string value, ref string? output, ref string? writeOut, ref double? maxTime, ref double? connectTimeout)
    {
        switch (name)
        {
            case "output": output = value; return true;
            case "write-out": writeOut = value; return true;
            case "max-time" or "connect-timeout":
                if (!double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds))
                {
                    return false;
                }

                if (name == "max-time")
                {
                    maxTime = seconds;
                }
                else
                {
                    connectTimeout = seconds;
                }

                return true;
            default: return true;
        }
    }

    /// <summary>curl's exit code and error text for a fetch; (0, null) when it succeeded.</summary>
    private static (int Code, string? Message) Failure(HttpFetch fetch, long limitMs, bool fail)
    {
        var host = fetch.Url.Host;
        var port = fetch.Url.Port.ToString(CultureInfo.InvariantCulture);
        switch (fetch.Dns.Outcome)
        {
            case DnsOutcome.TimedOut when limitMs >= 0 && limitMs < ResolverTimeoutMs:
                return (28, $"Resolving timed out after {limitMs.ToString(CultureInfo.InvariantCulture)} milliseconds");
            case DnsOutcome.TimedOut or DnsOutcome.NotFound:
                return (6, $"Could not resolve host: {host}");
        }

        return fetch.Connect!.Outcome switch
        {
            ConnectOutcome.TimedOut when limitMs >= 0 => (28, $"Connection timed out after {limitMs.ToString(CultureInfo.InvariantCulture)} milliseconds"),
            ConnectOutcome.TimedOut => (28, $"Failed to connect to {host} port {port}: Connection timed out"),
            ConnectOutcome.Refused => (7, $"Failed to connect to {host} port {port}: Connection refused"),
            _ when fail && fetch.Response!.Status >= 400 => (22, $"The requested URL returned error: {fetch.Response.Status.ToString(CultureInfo.InvariantCulture)} {fetch.Response.Reason}"),
            _ => (0, null),
        };
    }

    /// <summary>The <c>-w</c> format with its variables and backslash escapes replaced.</summary>
    private static string WriteOut(string format, HttpFetch fetch, bool answered)
    {
        var response = answered ? fetch.Response : null;
        var connected = fetch.Connect is { Outcome: ConnectOutcome.Connected };
        var text = new StringBuilder();
        for (var i = 0; i < format.Length; i++)
        {
            if (format[i] == '\\' && i + 1 < format.Length && format[i + 1] is 'n' or 'r' or 't')
            {
                text.Append(format[++i] switch { 'n' => '\n', 'r' => '\r', _ => '\t' });
            }
            else if (format[i] == '%' && i + 1 < format.Length && format[i + 1] == '{' && format.IndexOf('}', i) is var end and > 0)
            {
                var variable = format[(i + 2)..end];
                text.Append(variable switch
                {
                    "http_code" or "response_code" => (response?.Status ?? 0).ToString("000", CultureInfo.InvariantCulture),
                    "remote_ip" => connected ? fetch.Dns.Address?.ToString() : string.Empty,
                    "remote_port" => connected ? fetch.Url.Port.ToString(CultureInfo.InvariantCulture) : string.Empty,
                    "url_effective" => $"{fetch.Url.Scheme}://{fetch.Url.Host}{(fetch.Url.Port == 80 ? string.Empty : ":" + fetch.Url.Port.ToString(CultureInfo.InvariantCulture))}{fetch.Url.Path}",
                    "size_download" => (response is null ? 0 : Encoding.UTF8.GetByteCount(response.Body)).ToString(CultureInfo.InvariantCulture),
                    _ => string.Empty,
                });
                i = end;
            }
            else
            {
                text.Append(format[i]);
            }
        }

        return text.ToString();
    }
}

using System.Globalization;
using System.Net;

namespace Podnet.World.Shell;

/// <summary>
/// <c>nslookup NAME</c> as BIND 9's dnsutils prints it: the server block (<c>Server:\t\tIP</c>,
/// <c>Address:\tIP#53</c>), then <c>Name:\tFQDN</c> and <c>Address: IP</c>; exit 0. A name no search domain makes
/// exist: <c>** server can't find NAME: NXDOMAIN</c>, exit 1. No answer at all: <c>;; connection timed out; no
/// servers could be reached</c>, exit 1. An IP address is looked up in reverse (<c>in-addr.arpa</c>), which the
/// emulated CoreDNS does not answer (NXDOMAIN).
/// </summary>
internal static class NslookupCommand
{
    public static ExecResult Run(ShellContext context, IReadOnlyList<string> args)
    {
        var name = args.FirstOrDefault(a => !a.StartsWith('-'));
        if (name is null)
        {
            return ExecResult.Local(string.Empty, "nslookup: interactive mode is not emulated; use nslookup NAME\n", 1);
        }

        var server = context.Resolver.Nameserver?.ToString() ?? "127.0.0.1";
        var header = $"Server:\t\t{server}\nAddress:\t{server}#53\n\n";
        if (IPAddress.TryParse(name, out var literal))
        {
            var reverse = string.Join('.', literal.GetAddressBytes().Reverse().Select(b => b.ToString(CultureInfo.InvariantCulture))) + ".in-addr.arpa";
            return ExecResult.Local($"{header}** server can't find {reverse}: NXDOMAIN\n\n", string.Empty, 1);
        }

        var answer = context.Resolver.Lookup(name, context.Reach, context.Source);
        IReadOnlyList<Podnet.Policy.ReachResult> reach = [.. new[] { answer.Query }.OfType<Podnet.Policy.ReachResult>()];
        return answer.Outcome switch
        {
            DnsOutcome.Resolved => new ExecResult($"{header}Name:\t{answer.Name}\nAddress: {answer.Address}\n\n", string.Empty, 0, reach),
            DnsOutcome.NotFound => new ExecResult($"{header}** server can't find {name}: NXDOMAIN\n\n", string.Empty, 1, reach),
            _ => new ExecResult(";; connection timed out; no servers could be reached\n\n", string.Empty, 1, reach),
        };
    }
}

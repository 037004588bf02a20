using Podnet.Policy;

namespace Podnet.World.Shell;

/// <summary>
/// <c>getent hosts NAME</c> (glibc nss/getent.c): the address padded to 15 columns, a space, the canonical name
/// (<c>printf("%-15s %s\n")</c>), exit 0; exit 2 when the key is not found (NXDOMAIN or no answer, and for an IP address: no PTR records are emulated). Other databases
/// and enumeration are not emulated.
/// </summary>
internal static class GetentCommand
{
    public static ExecResult Run(ShellContext context, IReadOnlyList<string> args)
    {
        if (args.Count == 0)
        {
            return ExecResult.Local(string.Empty, "getent: wrong number of arguments\nTry `getent --help' or `getent --usage' for more information.\n", 1);
        }

        if (args[0] is not ("hosts" or "ahosts" or "ahostsv4"))
        {
            return ExecResult.Local(string.Empty, $"Unknown database: {args[0]}\nTry `getent --help' or `getent --usage' for more information.\n", 1);
        }

        if (args.Count < 2)
        {
            return ExecResult.Local(string.Empty, "Enumeration not supported on hosts\n", 1);
        }

        if (Podnet.Net.IpAddressText.TryParse(args[1], out _))
        {
            // A reverse lookup: the emulated CoreDNS answers no PTR records.
            return ExecResult.Local(string.Empty, string.Empty, 2);
        }

        var answer = context.Resolver.Lookup(args[1], context.Reach, context.Source);
        IReadOnlyList<ReachResult> reach = [.. new[] { answer.Query }.OfType<ReachResult>()];
        return answer.Outcome == DnsOutcome.Resolved
            ? new ExecResult($"{answer.Address,-15} {answer.Name}\n", string.Empty, 0, reach)
            : new ExecResult(string.Empty, string.Empty, 2, reach);
    }
}

using System.Globalization;
using System.Text;
using Podnet.Policy;

namespace Podnet.World.Shell;

/// <summary>
/// What one command of the emulated pod shell printed and how it ended, as <c>kubectl exec</c> carries it: the text
/// for the stdout stream (channel 1), the text for the stderr stream (channel 2) and the exit code (0 is the v5
/// protocol's <c>Success</c> status, anything else its <c>NonZeroExitCode</c> cause). Text uses <c>\n</c> line ends;
/// a tty's <c>\n</c> → <c>\r\n</c> (ONLCR) is the transport's. <see cref="Reach"/> holds the verdicts of Podnet's
/// reach machinery the output was made from (the DNS query, the connection): the "why" the real tool never prints.
/// </summary>
public sealed record ExecResult(string Stdout, string Stderr, int ExitCode, IReadOnlyList<ReachResult> Reach)
{
    /// <summary>A result that needed no network verdict (<c>hostname</c>, <c>echo</c>, an unknown command).</summary>
    public static ExecResult Local(string stdout, string stderr, int exitCode) => new(stdout, stderr, exitCode, []);

    /// <summary>
    /// The verdicts behind the output, one hop a line (<c>+ step: detail</c> when it passed, <c>- step: detail</c>
    /// when it failed), for Podnet's log or audit; empty when no network verdict was taken.
    /// </summary>
    public string Explanation
    {
        get
        {
            var text = new StringBuilder();
            foreach (var result in Reach)
            {
                if (result.ErrorMessage is { } error)
                {
                    text.Append(CultureInfo.InvariantCulture, $"! {error}\n");
                }

                foreach (var hop in result.Hops)
                {
                    text.Append(CultureInfo.InvariantCulture, $"{(hop.Allowed ? '+' : '-')} {hop.Step}: {hop.Detail}\n");
                }
            }

            return text.ToString();
        }
    }
}

using Podnet.Policy;

namespace Podnet.World.Shell;

/// <summary>
/// What one input line made the shell write, and where it stands: stdout and stderr text (<c>\n</c> line ends),
/// whether the shell has exited and with which code (else the line's status), the prompt to write next (empty
/// without a terminal or after the exit), and the reach verdicts behind the output.
/// </summary>
public sealed record ShellLineResult(string Stdout, string Stderr, bool Ended, int ExitCode, string Prompt, IReadOnlyList<ReachResult> Reach);

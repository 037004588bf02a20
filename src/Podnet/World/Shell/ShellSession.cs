using System.Globalization;

namespace Podnet.World.Shell;

/// <summary>
/// One interactive shell in a pod (<c>kubectl exec -it POD -- /bin/bash</c>, or <c>-i</c> with a pipe), fed a line
/// at a time. The transport owns the terminal: it echoes keystrokes, edits the line, turns <c>\n</c> into
/// <c>\r\n</c> on the way out (the tty's ONLCR), and hands over each line when it sees <c>\r</c> (raw tty) or
/// <c>\n</c> (pipe); a trailing <c>\r</c> or <c>\n</c> on the line is ignored. With a terminal the session prompts
/// like the container's shell: bash as root in a Debian image <c>root@HOSTNAME:/# </c> (Debian's
/// <c>/etc/bash.bashrc</c> PS1 <c>\u@\h:\w\$ </c>), dash (<c>sh</c>) <c># </c> — and bash says <c>exit</c> on stderr
/// when it leaves. Without a terminal nothing prompts. <c>exit [N]</c> ends the session with N (modulo 256, the
/// last status without N); end of input ends it with the last status. Not thread-safe; see <see cref="PodShell"/>
/// for the lock the world needs.
/// </summary>
public sealed class ShellSession
{
    private readonly PodShell _shell;
    private readonly bool _bash;
    private int _line;

    internal ShellSession(PodShell shell, bool bash, bool tty)
    {
        _shell = shell;
        _bash = bash;
        Tty = tty;
    }

    /// <summary>Whether the session has a terminal (prompts, bash's <c>exit</c> message).</summary>
    public bool Tty { get; }

    /// <summary>The exit status of the last command (bash's <c>$?</c>), 0 before any.</summary>
    public int LastStatus { get; private set; }

    /// <summary>Whether the shell has exited; <see cref="Run"/> then refuses more input.</summary>
    public bool Ended { get; private set; }

    /// <summary>The prompt to show before the next line: empty without a terminal or after the end.</summary>
    public string Prompt => !Tty || Ended ? string.Empty : _bash ? $"root@{_shell.Hostname}:/# " : "# ";

    /// <summary>The text the shell writes when it starts: the first prompt.</summary>
    public string Start() => Prompt;

    /// <summary>
    /// Runs one input line (without or with its <c>\r</c>/<c>\n</c>): a blank line or a comment only prompts again, a
    /// command runs as <see cref="PodShell.Exec"/> would run it inside the shell (an unknown one is <c>bash: foo:
    /// command not found</c>, or dash's <c>sh: 1: foo: not found</c>, status 127).
    /// </summary>
    /// <exception cref="InvalidOperationException">The session has ended.</exception>
    public ShellLineResult Run(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        if (Ended)
        {
            throw new InvalidOperationException("the shell has exited");
        }

        _line++;
        var text = line.TrimEnd('\r', '\n');
        var words = ShellWords.Split(text, LastStatus);
        if (words is null)
        {
            // An open quote: bash would wait for more lines; the emulation reports it as bash does at EOF.
            return Finish(ExecResult.Local(string.Empty, $"{Name}: unexpected EOF while looking for matching quote\n", 2));
        }

        if (words.Count == 0)
        {
            return new ShellLineResult(string.Empty, string.Empty, false, LastStatus, Prompt, []);
        }

        if (words[0] == "exit")
        {
            return Exit(words);
        }

        return Finish(_shell.Run(words, _bash ? "bash: " : string.Create(CultureInfo.InvariantCulture, $"sh: {_line}: ")));
    }

    /// <summary>End of input (kubectl closes stdin, v5 close-stream 0): the shell exits with the last status.</summary>
    public ShellLineResult EndOfInput()
    {
        if (Ended)
        {
            return new ShellLineResult(string.Empty, string.Empty, true, LastStatus, string.Empty, []);
        }

        return Leave(LastStatus, string.Empty);
    }

    private string Name => _bash ? "bash" : "sh";

    private ShellLineResult Exit(List<string> words)
    {
        if (words.Count == 1)
        {
            return Leave(LastStatus, string.Empty);
        }

        if (!int.TryParse(words[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var code))
        {
            var complaint = _bash ? $"bash: exit: {words[1]}: numeric argument required\n" : $"sh: {_line.ToString(CultureInfo.InvariantCulture)}: exit: Illegal number: {words[1]}\n";
            return _bash ? Leave(2, complaint) : Finish(ExecResult.Local(string.Empty, complaint, 2));
        }

        return Leave(code & 0xFF, string.Empty);
    }

    private ShellLineResult Leave(int code, string stderr)
    {
        Ended = true;
        LastStatus = code;

        // Interactive bash announces its exit on stderr; dash says nothing.
        var goodbye = Tty && _bash ? "exit\n" : string.Empty;
        return new ShellLineResult(string.Empty, goodbye + stderr, true, code, string.Empty, []);
    }

    private ShellLineResult Finish(ExecResult result)
    {
        LastStatus = result.ExitCode;
        return new ShellLineResult(result.Stdout, result.Stderr, false, result.ExitCode, Prompt, result.Reach);
    }
}

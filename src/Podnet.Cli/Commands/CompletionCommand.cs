using System.CommandLine;

namespace Podnet.Cli.Commands;

/// <summary>
/// <c>podnet completion bash|zsh</c>: prints a shell completion script, as <c>kubectl completion</c> does. The script
/// asks podnet itself for candidates through System.CommandLine's <c>[suggest:POSITION]</c> directive (commands,
/// options and their allowed values), and falls back to file names where podnet offers none (worlds, tables).
/// </summary>
public static class CompletionCommand
{
    /// <summary>
    /// Bash: <c>complete -F</c> with a function that sends the line up to the cursor, without the program's own
    /// name (which may be <c>./podnet</c>), to the directive.
    /// </summary>
    public const string Bash = """
        # podnet completion for bash. Load it with: source <(podnet completion bash)
        _podnet_complete() {
          local line="${COMP_LINE:0:COMP_POINT}"
          line="${line#"${COMP_WORDS[0]}"}"
          line="${line# }"
          local cur="${COMP_WORDS[COMP_CWORD]}"
          local IFS=$'\n'
          local candidates
          candidates=$("${COMP_WORDS[0]}" "[suggest:${#line}]" "$line" 2>/dev/null)
          COMPREPLY=($(compgen -W "$candidates" -- "$cur"))
          if [ ${#COMPREPLY[@]} -eq 0 ]; then
            COMPREPLY=($(compgen -f -- "$cur"))
          fi
        }
        complete -o filenames -F _podnet_complete podnet ./podnet

        """;

    /// <summary>Zsh: a <c>compdef</c> function that does the same with <c>$words</c> up to <c>$CURRENT</c>.</summary>
    public const string Zsh = """
        #compdef podnet
        # podnet completion for zsh. Load it with: source <(podnet completion zsh)
        _podnet() {
          local line="${(j: :)words[2,CURRENT]}"
          local -a candidates
          candidates=("${(@f)$(${words[1]} "[suggest:${#line}]" "$line" 2>/dev/null)}")
          candidates=(${candidates:#})
          if (( ${#candidates} )); then
            compadd -a candidates
          else
            _files
          fi
        }
        if (( $+functions[compdef] )); then
          compdef _podnet podnet ./podnet
        fi

        """;

    public static Command Create(TextWriter output)
    {
        var shell = new Argument<string>("shell") { Description = "bash or zsh" };
        shell.AcceptOnlyFromAmong("bash", "zsh");
        var command = new Command("completion", "Print a shell completion script: source <(podnet completion bash), or zsh") { shell };
        command.SetAction(parse =>
        {
            output.Write(parse.GetValue(shell) == "zsh" ? Zsh : Bash);
            return ExitCodes.Ok;
        });
        return command;
    }
}

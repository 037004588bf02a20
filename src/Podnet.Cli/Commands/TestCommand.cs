using System.CommandLine;
using Podnet.Cli.Output;
using Podnet.Policy;
using Podnet.World;

namespace Podnet.Cli.Commands;

/// <summary><c>podnet test WORLD EXPECTED.tsv</c> (or <c>--kubeconfig FILE EXPECTED.tsv</c>): expected connectivity, row by row; the last line says how many passed.</summary>
public static class TestCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var world = new Argument<string>("world") { Description = "A directory of YAML files or one YAML file (none with --kubeconfig)" };
        var expected = new Argument<string?>("expected") { Description = "Rows from<TAB>to<TAB>PROTOCOL/port<TAB>allowed|denied; # lines are comments", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("test", "Check a table of expected connectivity against the world") { world, expected };
        var live = new LiveOptions();
        live.AddTo(command);
        command.SetAction(parse => live.Resolve(parse, [parse.GetValue(world), parse.GetValue(expected)], 1, "EXPECTED.tsv", error, out var rest) is { } input
            ? Execute(input, rest[0], output, error)
            : PodnetCommand.ErrorExitCode);
        return command;
    }

    public static int Execute(string path, string expectedPath, TextWriter output, TextWriter error)
        => Execute(new WorldInput.Files(path), expectedPath, output, error);

    /// <summary>Checks the table at <paramref name="expectedPath"/> on <paramref name="input"/>: exit 0 all passed, 1 some failed, 2 an error.</summary>
    public static int Execute(WorldInput input, string expectedPath, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(error);
        if (!File.Exists(expectedPath))
        {
            error.WriteLine($"error: {expectedPath}: no such file");
            return PodnetCommand.ErrorExitCode;
        }

        string[] lines;
        try
        {
            lines = WorldFiles.ReadText(expectedPath).ReplaceLineEndings("\n").Split('\n');
        }
        catch (WorldException e)
        {
            error.WriteLine($"error: {e.Message}");
            return PodnetCommand.ErrorExitCode;
        }

        if (!lines.Any(IsRow))
        {
            // "0 passed, 0 failed" would let a truncated or emptied table pass CI.
            error.WriteLine($"error: {expectedPath}: no rows to check (only blank lines and # comments); expected from<TAB>to<TAB>PROTOCOL/port<TAB>allowed|denied");
            return PodnetCommand.ErrorExitCode;
        }

        if (input.TryLoad(error) is not { } world)
        {
            return PodnetCommand.ErrorExitCode;
        }

        var paint = Painter.For(output);
        var reach = new Reachability(world);
        var passed = 0;
        var failed = 0;
        var lineNumber = 0;
        foreach (var line in lines)
        {
            lineNumber++;
            if (!IsRow(line))
            {
                continue;
            }

            var cells = line.Split('\t');
            if (cells.Length != 4 || cells[3] is not ("allowed" or "denied"))
            {
                error.WriteLine($"error: {expectedPath}:{lineNumber}: expected from<TAB>to<TAB>PROTOCOL/port<TAB>allowed|denied, got \"{line}\"");
                return PodnetCommand.ErrorExitCode;
            }

            var result = reach.Evaluate(cells[0], cells[1], cells[2]);
            if (result.ErrorMessage is { } message)
            {
                error.WriteLine($"error: {expectedPath}:{lineNumber}: {message}");
                return PodnetCommand.ErrorExitCode;
            }

            var actual = result.Allowed ? "allowed" : "denied";
            if (actual == cells[3])
            {
                passed++;
                continue;
            }

            failed++;
            output.Write($"{paint.Denied("FAIL")} {expectedPath}:{lineNumber}: {cells[0]} -> {cells[1]} {cells[2]}: expected {cells[3]}, got {actual}\n");
            output.Write(ReachCommand.Render(result, paint));
        }

        output.Write(failed == 0 ? paint.Allowed($"{passed} passed, {failed} failed") + "\n" : $"{passed} passed, {paint.Denied($"{failed} failed")}\n");
        return failed == 0 ? ExitCodes.Ok : ExitCodes.Verdict;
    }

    /// <summary>Blank lines and lines starting with # are not rows.</summary>
    private static bool IsRow(string line) => line.Trim().Length > 0 && !line.StartsWith('#');
}

using System.CommandLine;
using Podnet.Cli.Output;
using Podnet.Policy;

namespace Podnet.Cli.Commands;

/// <summary>
/// <c>podnet report [WORLD] -o FILE.html [--port P]</c>: one self-contained HTML page of a settled world — the VPC,
/// subnets, nodes and their interfaces, security groups, pods, and the connectivity matrix with each cell explained
/// (<see cref="ReportHtml"/>). <c>-o -</c> writes the page to stdout.
/// </summary>
public static class ReportCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var world = new Argument<string?>("world")
        {
            Description = "A directory of YAML files or one YAML file; without it, the default world",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var file = new Option<string>("--output", "-o") { Description = "The HTML file to write (- for stdout)", Required = true };
        var port = new Option<string>("--port") { Description = "The matrix's port: 80, 80/tcp, 53/udp or TCP/80", DefaultValueFactory = _ => "TCP/80" };
        var command = new Command("report", "Write one HTML page: VPC, subnets, nodes and interfaces, security groups, pods, and the connectivity matrix explained") { world, file, port };
        command.SetAction(parse => Execute(parse.GetValue(world), parse.GetValue(file)!, parse.GetValue(port)!, output, error));
        return command;
    }

    public static int Execute(string? path, string file, string port, TextWriter output, TextWriter error)
    {
        if (!PortSpec.TryParse(port, out var spec, out var portError))
        {
            error.WriteLine($"error: --port: {portError}");
            return PodnetCommand.ErrorExitCode;
        }

        var directory = file == "-" ? null : Path.GetDirectoryName(Path.GetFullPath(file));
        if (directory is not null && !Directory.Exists(directory))
        {
            error.WriteLine($"error: --output: {file}: the directory {directory} does not exist");
            return PodnetCommand.ErrorExitCode;
        }

        if (WorldFiles.TryLoad(path, error) is not { } world)
        {
            return PodnetCommand.ErrorExitCode;
        }

        var page = ProgressLine.Run(error, "writing the report", line => ReportHtml.Render(world, path ?? "the default world", spec, line));
        if (file == "-")
        {
            output.Write(page);
            return ExitCodes.Ok;
        }

        try
        {
            File.WriteAllText(file, page);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"error: --output: {file}: {e.Message}");
            return PodnetCommand.ErrorExitCode;
        }

        error.WriteLine($"wrote {file}");
        return ExitCodes.Ok;
    }
}

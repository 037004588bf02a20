using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Podnet.Cli.Output;
using Podnet.Policy;

namespace Podnet.Cli.Commands;

/// <summary>
/// <c>podnet matrix WORLD [--port P] [-o table|json|html|classes]</c> (or <c>--kubeconfig FILE</c> for a live cluster): for every pod (with an IP, not on the host
/// network), which other pods it may open a connection to on one port; <c>classes</c> gives it by classes of alike
/// pods, whose size grows with the classes rather than the square of the pods — the default for worlds of more than
/// <see cref="ClassesAbove"/> pods.
/// </summary>
public static class MatrixCommand
{
    private static readonly JsonSerializerOptions CompactJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Command Create(TextWriter output, TextWriter error)
    {
        var world = new Argument<string?>("world") { Description = "A directory of YAML files or one YAML file (none with --kubeconfig)", Arity = ArgumentArity.ZeroOrOne };
        var port = new Option<string>("--port") { Description = "80, 80/tcp, 53/udp or TCP/80", DefaultValueFactory = _ => "TCP/80" };
        var format = new Option<string?>("--output", "-o") { Description = $"table, json, html or classes (by classes of alike pods); default: table, or classes above {ClassesAbove:N0} pods" };
        format.AcceptOnlyFromAmong("table", "json", "html", "classes");
        var command = new Command("matrix", "Show which pods may connect to which, on one port: pods alike are decided once") { world, port, format };
        var live = new LiveOptions();
        live.AddTo(command);
        command.SetAction(parse => live.Resolve(parse, [parse.GetValue(world)], 0, string.Empty, error, out _) is { } input
            ? Execute(input, parse.GetValue(port)!, parse.GetValue(format), output, error)
            : PodnetCommand.ErrorExitCode);
        return command;
    }

    /// <summary>
    /// Above this many pods the matrix is shown by classes unless <c>-o</c> asks otherwise: the pod table grows with
    /// the square of the pods (2,000 pods make 8 MB of it, 10,000 pods some 200 MB), the class form with the classes.
    /// </summary>
    public const int ClassesAbove = 2_000;

    public static int Execute(string path, string port, string? format, TextWriter output, TextWriter error)
        => Execute(new WorldInput.Files(path), port, format, output, error);

    /// <summary>
    /// The matrix of <paramref name="input"/> on <paramref name="port"/>: exit 0, or 2 with one <c>error:</c> line.
    /// <paramref name="format"/> null is the table, or the classes above <see cref="ClassesAbove"/> pods (a <c>note:</c>
    /// on <paramref name="error"/> says so).
    /// </summary>
    public static int Execute(WorldInput input, string port, string? format, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(error);
        if (!PortSpec.TryParse(port, out var spec, out var portError))
        {
            error.WriteLine($"error: --port: {portError}");
            return PodnetCommand.ErrorExitCode;
        }

        if (input.TryLoad(error) is not { } world)
        {
            return PodnetCommand.ErrorExitCode;
        }

        var matrix = ProgressLine.Run(error, "deciding the matrix", line => ConnectivityMatrix.Compute(
            new Reachability(world),
            spec,
            line.IsShown ? (done, classes) => line.Report(() => $"deciding the matrix on {spec}: {done:N0} of {classes:N0} classes of alike pods") : null));
        if (format is null && matrix.Pods.Count > ClassesAbove)
        {
            error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"note: {matrix.Pods.Count:N0} pods: the matrix is shown by classes of alike pods (-o table for a row per pod)"));
            format = "classes";
        }

        output.Write(format switch
        {
            "classes" => Classes(matrix),
            "json" => Json(matrix),
            "html" => Html(matrix),
            _ => Table(matrix, Painter.For(output)),
        });
        return ExitCodes.Ok;
    }

    /// <summary>
    /// The legend (index and pod), then one row per source and one column per destination, headed by index:
    /// <c>.</c> allowed, <c>X</c> denied, <c>-</c> the pod itself.
    /// </summary>
    public static string Table(MatrixResult matrix, Painter? painter = null)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        var paint = painter ?? Painter.Plain;
        var allowedCell = paint.Allowed(".");
        var deniedCell = paint.Denied("X");
        var text = Headline(matrix);
        var count = matrix.Pods.Count;
        if (count == 0)
        {
            return text.ToString();
        }

        var width = (count - 1).ToString(CultureInfo.InvariantCulture).Length;
        string Index(int i) => i.ToString(CultureInfo.InvariantCulture).PadLeft(width);
        text.Append('\n');
        for (var i = 0; i < count; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{Index(i)}  {matrix.Pods[i]}\n");
        }

        // Column headers are written vertically when indices have more than one digit, so the cells stay one wide.
        text.Append('\n');
        var margin = new string(' ', width + 7);
        for (var digit = 0; digit < width; digit++)
        {
            text.Append(digit == width - 1 ? "from\\to".PadRight(width + 7) : margin);
            for (var to = 0; to < count; to++)
            {
                text.Append(Index(to)[digit]);
                text.Append(to == count - 1 ? string.Empty : " ");
            }

            text.Append('\n');
        }

        for (var from = 0; from < count; from++)
        {
            text.Append(Index(from).PadLeft(width + 6)).Append(' ');
            for (var to = 0; to < count; to++)
            {
                text.Append(to == 0 ? string.Empty : " ");
                text.Append(from == to ? "-" : matrix.Allowed(from, to) ? allowedCell : deniedCell);
            }

            text.Append('\n');
        }

        text.Append(CultureInfo.InvariantCulture, $"\n. allowed, X denied, - self; {matrix.AllowedPairs()} of {(long)count * (count - 1)} pairs allowed\n");
        return text.ToString();
    }

    /// <summary>
    /// The matrix by classes of alike pods: each class with its pods, then for each class the classes its pods may
    /// connect to, as ranges (<c>0 -> 0-3, 7</c>; a class to itself means its other pods). A line per class and per
    /// pod instead of a cell per pair of pods: 10,000 pods take megabytes, not the pod table's hundreds.
    /// </summary>
    public static string Classes(MatrixResult matrix)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        var text = Headline(matrix);
        var count = matrix.Pods.Count;
        if (count == 0)
        {
            return text.ToString();
        }

        text.Append("\nclasses (pods of a class get the same verdicts):\n");
        for (var c = 0; c < matrix.Classes; c++)
        {
            var pods = matrix.PodsOf(c);
            text.Append(CultureInfo.InvariantCulture, $"{c}  {pods.Count} {(pods.Count == 1 ? "pod" : "pods")}: ");
            text.AppendJoin(", ", pods.Select(p => matrix.Pods[p]));
            text.Append('\n');
        }

        text.Append("\nallowed (from class -> to classes):\n");
        for (var from = 0; from < matrix.Classes; from++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{from} -> ");
            var ranges = new List<string>();
            for (var to = 0; to < matrix.Classes; to++)
            {
                if (!matrix.ClassAllowed(from, to))
                {
                    continue;
                }

                var last = to;
                while (last + 1 < matrix.Classes && matrix.ClassAllowed(from, last + 1))
                {
                    last++;
                }

                ranges.Add(last == to ? to.ToString(CultureInfo.InvariantCulture) : string.Create(CultureInfo.InvariantCulture, $"{to}-{last}"));
                to = last;
            }

            text.Append(ranges.Count == 0 ? "none" : string.Join(", ", ranges)).Append('\n');
        }

        text.Append(CultureInfo.InvariantCulture, $"\n{matrix.AllowedPairs()} of {(long)count * (count - 1)} pairs of pods allowed\n");
        return text.ToString();
    }

    /// <summary>The first line of the table and class forms (port, pods, classes, evaluations), and the line that says there are no pods.</summary>
    private static StringBuilder Headline(MatrixResult matrix)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{matrix.Port}: {matrix.Pods.Count} pods, {matrix.Classes} classes, {matrix.Evaluations} evaluations\n");
        if (matrix.Pods.Count == 0)
        {
            text.Append("no pods with an IP (hostNetwork pods are left out)\n");
        }

        return text;
    }

    /// <summary><c>{"port", "pods", "classes", "evaluations", "allowed": [[from, to], …]}</c>, one pair per line.</summary>
    public static string Json(MatrixResult matrix)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        var count = matrix.Pods.Count;
        var pairs = new List<string>();
        for (var from = 0; from < count; from++)
        {
            for (var to = 0; to < count; to++)
            {
                if (from != to && matrix.Allowed(from, to))
                {
                    pairs.Add(string.Create(CultureInfo.InvariantCulture, $"[{from}, {to}]"));
                }
            }
        }

        var text = new StringBuilder("{\n");
        text.Append("    \"port\": ").Append(JsonSerializer.Serialize(matrix.Port.ToString(), CompactJson)).Append(",\n");
        text.Append("    \"pods\": [");
        text.AppendJoin(",", matrix.Pods.Select(p => "\n        " + JsonSerializer.Serialize(p, CompactJson)));
        text.Append(count == 0 ? "],\n" : "\n    ],\n");
        text.Append(CultureInfo.InvariantCulture, $"    \"classes\": {matrix.Classes},\n");
        text.Append(CultureInfo.InvariantCulture, $"    \"evaluations\": {matrix.Evaluations},\n");
        text.Append("    \"allowed\": [");
        text.AppendJoin(",", pairs.Select(p => "\n        " + p));
        text.Append(pairs.Count == 0 ? "]\n" : "\n    ]\n");
        text.Append("}\n");
        return text.ToString();
    }

    /// <summary>A self-contained HTML page with the matrix as a table; pod names are escaped.</summary>
    public static string Html(MatrixResult matrix)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        var count = matrix.Pods.Count;
        var port = WebUtility.HtmlEncode(matrix.Port.ToString());
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        html.Append(CultureInfo.InvariantCulture, $"<title>podnet matrix {port}</title>\n");
        html.Append("<style>\n")
            .Append("body { font-family: sans-serif; }\n")
            .Append("table { border-collapse: collapse; }\n")
            .Append("th, td { border: 1px solid #ccc; padding: 2px 5px; text-align: center; }\n")
            .Append("th.pod { text-align: left; font-weight: normal; white-space: nowrap; }\n")
            .Append("td.allowed { background: #c8e6c9; }\n")
            .Append("td.denied { background: #ffcdd2; }\n")
            .Append("td.self { background: #eee; }\n")
            .Append("</style>\n</head>\n<body>\n");
        html.Append(CultureInfo.InvariantCulture, $"<h1>Connectivity matrix, {port}</h1>\n");
        html.Append(CultureInfo.InvariantCulture, $"<p>{count} pods, {matrix.Classes} classes, {matrix.Evaluations} evaluations; rows are sources, columns destinations: . allowed, X denied, - self.</p>\n");
        html.Append("<table>\n<thead>\n<tr><th>#</th><th class=\"pod\">from \\ to</th>");
        for (var to = 0; to < count; to++)
        {
            html.Append(CultureInfo.InvariantCulture, $"<th title=\"{WebUtility.HtmlEncode(matrix.Pods[to])}\">{to}</th>");
        }

        html.Append("</tr>\n</thead>\n<tbody>\n");
        for (var from = 0; from < count; from++)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><th>{from}</th><th class=\"pod\">{WebUtility.HtmlEncode(matrix.Pods[from])}</th>");
            for (var to = 0; to < count; to++)
            {
                html.Append(from == to
                    ? "<td class=\"self\">-</td>"
                    : matrix.Allowed(from, to) ? "<td class=\"allowed\">.</td>" : "<td class=\"denied\">X</td>");
            }

            html.Append("</tr>\n");
        }

        html.Append("</tbody>\n</table>\n</body>\n</html>\n");
        return html.ToString();
    }
}

using System.Text.Json.Nodes;
using Podnet.Tests.TestSupport;

namespace Podnet.Tests.Cli;

/// <summary><c>podnet matrix</c>: the table, JSON, HTML and class forms, and bad input.</summary>
public class MatrixCommandTests
{
    private static string Case(string name)
        => Path.Combine(NetpolCorpus.Root, name, "manifests.yaml");

    [Fact]
    public void Table_RowsAreSources_ColumnsDestinations()
    {
        var manifests = Case("knp-02-deny-ingress");
        Assert.True(File.Exists(manifests), $"the NetworkPolicy cases are expected next to the repository: {manifests}");

        var (exit, output, error) = PodnetCli.Run("matrix", manifests);

        Assert.True(exit == 0, error);
        Assert.Equal(
            """
            TCP/80: 4 pods, 4 classes, 12 evaluations

            0  bar/b
            1  bar/d
            2  blocked/c
            3  foo/a

            from\to 0 1 2 3
                  0 - X . .
                  1 X - . .
                  2 X X - .
                  3 X X . -

            . allowed, X denied, - self; 6 of 12 pairs allowed

            """.ReplaceLineEndings("\n"),
            output);
    }

    [Fact]
    public void Table_WithTwoDigitIndices_WritesColumnHeadersVertically()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"podnet-matrix-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            var yaml = string.Join("---\n", Enumerable.Range(0, 11).Select(i => $"apiVersion: v1\nkind: Pod\nmetadata: {{name: p{i:00}, namespace: default}}\nspec: {{containers: [{{name: main}}]}}\nstatus: {{podIP: 10.0.0.{i + 1}}}\n"));
            File.WriteAllText(Path.Combine(dir, "pods.yaml"), yaml);

            var (exit, output, error) = PodnetCli.Run("matrix", dir);

            Assert.True(exit == 0, error);
            var lines = output.Split('\n');
            Assert.Equal("TCP/80: 11 pods, 1 classes, 1 evaluations", lines[0]);
            Assert.Contains(new string(' ', 9 + 20) + "1", lines);
            Assert.Contains("from\\to  0 1 2 3 4 5 6 7 8 9 0", lines);
            Assert.Contains("       0 - . . . . . . . . . .", lines);
            Assert.Contains("      10 . . . . . . . . . . -", lines);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Classes_ListsEachClassWithItsPods_AndTheClassesItReaches()
    {
        var (exit, output, error) = PodnetCli.Run("matrix", Case("knp-02-deny-ingress"), "-o", "classes");

        Assert.True(exit == 0, error);
        Assert.Equal(
            """
            TCP/80: 4 pods, 4 classes, 12 evaluations

            classes (pods of a class get the same verdicts):
            0  1 pod: bar/b
            1  1 pod: bar/d
            2  1 pod: blocked/c
            3  1 pod: foo/a

            allowed (from class -> to classes):
            0 -> 2-3
            1 -> 2-3
            2 -> 3
            3 -> 2

            6 of 12 pairs of pods allowed

            """.ReplaceLineEndings("\n"),
            output);
    }

    [Fact]
    public void Matrix_MoreThanClassesAbovePods_IsShownByClasses_AndSaysSo()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"podnet-matrix-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            var pods = Podnet.Cli.Commands.MatrixCommand.ClassesAbove + 1;
            var yaml = string.Join("---\n", Enumerable.Range(0, pods).Select(i => $"apiVersion: v1\nkind: Pod\nmetadata: {{name: p{i:0000}, namespace: default}}\nspec: {{containers: [{{name: main}}]}}\nstatus: {{podIP: 10.0.{i / 250}.{(i % 250) + 1}}}\n"));
            File.WriteAllText(Path.Combine(dir, "pods.yaml"), yaml);

            var (exit, output, error) = PodnetCli.Run("matrix", dir);
            var (classesExit, classes, _) = PodnetCli.Run("matrix", dir, "-o", "classes");

            Assert.True(exit == 0, error);
            Assert.Equal(0, classesExit);
            Assert.Equal("note: 2,001 pods: the matrix is shown by classes of alike pods (-o table for a row per pod)\n", error.ReplaceLineEndings("\n"));
            Assert.Equal(classes, output);
            Assert.StartsWith("TCP/80: 2001 pods, 1 classes, 1 evaluations\n\nclasses (pods of a class get the same verdicts):\n", output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Classes_AlikePodsShareALine()
    {
        var dir = Path.Combine(Path.GetTempPath(), $"podnet-matrix-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        try
        {
            var yaml = string.Join("---\n", Enumerable.Range(0, 11).Select(i => $"apiVersion: v1\nkind: Pod\nmetadata: {{name: p{i:00}, namespace: default}}\nspec: {{containers: [{{name: main}}]}}\nstatus: {{podIP: 10.0.0.{i + 1}}}\n"));
            File.WriteAllText(Path.Combine(dir, "pods.yaml"), yaml);

            var (exit, output, error) = PodnetCli.Run("matrix", dir, "-o", "classes");

            Assert.True(exit == 0, error);
            var lines = output.Split('\n');
            Assert.Equal("TCP/80: 11 pods, 1 classes, 1 evaluations", lines[0]);
            Assert.Contains("0  11 pods: " + string.Join(", ", Enumerable.Range(0, 11).Select(i => $"default/p{i:00}")), lines);
            Assert.Contains("0 -> 0", lines);
            Assert.Contains("110 of 110 pairs of pods allowed", lines);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Json_Parses_AndListsTheAllowedPairs()
    {
        var (exit, output, error) = PodnetCli.Run("matrix", Path.Combine(PodnetCli.Examples(), "security-groups-for-pods"), "-o", "json");

        Assert.True(exit == 0, error);
        var json = JsonNode.Parse(output)!.AsObject();
        Assert.Equal("TCP/80", json["port"]!.GetValue<string>());
        var pods = json["pods"]!.AsArray().Select(p => p!.GetValue<string>()).ToList();
        Assert.Equal(6, pods.Count);
        var pairs = json["allowed"]!.AsArray().Select(p => (p![0]!.GetValue<int>(), p[1]!.GetValue<int>())).ToList();
        var replicas = Enumerable.Range(0, pods.Count).Where(i => pods[i].StartsWith("my-namespace/", StringComparison.Ordinal)).ToList();
        Assert.All(replicas.SelectMany(a => replicas.Where(b => b != a).Select(b => (a, b))), p => Assert.Contains(p, pairs));
        Assert.DoesNotContain(pairs, p => p.Item1 == p.Item2);
        Assert.True(json["classes"]!.GetValue<int>() < pods.Count);
    }

    [Fact]
    public void Json_ForAPort()
    {
        var (exit, output, _) = PodnetCli.Run("matrix", Case("pa-06-ingress-udp80-only"), "--port", "80/udp", "-o", "json");

        Assert.Equal(0, exit);
        var json = JsonNode.Parse(output)!;
        Assert.Equal("UDP/80", json["port"]!.GetValue<string>());
        Assert.Equal(4, json["pods"]!.AsArray().Count);
    }

    [Fact]
    public void Html_IsAPageWithATable()
    {
        var (exit, output, error) = PodnetCli.Run("matrix", Case("knp-02-deny-ingress"), "-o", "html");

        Assert.True(exit == 0, error);
        Assert.StartsWith("<!DOCTYPE html>", output, StringComparison.Ordinal);
        Assert.Contains("<table>", output, StringComparison.Ordinal);
        Assert.Contains("<th class=\"pod\">blocked/c</th>", output, StringComparison.Ordinal);
        Assert.Contains("<td class=\"denied\">X</td>", output, StringComparison.Ordinal);
        Assert.Contains("from \\ to", output, StringComparison.Ordinal);
        Assert.EndsWith("</html>\n", output, StringComparison.Ordinal);
    }

    [Fact]
    public void ABadPortOrWorld_IsAnError()
    {
        var (exit, _, error) = PodnetCli.Run("matrix", Case("knp-02-deny-ingress"), "--port", "http");
        Assert.Equal(2, exit);
        Assert.Contains("error: --port:", error, StringComparison.Ordinal);

        (exit, _, error) = PodnetCli.Run("matrix", "/no/such/world");
        Assert.Equal(2, exit);
        Assert.Contains("no such file or directory", error, StringComparison.Ordinal);
    }
}

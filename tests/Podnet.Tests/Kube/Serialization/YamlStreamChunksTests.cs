using System.Text;
using System.Text.Json.Nodes;
using Podnet.Kube.Serialization;

namespace Podnet.Tests.Kube.Serialization;

/// <summary>
/// A large YAML stream read in pieces on several threads (<see cref="YamlStreamChunks"/>) gives exactly the documents,
/// indexes, lines and errors of reading it whole.
/// </summary>
public class YamlStreamChunksTests
{
    /// <summary>A stream of <paramref name="pods"/> pods with block and flow styles, block scalars and comments, over a megabyte for 5,000.</summary>
    private static string Pods(int pods)
    {
        var yaml = new StringBuilder("# a world\n");
        for (var i = 0; i < pods; i++)
        {
            // Markers alone, followed by a comment, and none before the first document.
            yaml.Append(i == 0 ? string.Empty : i % 5 == 0 ? $"--- # pod {i}\n" : "---\n");
            yaml.Append(i % 2 == 0
                ? $"apiVersion: v1\nkind: Pod\nmetadata: {{name: p{i}, labels: {{app: a{i % 7}}}}}\nspec: {{containers: [{{name: main, ports: [{{containerPort: {80 + (i % 3)}}}]}}]}}\n"
                : $"apiVersion: v1\nkind: Pod\nmetadata:\n  name: p{i}\n  annotations:\n    note: |\n      line one\n      line two {i}\nspec:\n  containers:\n  - name: main\n    args: [\"--x={i}\", 'y', yes, 0755, 1.20]\n");
        }

        return yaml.ToString();
    }

    [Fact]
    public void TryRead_LargeStream_GivesTheDocumentsOfReadingItWhole()
    {
        var text = Pods(8_000);
        Assert.True(text.Length > YamlStreamChunks.MinimumLength);

        var pieces = YamlStreamChunks.TryRead(text, "w.yaml", yaml11Booleans: true);
        var whole = new YamlManifestReader(text, "w.yaml").ReadAll();

        Assert.NotNull(pieces);
        Assert.Equal(whole.Count, pieces.Count);
        for (var i = 0; i < whole.Count; i++)
        {
            Assert.Equal((whole[i].Source, whole[i].Index, whole[i].Line), (pieces[i].Source, pieces[i].Index, pieces[i].Line));
            Assert.True(JsonNode.DeepEquals(whole[i].Content, pieces[i].Content), $"document {i} (line {whole[i].Line}) differs");
        }
    }

    [Fact]
    public void Parse_LargeStreamWithAnErrorNearTheEnd_IsTheErrorOfReadingItWhole()
    {
        var text = Pods(8_000) + "---\napiVersion: v1\nkind: Pod\nmetadata: {name: bad\n";

        var pieces = Assert.Throws<ManifestSyntaxException>(() => YamlManifests.Parse(text, "w.yaml"));
        var whole = Assert.Throws<ManifestSyntaxException>(() => new YamlManifestReader(text, "w.yaml").ReadAll());

        Assert.Equal(whole.Message, pieces.Message);
        Assert.True(pieces.Line > 50_000, pieces.Message);
    }

    [Theory]
    [InlineData("%YAML 1.1\n")]
    [InlineData("\r\n")]
    public void TryRead_DirectivesOrOtherLineBreaks_LeavesTheStreamToBeReadWhole(string extra)
    {
        var text = extra == "\r\n" ? Pods(8_000).Replace("\n", "\r\n", StringComparison.Ordinal) : Pods(8_000) + "...\n" + extra + "---\na: 1\n";

        Assert.Null(YamlStreamChunks.TryRead(text, "w.yaml", yaml11Booleans: true));
        Assert.Equal(new YamlManifestReader(text, "w.yaml").ReadAll().Count, YamlManifests.Parse(text, "w.yaml").Count);
    }

    [Fact]
    public void TryRead_ShortStream_IsLeftToBeReadWhole()
        => Assert.Null(YamlStreamChunks.TryRead(Pods(10), "w.yaml", yaml11Booleans: true));
}

using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Podnet.Kube.Api;
using Podnet.Kube.Serialization;

namespace Podnet.Tests.Kube.Serialization;

/// <summary>JSON text escaped as Go's encoding/json escapes it, which the API server writes (appendString in encode.go).</summary>
public sealed class GoJsonEncoderTests
{
    private static readonly JsonObject Sample = new()
    {
        ["minor"] = "31+",
        ["html"] = "<b>&amp;</b>",
        ["text"] = "Grüße, l'été `x`",
        ["quote"] = "\"\\",
        ["controls"] = "\n\r\t\b\f\u0001\u001f",
        ["separators"] = "\u2028\u2029",
        ["emoji"] = "🙂",
    };

    private const string AsGoWritesIt =
        """{"minor":"31+","html":"\u003cb\u003e\u0026amp;\u003c/b\u003e","text":"Grüße, l'été `x`","quote":"\"\\","controls":"\n\r\t\b\f\u0001\u001f","separators":"\u2028\u2029","emoji":"🙂"}""";

    [Fact]
    public void ToJsonString_EscapesWhatGoEscapes_AndNothingElse()
        => Assert.Equal(AsGoWritesIt, Sample.ToJsonString(GoJsonEncoder.SerializerOptions));

    [Fact]
    public void Utf8JsonWriter_WritesTheSameBytes()
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, GoJsonEncoder.WriterOptions))
        {
            Sample.WriteTo(writer);
        }

        Assert.Equal(AsGoWritesIt, Encoding.UTF8.GetString(stream.ToArray()));
    }

    [Fact]
    public void Utf8Scan_TellsALineSeparatorFromOtherThreeByteCharacters()
    {
        Assert.Equal(-1, GoJsonEncoder.Instance.FindFirstCharacterToEncodeUtf8(Encoding.UTF8.GetBytes("€ and ⁂ pass")));
        Assert.Equal(5, GoJsonEncoder.Instance.FindFirstCharacterToEncodeUtf8(Encoding.UTF8.GetBytes("€ a\u2028"))); // € is E2 82 AC: three bytes, passed over
    }

    [Fact]
    public void KubeObject_AsTextAndCompact_IsWrittenAsTheApiServerDoes()
    {
        var obj = KubeObject.Parse("""{"apiVersion":"v1","kind":"Event","metadata":{"name":"web.1","namespace":"default"},"message":"Pulling image \"nginx:1.27\" <éà+>"}""");
        const string expected = """{"apiVersion":"v1","kind":"Event","metadata":{"name":"web.1","namespace":"default"},"message":"Pulling image \"nginx:1.27\" \u003céà+\u003e"}""";

        Assert.Equal(expected, obj.ToJsonString());
        obj.Compact();
        Assert.True(obj.IsCompactUnread);
        Assert.Equal(expected, obj.ToJsonString());
    }
}

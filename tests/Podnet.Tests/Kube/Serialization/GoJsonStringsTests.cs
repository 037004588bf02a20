using System.Text;
using System.Text.Json.Nodes;
using Podnet.Kube.Serialization;

namespace Podnet.Tests.Kube.Serialization;

/// <summary>Bodies read as Go's encoding/json reads them: invalid UTF-8 and unpaired surrogate escapes become U+FFFD.</summary>
public sealed class GoJsonStringsTests
{
    private static string Read(string json, string field)
        => JsonNode.Parse(GoJsonStrings.ReplaceInvalid(Encoding.UTF8.GetBytes(json)))![field]!.GetValue<string>();

    [Fact]
    public void TextWithoutSurrogateEscapes_IsTheSameArray()
    {
        var json = Encoding.UTF8.GetBytes("""{"a":"\u00e9 🙂 é \u003c"}""");

        Assert.Same(json, GoJsonStrings.ReplaceInvalid(json));
    }

    [Fact]
    public void PairedSurrogateEscapes_AndAnEscapedBackslash_AreKept()
    {
        var json = Encoding.UTF8.GetBytes("""{"a":"\uD83D\uDE42 \\ud800"}""");

        Assert.Equal(json, GoJsonStrings.ReplaceInvalid(json));
    }

    [Theory]
    [InlineData("""{"a":"x\ud800y"}""", "x\ufffdy")]
    [InlineData("""{"a":"\udc00"}""", "\ufffd")]
    [InlineData("""{"a":"\ud800\u0041"}""", "\ufffdA")]
    [InlineData("""{"a":"\uD83D\uDE42 \ud800"}""", "🙂 \ufffd")]
    [InlineData("""{"a":"\\ud800 \"\ud800"}""", "\\ud800 \"\ufffd")]
    public void UnpairedSurrogateEscapes_ReadAsTheReplacementCharacter(string json, string expected)
        => Assert.Equal(expected, Read(json, "a"));

    [Fact]
    public void InvalidUtf8_ReadsAsTheReplacementCharacter()
    {
        byte[] json = [.. "{\"a\":\"x"u8, 0xFF, .. "y\"}"u8];

        Assert.Equal("x\ufffdy", JsonNode.Parse(GoJsonStrings.ReplaceInvalid(json))!["a"]!.GetValue<string>());
    }

    [Fact]
    public void SurrogateEscapesInKeys_ReadAsTheReplacementCharacterToo()
        => Assert.Equal("\ufffd", Read("""{"k\ud800":"\ud800"}""", "k\ufffd"));
}

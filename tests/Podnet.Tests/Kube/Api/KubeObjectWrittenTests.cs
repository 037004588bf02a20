using System.Text.Json;
using System.Text.Json.Nodes;
using Podnet.Kube.Api;
using Podnet.Kube.Serialization;

namespace Podnet.Tests.Kube.Api;

/// <summary>Objects made as JSON text (KubeObject.Written), stamped in their text, and read from it without a tree.</summary>
public class KubeObjectWrittenTests
{
    private readonly record struct Body(string Message, int Count);

    private static void WriteBody(Utf8JsonWriter writer, in Body body)
    {
        writer.WriteStartObject("involvedObject");
        writer.WriteString("name", "web-1");
        writer.WriteString("uid", "u-web");
        writer.WriteEndObject();
        writer.WriteString("message", body.Message);
        writer.WriteNumber("count", body.Count);
        writer.WriteStartArray("list");
        writer.WriteStringValue("x");
        writer.WriteEndArray();
        writer.WriteString("name", "outer");
    }

    private static KubeObject Made(string message = "Back-off \"<&>\" ünïcode\u2028") => KubeObject.Written("v1", "Event", "default", "web-1.18f", new Body(message, 1), WriteBody);

    /// <summary>The tree the same object would be, with the given metadata fields after name and namespace.</summary>
    private static JsonObject Tree(string message, params (string Field, string Value)[] stamps)
    {
        var metadata = new JsonObject { ["name"] = "web-1.18f", ["namespace"] = "default" };
        foreach (var (field, value) in stamps)
        {
            metadata[field] = value;
        }

        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Event",
            ["metadata"] = metadata,
            ["involvedObject"] = new JsonObject { ["name"] = "web-1", ["uid"] = "u-web" },
            ["message"] = message,
            ["count"] = 1,
            ["list"] = new JsonArray("x"),
            ["name"] = "outer",
        };
    }

    [Fact]
    public void Written_IsTheTextItsTreeWrites_WithItsIdentityKnown()
    {
        var made = Made();

        Assert.Equal(Tree("Back-off \"<&>\" ünïcode\u2028").ToJsonString(GoJsonEncoder.SerializerOptions), made.ToJsonString());
        Assert.Equal(("v1", "Event", "default", "web-1.18f"), (made.ApiVersion, made.Kind, made.Namespace, made.Name));
        Assert.Null(made.Uid);
        Assert.Empty(made.Labels);
        Assert.Empty(made.OwnerReferences);
        Assert.True(made.IsWrittenUnread);
    }

    [Fact]
    public void TryStampInText_PlacesEachStampLastInMetadata_AsTheTreeWould_PastTheRoomKept()
    {
        var made = Made();
        (string, string)[] stamps =
        [
            ("uid", "0f6d0c58-3f0b-4a51-9d8e-2f6ab1c2d3e4"),
            ("creationTimestamp", "2026-12-03T16:00:00Z"),
            ("resourceVersion", "1234567"),
            // Beyond the room kept for a create's three stamps: the text is copied to a larger one.
            ("selfLink", "a-b.c:d_e-" + new string('x', 200)),
        ];

        foreach (var (field, value) in stamps)
        {
            Assert.True(made.TryStampInText(field, value));
        }

        Assert.Equal(Tree("Back-off \"<&>\" ünïcode\u2028", stamps).ToJsonString(GoJsonEncoder.SerializerOptions), made.ToJsonString());
        Assert.Equal(("0f6d0c58-3f0b-4a51-9d8e-2f6ab1c2d3e4", "1234567"), (made.Uid, made.ResourceVersion));
        Assert.True(made.IsWrittenUnread);
        Assert.Equal("2026-12-03T16:00:00Z", made.Raw["metadata"]!["creationTimestamp"]!.GetValue<string>());
    }

    [Fact]
    public void TryStampInText_RefusesAValueJsonEscapes_OrAnObjectReadAsATree()
    {
        var made = Made();
        Assert.False(made.TryStampInText("uid", "a\"b"));

        _ = made["message"];

        Assert.False(made.IsWrittenUnread);
        Assert.False(made.TryStampInText("uid", "u-1"));
        Assert.Null(made.Uid);
        Assert.False(KubeObject.Create("v1", "Event", "x", "default").TryStampInText("uid", "u-1"));
    }

    [Fact]
    public void GetString_OfText_ReadsTheFieldAtItsDepth_WithoutParsing()
    {
        var made = Made();

        Assert.Equal("outer", made.GetString("name"));
        Assert.Equal("u-web", made.GetString("involvedObject.uid"));
        Assert.Equal("Back-off \"<&>\" ünïcode\u2028", made.GetString("message"));
        Assert.Equal("default", made.GetString("metadata.namespace"));
        Assert.Null(made.GetString("count"));
        Assert.Null(made.GetString("list"));
        Assert.Null(made.GetString("list.x"));
        Assert.Null(made.GetString("message.x"));
        Assert.Null(made.GetString("involvedObject.kind"));
        Assert.Null(made.GetString("absent"));
        Assert.True(made.IsWrittenUnread);

        // Read as a tree, the same answers.
        _ = made.Raw;
        Assert.Equal(("outer", "u-web", null, null), (made.GetString("name"), made.GetString("involvedObject.uid"), made.GetString("count"), made.GetString("list.x")));
    }
}

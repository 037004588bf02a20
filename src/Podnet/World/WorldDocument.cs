using System.Text.Json.Nodes;

namespace Podnet.World;

/// <summary>One object of a world, with where it came from for error messages.</summary>
public sealed record WorldDocument(string Source, int Index, int Line, JsonObject Content)
{
    private readonly JsonObject _content = Content;

    private string? _kind;

    /// <summary>The object; a copy made with <c>with { Content = … }</c> reads its kind again.</summary>
    public JsonObject Content
    {
        get => _content;
        init
        {
            _content = value;
            _kind = null;
        }
    }

    public string ApiVersion => Text(Content["apiVersion"]);

    /// <summary>The object's kind, read once: the loader asks every document's kind for each step of the load.</summary>
    public string Kind => _kind ??= Text(Content["kind"]);

    public string Name => Text((Content["metadata"] as JsonObject)?["name"]);

    /// <summary>"world.yaml: document 3 (Subnet private-a)", the prefix of every error about this object.</summary>
    public string Where => $"{Source}: document {Index + 1} (line {Line}, {(Kind.Length == 0 ? "<no kind>" : Kind)} {(Name.Length == 0 ? "<unnamed>" : Name)})";

    public WorldException Error(string field, string problem) => new($"{Where}: {field}: {problem}");

    private static string Text(JsonNode? node) => node switch
    {
        null => string.Empty,
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        _ => node.ToJsonString(),
    };
}

using System.Text.Json.Nodes;

namespace Podnet.Kube.Serialization;

/// <summary>
/// One document of a YAML (or JSON) manifest stream, converted to JSON the way kubectl converts it.
/// </summary>
/// <param name="Source">Where the text came from (a file name, "stdin", ...); used in error messages.</param>
/// <param name="Index">0-based position among the documents of the source.</param>
/// <param name="Line">1-based line where the document starts (its "---" line when it has one).</param>
/// <param name="Content">The document as JSON; null for an empty document (callers skip those, as kubectl does).</param>
public sealed record YamlDocument(string Source, int Index, int Line, JsonNode? Content);

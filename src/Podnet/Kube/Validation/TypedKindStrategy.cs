using System.Text.Json.Nodes;
using Podnet.Kube.Api;

namespace Podnet.Kube.Validation;

/// <summary>A kind whose only check, beyond metadata, is that it decodes into its Go type (ConfigMap, Namespace, Node …).</summary>
public sealed class TypedKindStrategy(string group, string kind, GoType schema) : IKindStrategy
{
    /// <inheritdoc/>
    public string Group { get; } = group;

    /// <inheritdoc/>
    public string Kind { get; } = kind;

    /// <inheritdoc/>
    public GoType Schema { get; } = schema;

    /// <inheritdoc/>
    public void Validate(JsonObject obj, ValidationOptions options, List<StatusCause> causes)
    {
    }
}

using System.Text.Json.Nodes;
using Podnet.Kube.Api;

namespace Podnet.Kube.Validation;

/// <summary>
/// What the API server knows about one kind, as its registry strategies do (pkg/registry/*/strategy.go): the type
/// a request body decodes into, and Validate, which returns field errors. Used at load time and at admission alike.
/// This base checks the type only (ConfigMap, Node …); kinds with defaults or field rules override
/// <see cref="Default"/> and <see cref="Validate"/>.
/// </summary>
/// <param name="group">The API group (empty for the core group).</param>
/// <param name="kind">The kind.</param>
/// <param name="schema">The Go type (built-in kinds) or the structural schema (custom resources) the object must fit.</param>
/// <param name="isCustomResource">
/// A custom resource: its type errors are field errors of the CRD's schema (422 Invalid), not decoding errors
/// (400 BadRequest), and its metadata is decoded as ObjectMeta.
/// </param>
public class KindStrategy(string group, string kind, GoType schema, bool isCustomResource = false)
{
    /// <summary>The API group (empty for the core group).</summary>
    public string Group { get; } = group;

    /// <summary>The kind.</summary>
    public string Kind { get; } = kind;

    /// <summary>The Go type or the CRD's structural schema.</summary>
    public GoType Schema { get; } = schema;

    /// <summary>Whether the kind is a custom resource (see the constructor).</summary>
    public bool IsCustomResource { get; } = isCustomResource;

    /// <summary>Whether <see cref="Default"/> changes anything (so admission copies only objects it defaults).</summary>
    public virtual bool HasDefaults => false;

    /// <summary>
    /// Fills the defaults the API server fills (the scheme's SetDefaults_* functions, the strategy's
    /// PrepareForCreate); <paramref name="create"/> is false for an update.
    /// </summary>
    public virtual void Default(JsonObject obj, bool create)
    {
    }

    /// <summary>Adds the object's field errors to <paramref name="causes"/>; the object has passed the type check.</summary>
    public virtual void Validate(JsonObject obj, ValidationOptions options, List<StatusCause> causes)
    {
    }
}

/// <summary>How strictly to validate.</summary>
/// <param name="Lenient">
/// The world loader's leniency: names outside RFC 1123, containers without an image or sharing a name do not touch
/// networking, and test manifests generated from code bend them. An API client gets no leniency.
/// </param>
public sealed record ValidationOptions(bool Lenient);

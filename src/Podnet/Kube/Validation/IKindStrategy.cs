using System.Text.Json.Nodes;
using Podnet.Kube.Api;

namespace Podnet.Kube.Validation;

/// <summary>
/// What the API server knows about one kind, as its registry strategies do (pkg/registry/*/strategy.go): the type
/// a request body decodes into, and Validate, which returns field errors. Used at load time and at admission alike.
/// </summary>
public interface IKindStrategy
{
    /// <summary>The API group (empty for the core group).</summary>
    string Group { get; }

    /// <summary>The kind.</summary>
    string Kind { get; }

    /// <summary>The Go type (built-in kinds) or the structural schema (custom resources) the object must fit.</summary>
    GoType Schema { get; }

    /// <summary>
    /// A custom resource: its type errors are field errors of the CRD's schema (422 Invalid), not decoding errors
    /// (400 BadRequest), and its metadata is decoded as ObjectMeta.
    /// </summary>
    bool IsCustomResource => false;

    /// <summary>Adds the object's field errors to <paramref name="causes"/>; the object has passed the type check.</summary>
    void Validate(JsonObject obj, ValidationOptions options, List<StatusCause> causes);
}

/// <summary>How strictly to validate.</summary>
/// <param name="Lenient">
/// The world loader's leniency: names outside RFC 1123, containers without an image or sharing a name do not touch
/// networking, and test manifests generated from code bend them. An API client gets no leniency.
/// </param>
public sealed record ValidationOptions(bool Lenient);

namespace Podnet.Kube.Printing;

/// <summary>
/// What each row of a Table carries besides its cells (metav1.IncludeObjectPolicy, the <c>includeObject</c> query
/// parameter of a Table request): nothing, the object's metadata as PartialObjectMetadata (the default, which
/// <c>kubectl get -A</c> reads its NAMESPACE column from), or the whole object (which <c>kubectl get --sort-by</c>
/// asks for, to sort by any field).
/// </summary>
public enum IncludeObjectPolicy
{
    /// <summary><c>None</c>: cells only.</summary>
    None,

    /// <summary><c>Metadata</c>: the object's metadata as PartialObjectMetadata.</summary>
    Metadata,

    /// <summary><c>Object</c>: the whole object.</summary>
    Object,
}

namespace Podnet.Kube.Patching;

/// <summary>
/// A patch that cannot be applied: a failed JSON Patch <c>test</c>, a path that does not exist, an unknown
/// operation or directive, a list item without its merge key. The message names the JSON pointer or field path,
/// like the API server's 422 answer does.
/// </summary>
public sealed class PatchException : Exception
{
    public PatchException()
        : base("the patch cannot be applied")
    {
    }

    public PatchException(string message)
        : base(message)
    {
    }

    public PatchException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

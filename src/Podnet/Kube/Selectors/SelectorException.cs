namespace Podnet.Kube.Selectors;

/// <summary>
/// A label or field selector that cannot be parsed or is invalid. The message is the one the Kubernetes API server
/// (k8s.io/apimachinery) produces for the same input where it is known, so clients see what kubectl would print.
/// </summary>
public sealed class SelectorException : Exception
{
    public SelectorException()
        : base("invalid selector")
    {
    }

    public SelectorException(string message)
        : base(message)
    {
    }

    public SelectorException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

namespace Podnet.Live;

/// <summary>
/// The live cluster could not be read: no such kubeconfig or context, a server that does not answer, a request the
/// credentials may not make (Kubernetes' 401/403, EC2's UnauthorizedOperation). The message is one line that names
/// what was asked of whom, and what answered; the command line prints it as its <c>error:</c> line.
/// </summary>
public sealed class LiveClusterException : Exception
{
    public LiveClusterException()
    {
    }

    public LiveClusterException(string message)
        : base(message)
    {
    }

    public LiveClusterException(string message, Exception inner)
        : base(message, inner)
    {
    }
}

using System.Collections.Concurrent;

namespace Podnet.Server.Kube;

/// <summary>
/// The requests that stay open — watches (<c>WATCH</c>) and exec sessions (<c>CONNECT</c>) — counted as they begin and
/// end, as the API server's <c>apiserver_longrunning_requests</c> gauge counts them (k8s.io/apiserver
/// pkg/endpoints/metrics <c>RecordLongRunning</c>). A request that ends in any way, a client that vanished included,
/// leaves the count; the tests read it to show that a client that disconnects leaves nothing behind.
/// </summary>
public sealed class LongRunningRequests
{
    private readonly ConcurrentDictionary<string, int> _open = new(StringComparer.Ordinal);

    /// <summary>How many requests of <paramref name="verb"/> (<c>WATCH</c>, <c>CONNECT</c>) are open now.</summary>
    public int Open(string verb) => _open.GetValueOrDefault(verb);

    /// <summary>Counts a request of <paramref name="verb"/> until the returned scope is disposed.</summary>
    public Scope Begin(string verb)
    {
        _open.AddOrUpdate(verb, 1, (_, n) => n + 1);
        return new Scope(this, verb);
    }

    /// <summary>One open request; disposing it (once) takes it off the count.</summary>
    public sealed class Scope : IDisposable
    {
        private readonly LongRunningRequests _owner;
        private readonly string _verb;
        private int _disposed;

        internal Scope(LongRunningRequests owner, string verb)
        {
            _owner = owner;
            _verb = verb;
        }

        /// <inheritdoc/>
        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                _owner._open.AddOrUpdate(_verb, 0, (_, n) => n - 1);
            }
        }
    }
}

using System.Collections.Immutable;
using System.Globalization;
using System.Threading.Channels;
using Podnet.Kube.Api;
using Podnet.Kube.Selectors;

namespace Podnet.Kube.Store;

public sealed partial class ObjectStore
{
    private readonly int _watchHistory;

    // Oldest first; a queue, so dropping the oldest of a full history costs nothing.
    private readonly Queue<WatchEvent> _history = new();

    // Changes recorded under the store lock and not yet delivered, in resourceVersion order (they are added under
    // the lock). Only the thread holding _deliveryLock takes from it.
    private readonly Queue<WatchEvent> _outbox = new();
    private readonly Lock _deliveryLock = new();
    private ImmutableArray<Action<WatchEvent>> _listeners = [];
    private ImmutableArray<Watch> _watches = [];
    private long _terminatedWatchers;

    /// <summary>
    /// How many changes a watch's buffer holds: the watch cache's channel size, one second of its history
    /// (capacity ÷ the 75 s it keeps events fresh, at least 10, at most 100 for a resource without an index:
    /// k8s.io/apiserver pkg/storage/cacher watch_cache.go <c>suggestedWatchChannelSize</c>), twice, because a
    /// cacheWatcher buffers that many in its input channel and as many again in its result channel. With the default
    /// history of 10,000 changes: 200.
    /// </summary>
    public int WatchBufferSize => 2 * Math.Clamp((int)Math.Ceiling(_watchHistory / 75.0), 10, 100);

    /// <summary>How many changes the history keeps now, for watches that resume from a resourceVersion (at most the <c>watchHistory</c> the store was made with).</summary>
    public int WatchHistoryLength
    {
        get
        {
            lock (_lock)
            {
                return _history.Count;
            }
        }
    }

    /// <summary>The watches open now (the API server's <c>apiserver_registered_watchers</c> gauge).</summary>
    public int OpenWatches
    {
        get
        {
            lock (_lock)
            {
                return _watches.Length;
            }
        }
    }

    /// <summary>
    /// How many watches the store has ended because they did not keep up (the API server's
    /// <c>apiserver_terminated_watchers_total</c> counter).
    /// </summary>
    public long TerminatedWatchers => Interlocked.Read(ref _terminatedWatchers);

    /// <summary>
    /// Called with every change, in resourceVersion order, after the store lock is released and before the write
    /// that made the change returns: informers use it to queue work. A listener may read the store; a write it
    /// makes is delivered after the change at hand has reached every listener.
    /// </summary>
    public void Subscribe(Action<WatchEvent> listener)
    {
        lock (_lock)
        {
            _listeners = _listeners.Add(listener);
        }
    }

    /// <summary>
    /// Starts a watch. Without a resourceVersion it begins with an ADDED event per existing object; with one it
    /// replays what happened after it, or fails with 410 Gone when that is older than the history kept. Events
    /// then arrive as the store changes, pushed to <see cref="Watch.ReadAllAsync"/> or taken with <see cref="Watch.Read"/>.
    /// </summary>
    /// <param name="bufferSize">
    /// How many changes may wait for the reader before the watch is terminated (<see cref="Podnet.Kube.Store.Watch.IsTerminated"/>);
    /// null: <see cref="WatchBufferSize"/>, the API server's.
    /// </param>
    public Watch Watch(KubeResource resource, string? @namespace = null, string? resourceVersion = null, LabelSelector? labels = null, FieldSelector? fields = null, int? bufferSize = null)
    {
        if (fields is not null)
        {
            FieldLabels.Check(resource, fields.Requirements.Select(r => r.Field));
        }

        bool Wanted(KubeObject o)
            => Resources.For(o) is var r && r.Group == resource.Group && r.Kind == resource.Kind
               && (@namespace is null || o.Namespace == @namespace)
               && (labels is null || labels.Matches(o.Labels))
               && (fields is null || fields.Matches(f => FieldLabels.Value(o, f)));

        // An object that starts or stops matching the selectors arrives as ADDED or DELETED, as the watch cache's
        // filtering does (k8s.io/apiserver storage/cacher cacheWatcher.convertToWatchEvent).
        WatchEvent? Select(WatchEvent e)
        {
            var now = Wanted(e.Object);
            if (e.Type != WatchEventType.Modified || e.Previous is null || (labels is null && fields is null))
            {
                return now ? e : null;
            }

            var before = Wanted(e.Previous);
            return (before, now) switch
            {
                (true, true) => e,
                (false, true) => e with { Type = WatchEventType.Added },
                (true, false) => e with { Type = WatchEventType.Deleted },
                _ => null,
            };
        }

        lock (_lock)
        {
            // Changes up to now reach the watch through the listing or the replay below, never again from the outbox.
            var watch = new Watch(Select, _resourceVersion, bufferSize ?? WatchBufferSize, Forget);
            if (string.IsNullOrEmpty(resourceVersion) || resourceVersion == "0")
            {
                foreach (var obj in Table(resource).Values.Where(Wanted))
                {
                    watch.Push(new WatchEvent(WatchEventType.Added, obj, long.Parse(obj.ResourceVersion!, CultureInfo.InvariantCulture)));
                }
            }
            else
            {
                if (!long.TryParse(resourceVersion, NumberStyles.None, CultureInfo.InvariantCulture, out var from))
                {
                    throw KubeException.BadRequest($"invalid resource version \"{resourceVersion}\"");
                }

                var oldest = _history.Count == 0 ? _resourceVersion + 1 : _history.Peek().ResourceVersion;
                if (from < oldest - 1)
                {
                    throw KubeException.Gone($"too old resource version: {from} ({oldest - 1})");
                }

                foreach (var change in _history.Where(e => e.ResourceVersion > from).Select(Select).OfType<WatchEvent>())
                {
                    watch.Push(change);
                }
            }

            _watches = _watches.RemoveAll(w => w.IsStopped).Add(watch);
            return watch;
        }
    }

    /// <summary>Takes a stopped or terminated watch out of the list changes are delivered to.</summary>
    private void Forget(Watch watch)
    {
        lock (_lock)
        {
            _watches = _watches.Remove(watch);
        }
    }

    /// <summary>Keeps a change for watches that resume from an older resourceVersion, and queues it for delivery; under the lock.</summary>
    /// <param name="previous">The object before a MODIFIED change, for handlers that compare (an informer's oldObj).</param>
    private void Record(WatchEventType type, KubeObject obj, KubeObject? previous = null)
    {
        var change = new WatchEvent(type, obj, long.Parse(obj.ResourceVersion!, CultureInfo.InvariantCulture)) { Previous = previous };
        _history.Enqueue(change);
        while (_history.Count > _watchHistory)
        {
            _history.Dequeue();
        }

        _outbox.Enqueue(change);
    }

    /// <summary>Delivers what the write recorded when the write's method returns (see <see cref="DeliverPending"/>).</summary>
    private DeliveryScope Delivering() => new(this);

    /// <summary>
    /// Hands the recorded changes to listeners and watches, oldest first, outside the store lock (a slow watcher
    /// never holds up a writer's lock, as the API server's watch cache fans out apart from etcd's writes). Writers
    /// on other threads wait here for the delivery of their own change; a write made while delivering (by a
    /// listener, or nested inside another write) is left to the delivery already running, which keeps the order.
    /// </summary>
    private void DeliverPending()
    {
        if (_lock.IsHeldByCurrentThread || _deliveryLock.IsHeldByCurrentThread)
        {
            return;
        }

        lock (_deliveryLock)
        {
            while (true)
            {
                WatchEvent change;
                ImmutableArray<Action<WatchEvent>> listeners;
                ImmutableArray<Watch> watches;
                lock (_lock)
                {
                    if (!_outbox.TryDequeue(out change!))
                    {
                        return;
                    }

                    listeners = _listeners;
                    watches = _watches;
                }

                foreach (var watch in watches)
                {
                    if (!watch.Deliver(change))
                    {
                        Interlocked.Increment(ref _terminatedWatchers);
                    }
                }

                foreach (var listener in listeners)
                {
                    listener(change);
                }
            }
        }
    }

    private readonly struct DeliveryScope(ObjectStore store) : IDisposable
    {
        public void Dispose() => store.DeliverPending();
    }
}

/// <summary>
/// An open watch (the API server's <c>?watch=true</c> stream): the events of one kind (and namespace, labels,
/// fields) in resourceVersion order, pushed as they happen to <see cref="ReadAllAsync"/>, or taken with <see cref="Read"/>.
/// The events of its start (the listing, or the replay from a resourceVersion) are kept apart and never count
/// against its buffer, as the watch cache hands its initial events straight to the result channel
/// (cacheWatcher.processInterval); the changes after them wait in a buffer of <see cref="BufferSize"/> events, and a
/// change that finds it full ends the watch (<see cref="IsTerminated"/>), as the watch cache closes a watcher that
/// does not keep up (k8s.io/apiserver pkg/storage/cacher cache_watcher.go <c>add</c>: "Forcing … watcher close due to
/// unresponsiveness").
/// </summary>
public sealed class Watch
{
    private readonly Func<WatchEvent, WatchEvent?> _select;
    private readonly long _after;
    private readonly Action<Watch> _forget;
    private readonly Queue<WatchEvent> _initial = new();
    private readonly Channel<WatchEvent> _events;
    private volatile bool _stopped;
    private volatile bool _terminated;

    /// <param name="select">The event as this watch sees it (a change that makes an object match is ADDED), or null when it is not for it.</param>
    /// <param name="after">The store's resourceVersion when the watch began: older changes came with its listing or replay.</param>
    /// <param name="bufferSize">How many changes may wait for the reader before the watch is terminated.</param>
    /// <param name="forget">Takes the watch out of the store's list when it stops or is terminated.</param>
    internal Watch(Func<WatchEvent, WatchEvent?> select, long after, int bufferSize, Action<Watch> forget)
    {
        _select = select;
        _after = after;
        _forget = forget;
        BufferSize = bufferSize;
        _events = Channel.CreateBounded<WatchEvent>(new BoundedChannelOptions(bufferSize) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });
    }

    /// <summary>Ended, by <see cref="Stop"/> or because its buffer was full (<see cref="IsTerminated"/>).</summary>
    public bool IsStopped => _stopped;

    /// <summary>
    /// Ended by the store because a change found the buffer full: the changes still buffered are dropped and the
    /// reader sees the end of the stream (a client then watches again from the last resourceVersion it saw, or lists).
    /// </summary>
    public bool IsTerminated => _terminated;

    /// <summary>How many changes (after the initial events) may wait for the reader.</summary>
    public int BufferSize { get; }

    /// <summary>Everything that happened since the last read, without waiting; nothing more once terminated.</summary>
    public IReadOnlyList<WatchEvent> Read()
    {
        var events = new List<WatchEvent>(_initial);
        _initial.Clear();
        while (!_terminated && _events.Reader.TryRead(out var change))
        {
            events.Add(change);
        }

        return events;
    }

    /// <summary>
    /// The events as they come, until <see cref="Stop"/>, termination or <paramref name="cancellation"/>; one reader
    /// at a time.
    /// </summary>
    public async IAsyncEnumerable<WatchEvent> ReadAllAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellation = default)
    {
        while (_initial.TryDequeue(out var first))
        {
            yield return first;
        }

        while (!_terminated && await _events.Reader.WaitToReadAsync(cancellation).ConfigureAwait(false))
        {
            while (!_terminated && _events.Reader.TryRead(out var change))
            {
                yield return change;
            }
        }
    }

    /// <summary>Ends the watch: no more events are added, and <see cref="ReadAllAsync"/> ends after those already there.</summary>
    public void Stop()
    {
        _stopped = true;
        _events.Writer.TryComplete();
        _forget(this);
    }

    /// <summary>An event from the listing or the replay at the start, before the watch is handed out.</summary>
    internal void Push(WatchEvent change) => _initial.Enqueue(change);

    /// <summary>
    /// A change of the store, unless it is older than the watch or not for it; false when the buffer was full and the
    /// watch was terminated by it. Called by one delivering thread at a time.
    /// </summary>
    internal bool Deliver(WatchEvent change)
    {
        if (_stopped || change.ResourceVersion <= _after || _select(change) is not { } selected)
        {
            return true;
        }

        if (_events.Writer.TryWrite(selected))
        {
            return true;
        }

        // The watch cache waits for a slow watcher only within its dispatch budget (at most 100 ms shared by all
        // watchers); Podnet delivers on the writer's thread and waits not at all, so a full buffer ends the watch at once.
        _terminated = true;
        _stopped = true;
        _events.Writer.TryComplete();
        _forget(this);
        return false;
    }
}

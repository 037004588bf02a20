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
    public Watch Watch(KubeResource resource, string? @namespace = null, string? resourceVersion = null, LabelSelector? labels = null, FieldSelector? fields = null)
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
            var watch = new Watch(Select, _resourceVersion);
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
                    watch.Deliver(change);
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
/// </summary>
public sealed class Watch
{
    private readonly Func<WatchEvent, WatchEvent?> _select;
    private readonly long _after;
    private readonly Channel<WatchEvent> _events = Channel.CreateUnbounded<WatchEvent>(new UnboundedChannelOptions { SingleReader = true });

    /// <param name="select">The event as this watch sees it (a change that makes an object match is ADDED), or null when it is not for it.</param>
    /// <param name="after">The store's resourceVersion when the watch began: older changes came with its listing or replay.</param>
    internal Watch(Func<WatchEvent, WatchEvent?> select, long after)
    {
        _select = select;
        _after = after;
    }

    public bool IsStopped { get; private set; }

    /// <summary>Everything that happened since the last read, without waiting.</summary>
    public IReadOnlyList<WatchEvent> Read()
    {
        var events = new List<WatchEvent>();
        while (_events.Reader.TryRead(out var change))
        {
            events.Add(change);
        }

        return events;
    }

    /// <summary>The events as they come, until <see cref="Stop"/> or <paramref name="cancellation"/>; one reader at a time.</summary>
    public IAsyncEnumerable<WatchEvent> ReadAllAsync(CancellationToken cancellation = default) => _events.Reader.ReadAllAsync(cancellation);

    /// <summary>Ends the watch: no more events are added, and <see cref="ReadAllAsync"/> ends after those already there.</summary>
    public void Stop()
    {
        IsStopped = true;
        _events.Writer.TryComplete();
    }

    /// <summary>An event from the listing or the replay at the start.</summary>
    internal void Push(WatchEvent change) => _events.Writer.TryWrite(change);

    /// <summary>A change of the store, unless it is older than the watch or not for it.</summary>
    internal void Deliver(WatchEvent change)
    {
        if (IsStopped || change.ResourceVersion <= _after || _select(change) is not { } selected)
        {
            return;
        }

        _events.Writer.TryWrite(selected);
    }
}

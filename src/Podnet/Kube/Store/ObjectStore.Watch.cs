using System.Globalization;
using Podnet.Kube.Api;
using Podnet.Kube.Selectors;

namespace Podnet.Kube.Store;

public sealed partial class ObjectStore
{
    private readonly int _watchHistory;
    // Oldest first; a queue, so dropping the oldest of a full history costs nothing.
    private readonly Queue<WatchEvent> _history = new();
    private readonly List<Action<WatchEvent>> _listeners = [];

    /// <summary>
    /// Called with every change, in resourceVersion order, while the store is locked: informers use it to queue
    /// work, never to call back into the store.
    /// </summary>
    public void Subscribe(Action<WatchEvent> listener)
    {
        lock (_lock)
        {
            _listeners.Add(listener);
        }
    }

    /// <summary>
    /// Starts a watch. Without a resourceVersion it begins with an ADDED event per existing object; with one it
    /// replays what happened after it, or fails with 410 Gone when that is older than the history kept.
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

        lock (_lock)
        {
            var watch = new Watch(e => Wanted(e.Object));
            if (string.IsNullOrEmpty(resourceVersion) || resourceVersion == "0")
            {
                foreach (var obj in Table(resource).Values.Where(Wanted))
                {
                    watch.Deliver(new WatchEvent(WatchEventType.Added, obj, long.Parse(obj.ResourceVersion!, CultureInfo.InvariantCulture)));
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

                foreach (var change in _history.Where(e => e.ResourceVersion > from))
                {
                    watch.Deliver(change);
                }
            }

            _watches.Add(watch);
            return watch;
        }
    }

    private readonly List<Watch> _watches = [];

    private void Record(WatchEventType type, KubeObject obj)
    {
        var change = new WatchEvent(type, obj, long.Parse(obj.ResourceVersion!, CultureInfo.InvariantCulture));
        _history.Enqueue(change);
        while (_history.Count > _watchHistory)
        {
            _history.Dequeue();
        }

        _watches.RemoveAll(w => w.IsStopped);
        foreach (var watch in _watches)
        {
            watch.Deliver(change);
        }

        foreach (var listener in _listeners)
        {
            listener(change);
        }
    }
}

/// <summary>An open watch: events queue up until read.</summary>
public sealed class Watch
{
    private readonly Func<WatchEvent, bool> _wanted;
    private readonly Queue<WatchEvent> _pending = new();
    private readonly Lock _lock = new();

    internal Watch(Func<WatchEvent, bool> wanted)
    {
        _wanted = wanted;
    }

    public bool IsStopped { get; private set; }

    /// <summary>Everything that happened since the last read.</summary>
    public IReadOnlyList<WatchEvent> Read()
    {
        lock (_lock)
        {
            var events = _pending.ToList();
            _pending.Clear();
            return events;
        }
    }

    public void Stop() => IsStopped = true;

    internal void Deliver(WatchEvent change)
    {
        if (IsStopped || !_wanted(change))
        {
            return;
        }

        lock (_lock)
        {
            _pending.Enqueue(change);
        }
    }
}

using Podnet.Kube.Store;

namespace Podnet.Server.State;

/// <summary>
/// What a served account writes its gated operations to when <c>podnet up --state</c> keeps state: each operation
/// begins with the wall clock held (<see cref="StateClock"/>) and ends with its journal entry and the object changes
/// it made committed to the <see cref="StateDirectory"/> — under the gate, so before the request that made it is
/// answered and before any other operation runs.
/// </summary>
public sealed class StateJournal
{
    private readonly StateDirectory _directory;
    private readonly StateClock _clock;
    private readonly List<ObjectRow> _pending = [];
    private readonly List<string> _cleared = [];
    private readonly HashSet<string> _tracked = new(StringComparer.Ordinal);

    /// <param name="directory">Where entries are committed.</param>
    /// <param name="clock">The wall clock the account's virtual clock is anchored to.</param>
    public StateJournal(StateDirectory directory, StateClock clock)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(clock);
        _directory = directory;
        _clock = clock;
    }

    /// <summary>
    /// Records the changes of <paramref name="store"/> (the store of the cluster named <paramref name="cluster"/>)
    /// from now on; with <paramref name="snapshot"/>, its objects now too (a cluster created while serving).
    /// </summary>
    public void Track(string cluster, ObjectStore store, bool snapshot)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(store);
        _tracked.Add(cluster);
        if (snapshot)
        {
            _pending.AddRange(store.All().Select(o => ObjectRow.Of(cluster, o)));
        }

        store.Subscribe(change =>
        {
            // A store keeps its listeners: one of a cluster no longer served records nothing.
            if (_tracked.Contains(cluster))
            {
                _pending.Add(ObjectRow.Of(cluster, change.Object, deleted: change.Type == WatchEventType.Deleted));
            }
        });
    }

    /// <summary>Stops recording the cluster named <paramref name="cluster"/> and drops its objects with the current entry.</summary>
    public void Forget(string cluster)
    {
        _tracked.Remove(cluster);
        _pending.RemoveAll(r => r.Cluster == cluster);
        _cleared.Add(cluster);
    }

    /// <summary>Starts an operation: holds the wall clock at its current reading, which the entry records.</summary>
    internal JournalEntry Begin(string kind, RecordedRequest? request = null, DateTimeOffset? target = null, string? faults = null)
    {
        var wall = _clock.RealNow;
        _clock.Hold(wall);
        return new JournalEntry(kind, wall, request, target, faults);
    }

    /// <summary>
    /// Ends an operation: commits its entry and object changes and lets the clock run. A commit that fails ends the
    /// process (its change is in memory and would be answered as done but lost at the next start, the silent loss
    /// the journal exists to prevent); the next start resumes from what was committed.
    /// </summary>
    internal void Commit(JournalEntry entry)
    {
        try
        {
            _directory.Append(entry, _pending, _cleared);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Console.Error.WriteLine($"error: --state {_directory.Path}: committing to the journal failed ({e.Message}); stopping so that nothing is answered that is not kept");
            Console.Error.Flush();
            Environment.FailFast($"podnet up --state {_directory.Path}: the journal could not be committed", e);
        }
        finally
        {
            _pending.Clear();
            _cleared.Clear();
            _clock.Release();
        }
    }
}

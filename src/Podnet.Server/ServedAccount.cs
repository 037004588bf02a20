using Podnet.Aws;
using Podnet.Kube.Views;
using Podnet.Server.State;
using Podnet.World;

namespace Podnet.Server;

/// <summary>
/// What <c>podnet up</c> serves: one emulated AWS account and the EKS clusters in it, each a world with its own control
/// plane, sharing the account's clock. One loop runs every cluster's control plane: work that is ready is done at
/// once; work due later — a controller's retry, or EKS finishing a cluster or node group — is done when it is due, by
/// jumping virtual time there while the clock's lag allows and a user waits, else by waiting for it in real time (or
/// for a request that brings new work).
/// </summary>
/// <remarks>
/// The control planes' controllers keep their queues without locks, as one informer thread would, and the clusters
/// share the account's backends; so everything that touches a world — a request's write, a batch of controller work, a
/// shell command — runs under <see cref="Gate"/>, one at a time. The loop takes the gate for short batches, so a
/// request waits for at most one batch.
/// <para>
/// With a <see cref="Journal"/> (<c>podnet up --state</c>), every operation under the gate that may change the
/// account — a write request, an AWS request (EKS and CloudFormation move their resources on when read), a pass of the
/// loop, a jump of the clock, the served clusters following EKS's — is committed to the journal before the gate is
/// released, so before its answer is written; replaying the journal in order at the recorded wall times rebuilds the
/// same account, as the core is deterministic (seeded names and IDs, virtual time).
/// </para>
/// </remarks>
public sealed class ServedAccount : IDisposable
{
    /// <summary>How many items of controller work one hold of the gate may do.</summary>
    private const int BatchSize = 256;

    private readonly SemaphoreSlim _wake = new(0);
    private readonly List<ServedCluster> _clusters = [];

    // How deep the current thread is in gated operations: only the outermost one is journaled.
    private int _depth;

    /// <param name="world">The world loaded for <c>podnet up</c>, with a clock anchored to the wall clock (<see cref="VirtualTimeProvider.AnchoredTo"/>): its account, and its cluster if it has one.</param>
    /// <param name="fastForward">
    /// The budget of waits that cost no real time from now on (the clock's lag is cut to it); zero makes every wait
    /// take real time (<c>--clock real</c>).
    /// </param>
    public ServedAccount(Podnet.World.World world, TimeSpan fastForward)
    {
        ArgumentNullException.ThrowIfNull(world);
        if (!world.Time.IsAnchored)
        {
            throw new ArgumentException("a served world needs a clock anchored to the wall clock", nameof(world));
        }

        Time = world.Time;
        Cloud = world.Cloud;
        Seed = world.Seed;
        world.Time.LimitLag(fastForward);
        Primary = new ServedCluster(this, world);
        _clusters.Add(Primary);
    }

    /// <summary>The world <c>podnet up</c> loaded (its cluster, if it has one, is served from the start).</summary>
    public ServedCluster Primary { get; }

    /// <summary>The account's emulated AWS, or null for a policy-only world.</summary>
    public AwsCloud? Cloud { get; }

    /// <summary>The account's clock: every cluster's control plane reads it.</summary>
    public VirtualTimeProvider Time { get; }

    /// <summary>Seeds the control planes of clusters created while serving.</summary>
    public int Seed { get; }

    /// <summary>Held by whatever touches a world or the account (see the remarks).</summary>
    public Lock Gate { get; } = new();

    /// <summary>The journal gated operations are committed to (<c>podnet up --state</c>); null keeps the account in memory only.</summary>
    public StateJournal? Journal { get; private set; }

    /// <summary>The worlds whose control planes run: the loaded one and those of clusters created since.</summary>
    public IReadOnlyList<ServedCluster> Clusters
    {
        get
        {
            lock (Gate)
            {
                return [.. _clusters];
            }
        }
    }

    /// <summary>Runs <paramref name="action"/> under the gate and lets the controllers react to what it changed.</summary>
    /// <exception cref="InvalidOperationException">
    /// With a journal, a write that is neither a recorded request (<see cref="RecordedRequest.AnsweringApi"/>) nor inside a
    /// journaled operation: it could not be replayed.
    /// </exception>
    public T Write<T>(Func<T> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        try
        {
            return Gated(action, write: true);
        }
        finally
        {
            Poke();
        }
    }

    /// <summary>Runs <paramref name="action"/> under the gate (a read that must not see a batch half done).</summary>
    public T Read<T>(Func<T> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        return Gated(action, write: false);
    }

    /// <summary>Journals the gated operations from now on (after the journal so far was replayed).</summary>
    internal void Attach(StateJournal journal)
    {
        lock (Gate)
        {
            Journal = journal;
        }
    }

    /// <summary>
    /// Runs <paramref name="action"/> under the gate; the outermost operation of a thread is journaled when it is a
    /// write or an AWS request.
    /// </summary>
    private T Gated<T>(Func<T> action, bool write)
    {
        lock (Gate)
        {
            JournalEntry? entry = null;
            if (_depth == 0 && Journal is { } journal)
            {
                var api = RecordedRequest.AnsweringApi;
                if (api is null && write)
                {
                    throw new InvalidOperationException("a write to an account with a journal must come from a recorded request or a journaled operation");
                }

                if ((write || api == RecordedRequest.AwsApi) && RecordedRequest.TakeAnswering() is { } request)
                {
                    entry = journal.Begin(JournalEntry.RequestKind, request);
                }
            }

            return Run(action, entry);
        }
    }

    /// <summary>Runs <paramref name="action"/> under the gate as one journaled operation of <paramref name="kind"/> (the loop's own).</summary>
    private T Journaled<T>(string kind, Func<T> action, DateTimeOffset? target = null)
    {
        lock (Gate)
        {
            return Run(action, _depth == 0 ? Journal?.Begin(kind, target: target) : null);
        }
    }

    /// <summary>Runs <paramref name="action"/> (under the gate) and commits <paramref name="entry"/>, if any, before the gate is released.</summary>
    private T Run<T>(Func<T> action, JournalEntry? entry)
    {
        _depth++;
        try
        {
            return action();
        }
        finally
        {
            _depth--;
            if (entry is not null)
            {
                Journal!.Commit(entry);
            }
        }
    }

    /// <summary>
    /// Injects <paramref name="settings"/>' EC2 faults into every principal's calls from now on (<c>podnet up
    /// --faults</c>), as one journaled operation: the faults are drawn from one random sequence seeded by the world's
    /// seed, and every call that draws from it runs under the gate in a journaled operation (a request, a pass), so a
    /// replay that sets them at the same point draws the same faults for the same calls. Settings equal to those in
    /// force journal nothing.
    /// </summary>
    /// <exception cref="InvalidOperationException">The world has no AWS account (it is policy-only).</exception>
    public void SetFaults(Podnet.Aws.Ec2.Faults.Ec2FaultSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var faults = Cloud?.Faults ?? throw new InvalidOperationException("the world has no AWS account (it is policy-only)");
        lock (Gate)
        {
            if (faults.Settings == settings)
            {
                return;
            }

            Run(() => faults.Settings = settings, _depth == 0 ? Journal?.Begin(JournalEntry.FaultsKind, faults: JournalEntry.FaultsText(settings)) : null);
        }

        Poke();
    }

    /// <summary>Wakes the loop: something changed.</summary>
    public void Poke() => _wake.Release();

    /// <summary>
    /// Brings the served worlds in line with EKS's clusters, as one journaled operation: a cluster EKS has and no
    /// world serves gets a world (<see cref="WorldLoader.ForCreatedCluster"/>) whose control plane runs from now on; a
    /// served world whose cluster EKS no longer has stops running. The caller starts and stops their APIs.
    /// </summary>
    internal (IReadOnlyList<ServedCluster> Created, IReadOnlyList<ServedCluster> Gone) FollowEks()
    {
        try
        {
            return Journaled(JournalEntry.ClustersKind, () =>
            {
                var (created, gone) = ClusterChanges();
                foreach (var cluster in gone)
                {
                    _clusters.Remove(cluster);
                    Journal?.Forget(cluster.World.Cluster!.Name);
                }

                var worlds = new List<ServedCluster>();
                foreach (var cluster in created)
                {
                    var served = new ServedCluster(this, WorldLoader.ForCreatedCluster(Cloud!, cluster, Seed, Time));
                    _clusters.Add(served);
                    Journal?.Track(cluster.Name, served.Store, snapshot: true);
                    worlds.Add(served);
                }

                return ((IReadOnlyList<ServedCluster>)worlds, gone);
            });
        }
        finally
        {
            Poke();
        }
    }

    /// <summary>
    /// Runs the control planes until <paramref name="stop"/>. After every pass, <paramref name="clustersChanged"/> is
    /// called outside the gate when EKS's clusters no longer match the served ones (one was created or is gone), so
    /// the caller can start or stop their Kubernetes APIs.
    /// </summary>
    public async Task RunAsync(Func<Task> clustersChanged, CancellationToken stop)
    {
        ArgumentNullException.ThrowIfNull(clustersChanged);
        while (!stop.IsCancellationRequested)
        {
            var (next, cloudTransition, expiry, changed, busy) = Journaled(JournalEntry.PassKind, RunPass);

            if (changed)
            {
                await clustersChanged().ConfigureAwait(false);
                continue;
            }

            if (busy || (next is { } due && due <= Time.GetUtcNow()))
            {
                continue;
            }

            lock (Gate)
            {
                if (next is { } jump && Time.CanReach(jump) && SomeoneWaits(cloudTransition is not null))
                {
                    Journaled(JournalEntry.AdvanceKind, () => Advance(jump), jump);
                    continue;
                }
            }

            // An Event's expiry wakes the loop when its time comes but is no reason to jump to it: the store lets it go at
            // the next pass, whether that is due to it or to anything else.
            var wake = Podnet.World.World.Earliest(next, expiry);
            var wait = wake is { } later ? later - Time.GetUtcNow() : Timeout.InfiniteTimeSpan;
            if (wait != Timeout.InfiniteTimeSpan && wait < TimeSpan.FromMilliseconds(1))
            {
                wait = TimeSpan.FromMilliseconds(1);
            }

            try
            {
                await _wake.WaitAsync(wait, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>
    /// One pass of the loop, under the gate: every cluster registers its nodes and does up to a batch of ready work.
    /// Returns the earliest moment work is due (controllers' and the account's transitions), the account's next
    /// transition, the next expiry of a stored object with a time to live (an Event), whether EKS's clusters no longer
    /// match the served ones, and whether a batch was full.
    /// </summary>
    internal (DateTimeOffset? Next, DateTimeOffset? CloudTransition, DateTimeOffset? Expiry, bool Changed, bool Busy) RunPass()
    {
        lock (Gate)
        {
            DateTimeOffset? next = null;
            DateTimeOffset? expiry = null;
            var busy = false;
            foreach (var cluster in _clusters)
            {
                cluster.World.RegisterNodes();
                busy |= cluster.World.ControlPlane.RunReady(BatchSize) == BatchSize;
                next = Podnet.World.World.Earliest(Podnet.World.World.Earliest(Podnet.World.World.Earliest(next, cluster.World.ControlPlane.NextDue), cluster.World.NextNodeBoot), cluster.World.NextNodegroupRolloutStep);
                expiry = Podnet.World.World.Earliest(expiry, cluster.World.ControlPlane.Store.NextExpiry);
            }

            var cloudTransition = Cloud?.NextTransition;
            next = Podnet.World.World.Earliest(next, cloudTransition);
            return (next, cloudTransition, expiry, ClustersChanged(), busy);
        }
    }

    /// <summary>The loop's jump of virtual time to <paramref name="to"/> (a journaled operation; replayed as recorded).</summary>
    internal bool Advance(DateTimeOffset to)
    {
        Time.AdvanceTo(to);
        return true;
    }

    public void Dispose() => _wake.Dispose();

    /// <summary>
    /// How EKS's clusters differ from the served ones, under the gate: the clusters EKS has and no world serves yet
    /// (created since), and the served worlds whose cluster EKS no longer has (deleted).
    /// </summary>
    public (IReadOnlyList<Podnet.Aws.Eks.Cluster> Created, IReadOnlyList<ServedCluster> Gone) ClusterChanges() => Read(() =>
    {
        if (Cloud is null)
        {
            return ((IReadOnlyList<Podnet.Aws.Eks.Cluster>)[], (IReadOnlyList<ServedCluster>)[]);
        }

        var names = Cloud.Eks.ListClusters();
        var served = _clusters.Where(c => c.World.Cluster is not null).ToList();
        var servedNames = served.Select(c => c.World.Cluster!.Name).ToHashSet(StringComparer.Ordinal);
        return ([.. names.Where(n => !servedNames.Contains(n)).Select(Cloud.Eks.DescribeCluster)], [.. served.Where(c => !names.Contains(c.World.Cluster!.Name))]);
    });

    /// <summary>
    /// How long a pod the scheduler finds no node for still counts as waited for: kube-scheduler's
    /// podMaxInUnschedulablePodsDuration (5 minutes), after which it retries such a pod whatever happened.
    /// </summary>
    private static readonly TimeSpan UnschedulableWaitedFor = TimeSpan.FromMinutes(5);

    /// <summary>Whether EKS has a cluster no world serves yet, or a served cluster is gone from EKS.</summary>
    private bool ClustersChanged() => ClusterChanges() is var (created, gone) && (created.Count > 0 || gone.Count > 0);

    /// <summary>
    /// Whether a user is waiting for something: a pod not yet running and ready (unless no node has fitted it for
    /// <see cref="UnschedulableWaitedFor"/>), a pod or namespace being deleted, or
    /// an EKS cluster or node group being created or deleted. Only then does virtual time jump to the next due
    /// moment; background work (ipamd topping up its warm pool every few seconds) otherwise runs in real time, so
    /// the fast-forward budget is spent on what a user would wait for and timestamps stay close to the wall clock.
    /// </summary>
    /// <param name="cloudInProgress">Whether the account has a transition due (read once per pass by the loop).</param>
    private bool SomeoneWaits(bool cloudInProgress)
    {
        if (cloudInProgress)
        {
            return true;
        }

        foreach (var cluster in _clusters)
        {
            var store = cluster.Store;
            var pods = store.List(store.Resources.For("v1", "Pod")).Items;
            // A pod no node has fitted for longer than the scheduler keeps it waiting for an event
            // (podMaxInUnschedulablePodsDuration) waits for the cluster to change, not for time: hello-eks's batch-giant
            // would otherwise spend the budget on ipamd's background work. A pod that newly fits nowhere may be waiting
            // for what time brings (a node joining, a trunk interface's pod-eni capacity).
            var now = Time.GetUtcNow();
            if (pods.Any(p => PodView.Of(p) is var view && (view.IsTerminating || (!view.IsFinished && !(view.Phase == "Running" && view.IsReady)
                    && !(view.UnschedulableSince is { } since && now - since > UnschedulableWaitedFor)))))
            {
                return true;
            }

            if (store.List(store.Resources.For("v1", "Namespace")).Items.Any(n => n.IsTerminating))
            {
                return true;
            }
        }

        return false;
    }
}

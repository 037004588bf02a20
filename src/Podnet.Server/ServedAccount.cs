using Podnet.Aws;
using Podnet.Kube.Views;
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
/// </remarks>
public sealed class ServedAccount : IDisposable
{
    /// <summary>How many items of controller work one hold of the gate may do.</summary>
    private const int BatchSize = 256;

    private readonly SemaphoreSlim _wake = new(0);
    private readonly List<ServedCluster> _clusters = [];

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
    public T Write<T>(Func<T> action)
    {
        ArgumentNullException.ThrowIfNull(action);
        try
        {
            lock (Gate)
            {
                return action();
            }
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
        lock (Gate)
        {
            return action();
        }
    }

    /// <summary>Wakes the loop: something changed.</summary>
    public void Poke() => _wake.Release();

    /// <summary>Runs a new cluster's world in the loop from now on.</summary>
    internal ServedCluster Add(Podnet.World.World world)
    {
        var served = new ServedCluster(this, world);
        Write(() =>
        {
            _clusters.Add(served);
            return served;
        });
        return served;
    }

    /// <summary>Stops running a deleted cluster's world.</summary>
    internal void Remove(ServedCluster cluster) => Write(() => _clusters.Remove(cluster));

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
            DateTimeOffset? next = null;
            DateTimeOffset? cloudTransition;
            bool changed;
            bool busy = false;
            lock (Gate)
            {
                foreach (var cluster in _clusters)
                {
                    cluster.World.RegisterNodes();
                    busy |= cluster.World.ControlPlane.RunReady(BatchSize) == BatchSize;
                    next = Podnet.World.World.Earliest(Podnet.World.World.Earliest(next, cluster.World.ControlPlane.NextDue), cluster.World.NextNodeBoot);
                }

                cloudTransition = Cloud?.NextTransition;
                next = Podnet.World.World.Earliest(next, cloudTransition);
                changed = ClustersChanged();
            }

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
                    Time.AdvanceTo(jump);
                    continue;
                }
            }

            var wait = next is { } later ? later - Time.GetUtcNow() : Timeout.InfiniteTimeSpan;
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

    /// <summary>Whether EKS has a cluster no world serves yet, or a served cluster is gone from EKS.</summary>
    private bool ClustersChanged() => ClusterChanges() is var (created, gone) && (created.Count > 0 || gone.Count > 0);

    /// <summary>
    /// Whether a user is waiting for something: a pod not yet running and ready, a pod or namespace being deleted, or
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
            if (pods.Any(p => new PodView(p) is var view && (view.IsTerminating || (!view.IsFinished && !(view.Phase == "Running" && view.IsReady)))))
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

using Podnet.Kube.Store;
using Podnet.Kube.Views;
using Podnet.World;

namespace Podnet.Server;

/// <summary>
/// A world that runs continuously behind <c>podnet up</c>: the control plane does its work as requests change the
/// store, and virtual time follows the wall clock (see <see cref="VirtualTimeProvider.AnchoredTo"/>).
/// </summary>
/// <remarks>
/// The control plane's controllers keep their queues without locks, as one informer thread would; so everything
/// that touches the world — a request's write, the controllers' batch of work, a shell command — runs under
/// <see cref="Gate"/>, one at a time. The loop takes the gate for short batches, so a request waits for at most
/// one batch.
/// </remarks>
public sealed class ServedCluster : IDisposable
{
    /// <summary>How many items of controller work one hold of the gate may do.</summary>
    private const int BatchSize = 256;

    private readonly SemaphoreSlim _wake = new(0);

    /// <param name="world">A world loaded with a clock anchored to the wall clock (<see cref="VirtualTimeProvider.AnchoredTo"/>).</param>
    /// <param name="fastForward">
    /// The budget of waits that cost no real time from now on (the clock's lag is cut to it); zero makes every wait
    /// take real time (<c>--clock real</c>).
    /// </param>
    public ServedCluster(Podnet.World.World world, TimeSpan fastForward)
    {
        ArgumentNullException.ThrowIfNull(world);
        if (!world.Time.IsAnchored)
        {
            throw new ArgumentException("a served world needs a clock anchored to the wall clock", nameof(world));
        }

        World = world;
        world.Time.LimitLag(fastForward);
    }

    public Podnet.World.World World { get; }

    /// <summary>The store of the cluster's API server.</summary>
    public ObjectStore Store => World.ControlPlane.Store;

    /// <summary>Held by whatever touches the world (see the remarks).</summary>
    public Lock Gate { get; } = new();

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

    /// <summary>
    /// Runs the control plane until <paramref name="stop"/>: work that is ready is done at once; work due later is
    /// done when it is due, by jumping virtual time there while the clock's lag allows, else by waiting for it in
    /// real time (or for a request that brings new work).
    /// </summary>
    public async Task RunAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            DateTimeOffset? next;
            lock (Gate)
            {
                World.RegisterNodes();
                if (World.ControlPlane.RunReady(BatchSize) == BatchSize)
                {
                    continue;
                }

                next = World.ControlPlane.NextDue;
                if (next is { } due && due <= World.Time.GetUtcNow())
                {
                    continue;
                }

                if (next is { } jump && World.Time.CanReach(jump) && SomeoneWaits())
                {
                    World.Time.AdvanceTo(jump);
                    continue;
                }
            }

            var wait = next is { } later ? later - World.Time.GetUtcNow() : Timeout.InfiniteTimeSpan;
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
    /// Whether the cluster has work a user is waiting for: a pod not yet running and ready, or a pod or namespace
    /// being deleted. Only then does virtual time jump to the next due moment; background work (ipamd topping up
    /// its warm pool every few seconds) otherwise runs in real time, so the fast-forward budget is spent on what a
    /// user would wait for and timestamps stay close to the wall clock.
    /// </summary>
    private bool SomeoneWaits()
    {
        var pods = Store.List(Store.Resources.For("v1", "Pod")).Items;
        if (pods.Any(p => new PodView(p) is var view && (view.IsTerminating || (!view.IsFinished && !(view.Phase == "Running" && view.IsReady)))))
        {
            return true;
        }

        return Store.List(Store.Resources.For("v1", "Namespace")).Items.Any(n => n.IsTerminating);
    }

    public void Dispose() => _wake.Dispose();
}

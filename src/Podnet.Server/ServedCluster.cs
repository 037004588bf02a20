using Podnet.Kube.Store;

namespace Podnet.Server;

/// <summary>
/// One world of a <see cref="ServedAccount"/>: a cluster's control plane, run by the account's loop under the
/// account's gate (what touches it goes through <see cref="Write{T}"/> and <see cref="Read{T}"/>).
/// </summary>
public sealed class ServedCluster
{
    internal ServedCluster(ServedAccount account, Podnet.World.World world)
    {
        Account = account;
        World = world;
    }

    /// <summary>The account the cluster is in: its AWS, its clock, its loop.</summary>
    public ServedAccount Account { get; }

    public Podnet.World.World World { get; }

    /// <summary>The store of the cluster's API server.</summary>
    public ObjectStore Store => World.ControlPlane.Store;

    /// <summary>Held by whatever touches a world (the account's one gate).</summary>
    public Lock Gate => Account.Gate;

    /// <summary>Runs <paramref name="action"/> under the gate and lets the controllers react to what it changed.</summary>
    public T Write<T>(Func<T> action) => Account.Write(action);

    /// <summary>Runs <paramref name="action"/> under the gate (a read that must not see a batch half done).</summary>
    public T Read<T>(Func<T> action) => Account.Read(action);

    /// <summary>Wakes the loop: something changed.</summary>
    public void Poke() => Account.Poke();
}

using Podnet.Kube.Store;

namespace Podnet.Kube.Controllers;

/// <summary>
/// A reconciling controller: it hears every change of the store (to queue work, nothing else) and does its work
/// one item at a time when the control plane asks.
/// </summary>
public interface IController
{
    string Name { get; }

    void OnChange(WatchEvent change);

    /// <summary>Does one queued item; false when nothing is ready.</summary>
    bool ProcessNext();

    /// <summary>When delayed work falls due, or null.</summary>
    DateTimeOffset? NextDue { get; }
}

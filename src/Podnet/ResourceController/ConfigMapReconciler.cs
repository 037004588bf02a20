using System.Globalization;
using Podnet.Kube.Api;
using Podnet.Kube.Controllers;
using Podnet.Kube.Store;
using static Podnet.ResourceController.VpcResourceController;

namespace Podnet.ResourceController;

/// <summary>
/// The VPC resource controller's configuration reconciler (aws/amazon-vpc-resource-controller-k8s
/// controllers/core/configmap_controller.go, pkg/config/cooldown.go): reads the <c>kube-system/amazon-vpc-cni</c>
/// ConfigMap's <c>branch-eni-cooldown</c> (seconds; absent or unreadable: <see cref="ResourceControllerOptions.DefaultCooldown"/>,
/// below <see cref="ResourceControllerOptions.MinimumCooldown"/>: that minimum) into the cooldown the other reconcilers
/// use, and announces a change on every node with a trunk (<c>BranchENICoolDownPeriodUpdated</c>). Its handler maps
/// that ConfigMap's changes, its deletion among them, to its key.
/// </summary>
public sealed class ConfigMapReconciler : ReconcilingController
{
    /// <summary>The ConfigMap's namespace (pkg/config/type.go <c>KubeSystemNamespace</c>).</summary>
    public const string ConfigMapNamespace = "kube-system";

    /// <summary>The ConfigMap's name (pkg/config/type.go <c>VpcCniConfigMapName</c>).</summary>
    public const string ConfigMapName = "amazon-vpc-cni";

    private static readonly ObjectKey ConfigMapKey = new(ConfigMapNamespace, ConfigMapName);

    private readonly BranchProvider _provider;
    private readonly EventRecorder _events;

    /// <param name="store">The store the reconciler reads.</param>
    /// <param name="time">The world's clock.</param>
    /// <param name="events">Where the nodes' cooldown events go.</param>
    /// <param name="provider">The state the reconcilers share: its cooldown is set here.</param>
    public ConfigMapReconciler(ObjectStore store, TimeProvider time, EventRecorder events, BranchProvider provider)
        : base(store, time)
    {
        _provider = provider;
        _events = events;
    }

    /// <inheritdoc/>
    public override string Name => Component + "/configmap";

    private KubeResource Nodes => Store.Resources.For("v1", "Node");

    /// <inheritdoc/>
    public override void OnChange(WatchEvent change)
    {
        if (Is(change, string.Empty, "ConfigMap") && change.Object.Namespace == ConfigMapNamespace && change.Object.Name == ConfigMapName)
        {
            Queue.Add(ConfigMapKey);
        }
    }

    /// <inheritdoc/>
    protected override ValueTask<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        UpdateCooldown(Store.TryGet(Store.Resources.For("v1", "ConfigMap"), key.Namespace, key.Name));
        return ValueTask.FromResult(ReconcileResult.Done);
    }

    private void UpdateCooldown(KubeObject? configMap)
    {
        var options = _provider.Options;
        var seconds = configMap?.GetString("data." + CooldownKey) is { } text && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var s) ? TimeSpan.FromSeconds(s) : options.DefaultCooldown;
        var cooldown = seconds < options.MinimumCooldown ? options.MinimumCooldown : seconds;
        if (cooldown == _provider.Cooldown)
        {
            return;
        }

        _provider.Cooldown = cooldown;
        foreach (var node in _provider.Trunks.Keys)
        {
            if (Store.TryGet(Nodes, null, node) is { } obj)
            {
                _events.Normal(obj, "BranchENICoolDownPeriodUpdated", $"Branch ENI cool down period has been updated to {GoDuration(cooldown)}", Component);
            }
        }
    }

    /// <summary>Go's time.Duration formatting, as the controller's messages print it: 1m30s, 30s.</summary>
    private static string GoDuration(TimeSpan d)
        => d.TotalMinutes >= 1 ? $"{(int)d.TotalMinutes}m{d.Seconds}s" : $"{(int)d.TotalSeconds}s";
}

using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Podnet.Aws;
using Podnet.Aws.Ec2;
using Podnet.Aws.Eks;
using Podnet.Kube.Api;
using Podnet.Kube.Controllers;
using Podnet.Kube.Nodes;
using Podnet.Kube.Store;
using Podnet.Kube.Views;
using Podnet.ResourceController;

namespace Podnet.Fargate;

/// <summary>
/// EKS's <c>fargate-scheduler</c>: for each pod the Fargate webhook gave to it, a micro-VM with its own network
/// interface in one of its profile's subnets, registered as its own Node (<see cref="FargateNode"/>), and the pod
/// bound there (event <c>Scheduled</c> "Successfully assigned NS/POD to fargate-ip-…"). The interface carries the
/// groups of the pod's <c>fargate.amazonaws.com/pod-sg</c> annotation (the SecurityGroupPolicies that matched), else
/// the cluster security group, which EKS gives Fargate pods by default. The node registers only if those groups let
/// the micro-VM reach the control plane (<see cref="FargateControlPlaneAccess"/>). The bound pod carries the
/// scheduler's annotations: <c>CapacityProvisioned</c> (<see cref="FargateCapacity"/>) and, without Fargate logging's
/// ConfigMap, <c>Logging: LoggingDisabled: LOGGING_CONFIGMAP_NOT_FOUND</c>. The micro-VM takes its
/// <see cref="FargateProvisioning"/> time from the interface's creation until its node registers and the pod is bound.
/// A pod Fargate cannot run gets no micro-VM: one with host networking, host ports or privileged containers gets the
/// <see cref="FargatePodSupport"/> event, one larger than Fargate's largest combination the
/// <see cref="FargateCapacity.ExceedsMaxReason"/> condition. When the pod is gone the node and the interface go.
/// </summary>
public sealed class FargateScheduler : ReconcilingController
{
    public const string Component = FargateProfileWebhook.SchedulerName;

    private readonly EventRecorder _events;
    private readonly AwsCloud _cloud;
    private readonly Cluster _cluster;
    private readonly Action<string, IPodSandboxNetwork> _setNetwork;
    private readonly IEc2 _ec2;
    private readonly int _seed;

    /// <summary>The pod annotation on Fargate's built-in log router.</summary>
    public const string LoggingAnnotation = "Logging";

    /// <summary>Its value when the log router's ConfigMap does not exist.</summary>
    public const string LoggingDisabledNotFound = "LoggingDisabled: LOGGING_CONFIGMAP_NOT_FOUND";

    /// <summary>The namespace and name of the ConfigMap that configures Fargate's log router (EKS user guide, fargate-logging).</summary>
    public const string LoggingNamespace = "aws-observability";

    /// <inheritdoc cref="LoggingNamespace"/>
    public const string LoggingConfigMap = "aws-logging";

    /// <summary>How often a pod that could not be placed is looked at again.</summary>
    private static readonly TimeSpan RetryPeriod = TimeSpan.FromSeconds(30);

    /// <summary>The node and interface of each placed pod, by pod.</summary>
    private readonly Dictionary<ObjectKey, FargatePlacement> _placements = [];

    /// <summary>The UID of each pod refused with <see cref="FargatePodSupport"/>'s event, by pod: the scheduler says it once.</summary>
    private readonly Dictionary<ObjectKey, string> _refused = [];

    /// <summary>The interfaces of pods gone whose delete EC2 refused (throttled, failed), by pod: tried again.</summary>
    private readonly Dictionary<ObjectKey, HashSet<string>> _deleting = [];

    /// <param name="setNetwork">Gives a Fargate node its network (the control plane's per-node network plugin).</param>
    /// <param name="seed">The world's seed, from which each micro-VM's <see cref="FargateProvisioning"/> time derives.</param>
    public FargateScheduler(ObjectStore store, TimeProvider time, EventRecorder events, AwsCloud cloud, Cluster cluster, Action<string, IPodSandboxNetwork> setNetwork, int seed)
        : base(store, time)
    {
        _seed = seed;
        _events = events;
        _cloud = cloud;
        _cluster = cluster;
        _setNetwork = setNetwork;
        _ec2 = cloud.Ec2For(Aws.Iam.AwsPrincipal.Service("eks-fargate.amazonaws.com"));
    }

    public override string Name => Component;

    /// <summary>Where each Fargate pod runs: its node and its interface.</summary>
    public IReadOnlyDictionary<ObjectKey, FargatePlacement> Placements => _placements;

    private KubeResource Pods => Store.Resources.For("v1", "Pod");

    private KubeResource Nodes => Store.Resources.For("v1", "Node");

    public override void OnChange(WatchEvent change)
    {
        if (!Is(change, string.Empty, "Pod"))
        {
            return;
        }

        var key = ObjectKey.Of(change.Object);
        if (PodView.Of(change.Object).SchedulerName == Component || _placements.ContainsKey(key))
        {
            Queue.Add(key);
        }
    }

    /// <inheritdoc/>
    protected override ValueTask<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
        => ValueTask.FromResult(Reconcile(key));

    private ReconcileResult Reconcile(ObjectKey key)
    {
        if (_deleting.ContainsKey(key))
        {
            TryDelete(key);
        }

        var next = Place(key);
        return ReconcileResult.AfterOrDone(_deleting.ContainsKey(key) && (next is null || next > RetryPeriod) ? RetryPeriod : next);
    }

    /// <summary>Places the pod of <paramref name="key"/> (or releases what a pod gone had); when to look again, or null.</summary>
    private TimeSpan? Place(ObjectKey key)
    {
        var obj = Store.TryGet(Pods, key.Namespace, key.Name);
        if (obj is null || (_placements.TryGetValue(key, out var placed) && placed.PodUid != obj.Uid))
        {
            if (obj is null)
            {
                _refused.Remove(key);
            }

            Release(key);
            return obj is null ? null : Place(key);
        }

        var pod = PodView.Of(obj);
        if (pod.NodeName is not null || pod.IsTerminating || pod.IsFinished || pod.SchedulerName != Component)
        {
            return null;
        }

        var profiles = _cloud.Eks.ActiveFargateProfiles(_cluster.Name);
        if (FargateProfileWebhook.ProfileFor(obj, key.Namespace ?? "default", profiles) is not { } profile)
        {
            // Its profile was deleted before the pod was placed: nothing places it.
            return null;
        }

        if (!_placements.TryGetValue(key, out var placement))
        {
            if (FargatePodSupport.Refusal(pod) is { } refusal)
            {
                // Fargate cannot run it: the scheduler says why, once, and provisions nothing.
                if (!_refused.TryGetValue(key, out var refusedUid) || refusedUid != obj.Uid)
                {
                    _refused[key] = obj.Uid ?? string.Empty;
                    _events.Warning(obj, FargatePodSupport.Reason, refusal, Component);
                }

                return null;
            }

            if (FargateCapacity.For(pod) is null)
            {
                // Larger than 16 vCPU and 120 GB: no micro-VM holds it; the scheduler marks it unschedulable.
                var scheduled = (obj.Peek("status.conditions") as JsonArray ?? []).OfType<JsonObject>().FirstOrDefault(c => c["type"]?.GetValue<string>() == "PodScheduled");
                if (scheduled?["reason"]?.GetValue<string>() != FargateCapacity.ExceedsMaxReason)
                {
                    var at = KubeObject.FormatTimestamp(Time.GetUtcNow());
                    Store.UpdateStatus(obj.With(json => PodConditions.SetScheduled(json, "False", FargateCapacity.ExceedsMaxReason, FargateCapacity.ExceedsMaxMessage, at)), RequestContext.ServiceAccount("kube-system", Component));
                }

                return null;
            }

            var groups = obj.Annotations.TryGetValue(ResourceControllerNames.FargatePodSecurityGroupsAnnotation, out var annotated) && annotated.Length > 0
                ? annotated.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                : [_cluster.ResourcesVpcConfig.ClusterSecurityGroupId];
            NetworkInterface created;
            try
            {
                created = _ec2.CreateNetworkInterfaceAsync(new CreateNetworkInterfaceRequest(SubnetFor(obj.Uid ?? key.Name, profile.Subnets), [.. groups])).GetAwaiter().GetResult();
                if (_cluster.KubernetesNetworkConfig.IsIpv6 && created.Ipv6Addresses.Count == 0)
                {
                    // In an IPv6 cluster "Fargate Pods receive an IPv6 address from the CIDR that's specified for the
                    // subnet that it's deployed in" (EKS user guide, cni-ipv6), beside the micro-VM's IPv4 one.
                    _ec2.AssignIpv6AddressesAsync(new AssignIpv6AddressesRequest(created.NetworkInterfaceId, Ipv6AddressCount: 1)).GetAwaiter().GetResult();
                }
            }
            catch (AwsException e)
            {
                // The micro-VM cannot get its interface (a group that does not exist, a full subnet, EC2 throttling or
                // failing): the pod waits.
                _events.Warning(obj, "FailedScheduling", $"Pod provisioning failed: {e.Code}: {e.Message}", Component);
                return RetryPeriod;
            }

            var provisioned = Time.GetUtcNow() + FargateProvisioning.Duration(_seed, key.Namespace ?? "default", key.Name, obj.Uid ?? string.Empty);
            placement = new FargatePlacement(obj.Uid ?? string.Empty, null, created.NetworkInterfaceId, provisioned);
            _placements[key] = placement;
        }

        if (placement.ProvisionedAt > Time.GetUtcNow())
        {
            // The micro-VM is still booting: its kubelet registers the node when it is up.
            return placement.ProvisionedAt - Time.GetUtcNow();
        }

        // EKS's own service looking at the interface it made and the groups the micro-VM's kubelet meets: inside AWS,
        // not a call of the account's EC2 API, so it reads the account's state (no IAM, no throttling).
        var eni = _cloud.Ec2View.DescribeNetworkInterfaces(DescribeRequest.ForIds(placement.NetworkInterfaceId))[0];
        if (FargateControlPlaneAccess.Blocked(_cloud.Ec2View, _cluster, System.Net.IPAddress.Parse(eni.PrivateIpAddress), [.. eni.Groups.Select(g => g.GroupId)]) is not null)
        {
            // The micro-VM runs, but its kubelet cannot reach the API server to register: no node, the pod stays
            // Pending. A rule added later lets it through on the next look.
            return RetryPeriod;
        }

        // In an IPv6 cluster the node's InternalIP is the interface's IPv6 address, the pod's (FargateNode); its name stays the IPv4 DNS name's.
        var node = FargateNode.For(eni.PrivateIpAddress, _cloud.Options.PrivateDnsSuffix, eni.AvailabilityZone, obj.Uid ?? key.Name, profile.FargateProfileName, _cluster.Version, Time.GetUtcNow(), PodAddress(eni));
        var context = RequestContext.ServiceAccount("kube-system", Component);
        Store.Create(node, RequestContext.Kubelet(node.Name), keepStatus: true);
        _placements[key] = placement with { NodeName = node.Name };
        _setNetwork(node.Name, new FargatePodNetwork(obj.Uid ?? string.Empty, PodAddress(eni), eni.NetworkInterfaceId));

        // The scheduler records what it provisioned, and whether Fargate's log router is on (kubectl describe pod
        // shows both): CapacityProvisioned (FargateCapacity), and, without the aws-observability/aws-logging
        // ConfigMap, "Logging: LoggingDisabled: LOGGING_CONFIGMAP_NOT_FOUND" (as eks-workshop's Fargate sizing
        // chapter prints a pod's annotations). They ride on the Binding, which the API server copies onto the pod as
        // it sets spec.nodeName and PodScheduled (BindingREST.setPodNodeAndMetadata): one write.
        var loggingOff = Store.TryGet(Store.Resources.For("v1", "ConfigMap"), LoggingNamespace, LoggingConfigMap) is null;
        var capacity = FargateCapacity.For(pod);
        var annotations = new Dictionary<string, string>(StringComparer.Ordinal);
        if (capacity is not null)
        {
            annotations[FargateCapacity.Annotation] = capacity.ToString();
        }

        if (loggingOff)
        {
            annotations[LoggingAnnotation] = LoggingDisabledNotFound;
        }

        var bound = Store.Bind(Pods, obj.Namespace ?? "default", obj.Name, node.Name, context, annotations);
        _events.Normal(bound, "Scheduled", $"Successfully assigned {bound.Namespace}/{bound.Name} to {node.Name}", Component);
        return null;
    }

    /// <summary>The pod's address on its interface: the IPv6 one in a cluster of the IPv6 family, else the primary private one.</summary>
    private string PodAddress(NetworkInterface eni)
        => _cluster.KubernetesNetworkConfig.IsIpv6 && eni.Ipv6Addresses.Count > 0 ? eni.Ipv6Addresses[0].Ipv6Address : eni.PrivateIpAddress;

    /// <summary>
    /// The subnet of the profile the pod's interface goes to: one of them chosen by the pod's UID (EKS spreads Fargate
    /// pods over the profile's subnets; a hash keeps runs reproducible), the next one with a free address if it is full.
    /// </summary>
    private string SubnetFor(string podUid, IReadOnlyList<string> subnetIds)
    {
        var start = (int)(BitConverter.ToUInt32(SHA256.HashData(Encoding.UTF8.GetBytes(podUid)), 0) % (uint)subnetIds.Count);
        // EKS's own look at the profile's subnets (their free addresses), inside AWS as above.
        var subnets = _cloud.Ec2View.DescribeSubnets(new DescribeRequest(subnetIds)).ToDictionary(s => s.SubnetId, StringComparer.Ordinal);
        for (var i = 0; i < subnetIds.Count; i++)
        {
            var id = subnetIds[(start + i) % subnetIds.Count];
            if (subnets[id].AvailableIpAddressCount > 0)
            {
                return id;
            }
        }

        // All full: EC2's own error tells.
        return subnetIds[start];
    }

    /// <summary>The pod is gone: its node goes, and the micro-VM's interface is deleted.</summary>
    private void Release(ObjectKey key)
    {
        if (!_placements.Remove(key, out var placement))
        {
            return;
        }

        if (placement.NodeName is { } nodeName && Store.TryGet(Nodes, null, nodeName) is not null)
        {
            Store.Delete(Nodes, null, nodeName, DeleteOptions.Default, RequestContext.ServiceAccount("kube-system", Component));
        }

        if (!_deleting.TryGetValue(key, out var pending))
        {
            _deleting[key] = pending = new HashSet<string>(StringComparer.Ordinal);
        }

        pending.Add(placement.NetworkInterfaceId);
        TryDelete(key);
    }

    /// <summary>Deletes the interfaces of the pods gone under <paramref name="key"/>; those EC2 refused stay pending.</summary>
    private void TryDelete(ObjectKey key)
    {
        var pending = _deleting[key];
        foreach (var eniId in pending.Order(StringComparer.Ordinal).ToList())
        {
            try
            {
                _ec2.DeleteNetworkInterfaceAsync(eniId).GetAwaiter().GetResult();
            }
            catch (AwsException e) when (e.Code == "InvalidNetworkInterfaceID.NotFound")
            {
                // Deleted already.
            }
            catch (AwsException)
            {
                // Throttled or failed inside EC2: Reconcile tries again after RetryPeriod.
                continue;
            }

            pending.Remove(eniId);
        }

        if (pending.Count == 0)
        {
            _deleting.Remove(key);
        }
    }
}

/// <summary>Where a Fargate pod runs.</summary>
/// <param name="PodUid">The pod's UID.</param>
/// <param name="NodeName">Its node, <c>fargate-ip-…</c>; null while the micro-VM cannot register one (see <see cref="FargateControlPlaneAccess"/>).</param>
/// <param name="NetworkInterfaceId">The micro-VM's interface, which holds the pod's address.</param>
/// <param name="ProvisionedAt">When the micro-VM is up and its kubelet can register the node (<see cref="FargateProvisioning"/>).</param>
public sealed record FargatePlacement(string PodUid, string? NodeName, string NetworkInterfaceId, DateTimeOffset ProvisionedAt);

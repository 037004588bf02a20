using System.Text.Json.Nodes;
using Podnet.Aws.Ec2;
using Podnet.Aws.InstanceTypes;
using Podnet.Cni;
using Podnet.Kube.Api;
using Podnet.Kube.Store;
using Podnet.Kube.Views;
using Podnet.Policy;
using Podnet.ResourceController;

namespace Podnet.Lint;

/// <summary>What the checks look at, read once from a settled world: objects, the CNI's settings, security groups.</summary>
public sealed class LintContext
{
    private readonly Lazy<Reachability> _reachability;
    private readonly Lazy<IReadOnlyList<SecurityGroupPodSet>> _securityGroupPods;

    public LintContext(Podnet.World.World world)
    {
        ArgumentNullException.ThrowIfNull(world);
        World = world;
        AwsNodeDaemonSet = Store.TryGet(Store.Resources.For("apps/v1", "DaemonSet"), "kube-system", "aws-node");
        Settings = AwsNode.DaemonSetSettings(Store);
        SecurityGroupPolicies = Store.List(ResourceControllerNames.SecurityGroupPolicyApiVersion, ResourceControllerNames.SecurityGroupPolicyKind).Items;
        // Analysis of the world as it is, not a controller's call: read directly, so no IAM, throttling or fault
        // changes what lint reports, and nothing in the account changes.
        SecurityGroups = world.Cloud?.Ec2View.DescribeSecurityGroups().ToDictionary(g => g.GroupId, StringComparer.Ordinal)
                         ?? new Dictionary<string, SecurityGroup>(StringComparer.Ordinal);
        Pods = [.. Store.List("v1", "Pod").Items.Select(p => PodView.Of(p)).Where(p => !p.IsFinished && !p.IsTerminating)];
        Nodes = [.. Store.List("v1", "Node").Items.Select(n => new NodeView(n))];
        Enforcer = NetworkPolicyEnforcer.Find(world);
        _reachability = new(() => new Reachability(world));
        _securityGroupPods = new(FindSecurityGroupPods);
    }

    public Podnet.World.World World { get; }

    public ObjectStore Store => World.ControlPlane.Store;

    public KubeObject? AwsNodeDaemonSet { get; }

    /// <summary>The aws-node container of the DaemonSet's template.</summary>
    public JsonObject? AwsNodeContainer => AwsNodeDaemonSet?.ToJson()["spec"]?["template"]?["spec"]?["containers"] is JsonArray containers
        ? AwsNode.CniContainer([.. containers.OfType<JsonObject>()])
        : null;

    /// <summary>The VPC CNI's settings as the DaemonSet gives them to new aws-node pods; null without aws-node.</summary>
    public CniSettings? Settings { get; }

    /// <summary>Whether security groups for pods are on: ENABLE_POD_ENI, or SecurityGroupPolicies exist.</summary>
    public bool UsesSecurityGroupsForPods => Settings?.EnablePodEni == true || SecurityGroupPolicies.Count > 0;

    public bool StrictMode => Settings?.PodSecurityGroupEnforcingMode != "standard";

    public IReadOnlyDictionary<string, SecurityGroup> SecurityGroups { get; }

    public IReadOnlyList<PodView> Pods { get; }

    public IReadOnlyList<NodeView> Nodes { get; }

    /// <summary>Who enforces NetworkPolicy (<see cref="NetworkPolicyEnforcer"/>); null for nobody.</summary>
    public string? Enforcer { get; }

    public Reachability Reachability => _reachability.Value;

    public IReadOnlyList<KubeObject> SecurityGroupPolicies { get; }

    public IReadOnlyList<KubeObject> EniConfigs => Store.List("crd.k8s.amazonaws.com/v1alpha1", "ENIConfig").Items;

    public IReadOnlyList<KubeObject> NetworkPolicies => Store.List("networking.k8s.io/v1", "NetworkPolicy").Items;

    /// <summary>Pods that get security groups, one set per namespace and list of groups, so a Deployment is one finding.</summary>
    public IReadOnlyList<SecurityGroupPodSet> SecurityGroupPods => _securityGroupPods.Value;

    /// <summary>The cluster security group EKS made (what nodes and CoreDNS speak with), or a placeholder for fixes.</summary>
    public string ClusterSecurityGroup => World.Cluster?.ResourcesVpcConfig.ClusterSecurityGroupId ?? "CLUSTER_SECURITY_GROUP";

    /// <summary>The hop that denied a connection when security groups did (egress or ingress); null otherwise.</summary>
    public static Hop? SecurityGroupDenial(ReachResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.Allowed ? null : result.Hops.LastOrDefault(h => !h.Allowed) is { Step: "egress" or "ingress" } failed ? failed : null;
    }

    /// <summary><c>sg-… (name)</c>, or the bare ID for a group that does not exist.</summary>
    public string Describe(string groupId) => SecurityGroups.TryGetValue(groupId, out var g) ? $"{groupId} ({g.GroupName})" : groupId;

    public static InstanceTypeInfo? InstanceType(NodeView node)
        => node.Object.Labels.TryGetValue("node.kubernetes.io/instance-type", out var type) ? InstanceTypeCatalog.Default.Find(type) : null;

    public static string Zone(NodeView node) => node.Object.Labels.GetValueOrDefault("topology.kubernetes.io/zone") ?? string.Empty;

    /// <summary>
    /// A pod of a cluster that runs without the webhook's <c>vpc.amazonaws.com/pod-eni</c> request (and is not a
    /// Fargate pod): it was running before any SecurityGroupPolicy matched it — the webhook mutates on CREATE only
    /// (<see cref="PodMutatingWebhook.WasAlreadyRunning"/>) — so it has no branch interface and the policies' groups
    /// do not apply to it until it is re-created. In a policy-only world no webhook runs, and this is never said.
    /// </summary>
    public bool PredatesSecurityGroupPolicies(PodView pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        return World.Cluster is not null && pod is { HostNetwork: false, PodAddress: not null }
               && !AwsNode.RequestsPodEni(pod) && !pod.Object.Labels.ContainsKey(ResourceControllerNames.FargateProfileLabel)
               && !PodMutatingWebhook.IsWindows(pod.Object);
    }

    private List<SecurityGroupPodSet> FindSecurityGroupPods()
    {
        if (SecurityGroupPolicies.Count == 0)
        {
            return [];
        }

        var matcher = new SecurityGroupPolicyMatcher(Store);
        return [.. Pods.Where(p => !p.HostNetwork && !PredatesSecurityGroupPolicies(p) && !PodMutatingWebhook.IsWindows(p.Object))
            .Select(p => (Pod: p, Match: matcher.Match(p.Object)))
            .Where(m => m.Match.GroupIds.Count > 0)
            .GroupBy(m => (m.Pod.Namespace, Groups: string.Join(",", m.Match.GroupIds)))
            .Select(g => new SecurityGroupPodSet(g.Key.Namespace, g.First().Match.GroupIds, [.. g.Select(m => m.Pod).OrderBy(p => p.Name, StringComparer.Ordinal)]))
            .OrderBy(s => s.Namespace, StringComparer.Ordinal).ThenBy(s => s.Pods[0].Name, StringComparer.Ordinal)];
    }
}

/// <summary>Pods of one namespace that get the same security groups.</summary>
public sealed record SecurityGroupPodSet(string Namespace, IReadOnlyList<string> Groups, IReadOnlyList<PodView> Pods)
{
    /// <summary><c>Pod ns/first</c>, with how many more pods share the groups.</summary>
    public string Display => Pods.Count == 1 ? $"Pod {Namespace}/{Pods[0].Name}" : $"Pod {Namespace}/{Pods[0].Name} (and {Pods.Count - 1} more with the same groups)";
}

using Podnet.Aws;
using Podnet.Aws.Ec2;
using Podnet.Kube.Api;
using Podnet.Kube.Controllers;
using Podnet.Kube.Store;
using Podnet.Kube.Views;

namespace Podnet.ResourceController;

/// <summary>
/// The VPC resource controller of EKS (aws/amazon-vpc-resource-controller-k8s), security groups for pods, as its
/// main.go assembles it: the state its reconcilers share (<see cref="BranchProvider"/>: trunks, EC2 clients and their
/// token bucket, 12/s burst 18, as the cluster role for interface changes and as EKS itself for describes and trunk
/// associations; the cooldown) and three reconcilers over it — <see cref="NodeReconciler"/> (a trunk interface for every
/// managed, trunking-compatible node, advertised as its <c>vpc.amazonaws.com/pod-eni</c> capacity; released branches
/// deleted after the cooldown), <see cref="PodReconciler"/> (a branch interface with the pod's security groups for every
/// scheduled pod that asks for one, on the lowest free VLAN, written into its <c>vpc.amazonaws.com/pod-eni</c>
/// annotation) and <see cref="ConfigMapReconciler"/> (the amazon-vpc-cni ConfigMap's cooldown). The control plane runs
/// <see cref="Controllers"/>.
/// </summary>
public sealed class VpcResourceController
{
    /// <summary>The controller's name: its events' source component and its EC2 session name.</summary>
    public const string Component = "vpc-resource-controller";

    /// <summary>The pod annotation that lists a pod's branch interfaces.</summary>
    public const string PodEniAnnotation = ResourceControllerNames.PodEni;

    /// <summary>The extended resource a pod asks branches with and a node advertises its trunk's branch count as.</summary>
    public const string PodEniResource = ResourceControllerNames.PodEni;

    /// <summary>The node label that marks a node with a trunk.</summary>
    public const string HasTrunkAttachedLabel = ResourceControllerNames.HasTrunkAttachedLabel;

    /// <summary>The <c>eks:eni:owner</c> tag value of the controller's interfaces.</summary>
    public const string OwnerTagValue = "eks-vpc-resource-controller";

    /// <summary>A trunk interface's description.</summary>
    public const string TrunkDescription = "aws-k8s-trunk-eni";

    /// <summary>A branch interface's description.</summary>
    public const string BranchDescription = "aws-k8s-branch-eni";

    /// <summary>The amazon-vpc-cni ConfigMap's key of the branch cooldown, in seconds.</summary>
    public const string CooldownKey = "branch-eni-cooldown";

    /// <summary><c>MaxDeleteRetries</c> (pkg/provider/branch/trunk/trunk.go): failed delete passes before a branch is forgotten.</summary>
    public const int MaxDeleteRetries = 3;

    /// <summary>How often EKS's cluster-wide garbage collector of leaked interfaces runs.</summary>
    public static readonly TimeSpan GarbageCollectionInterval = TimeSpan.FromMinutes(30);

    /// <summary>What a pod's describe shows when the cluster role may not create its branch interface (seed 000).</summary>
    public const string InsufficientPermissions = "Insufficient permissions: Unable to create Elastic Network Interface.";

    /// <param name="store">The store the reconcilers read and write.</param>
    /// <param name="time">The world's clock.</param>
    /// <param name="events">Where the controller's events go.</param>
    /// <param name="cloud">The emulated AWS account.</param>
    /// <param name="clusterName">The EKS cluster the controller serves.</param>
    /// <param name="clusterRoleArn">The cluster's IAM role, which the controller's interface changes are made as.</param>
    /// <param name="matchGroups">The security groups a pod's SecurityGroupPolicies select, or why they cannot be read.</param>
    /// <param name="options">The controller's flags and timers; the defaults when null.</param>
    public VpcResourceController(
        ObjectStore store,
        TimeProvider time,
        EventRecorder events,
        AwsCloud cloud,
        string clusterName,
        string clusterRoleArn,
        Func<KubeObject, (IReadOnlyList<string> Groups, string? Error)> matchGroups,
        ResourceControllerOptions? options = null)
    {
        Provider = new BranchProvider(time, cloud, clusterName, clusterRoleArn, options ?? new ResourceControllerOptions());
        Configuration = new ConfigMapReconciler(store, time, events, Provider);
        NodeReconciler? nodes = null;
        Pods = new PodReconciler(store, time, events, Provider, matchGroups, (node, after) => nodes!.Enqueue(node, after));
        nodes = new NodeReconciler(store, time, events, Provider, Pods.Enqueue);
        Nodes = nodes;
        // The configuration first, so a node or pod reconciled in the same pass sees the ConfigMap's cooldown.
        Controllers = [Configuration, Nodes, Pods];
    }

    /// <summary>The state the reconcilers share.</summary>
    public BranchProvider Provider { get; }

    /// <summary>The node (trunk) reconciler.</summary>
    public NodeReconciler Nodes { get; }

    /// <summary>The pod (branch) reconciler.</summary>
    public PodReconciler Pods { get; }

    /// <summary>The configuration (amazon-vpc-cni ConfigMap) reconciler.</summary>
    public ConfigMapReconciler Configuration { get; }

    /// <summary>The reconcilers, in the order the control plane runs them.</summary>
    public IReadOnlyList<IController> Controllers { get; }

    /// <summary>
    /// Interfaces the controller gave up on (a creation's failed clean-up, a branch forgotten after
    /// <see cref="MaxDeleteRetries"/> failed deletes, a deleted node's branch it could not delete) that the garbage
    /// collector has not deleted yet.
    /// </summary>
    public IReadOnlyCollection<string> LeftBehind => Provider.LeftBehind;

    /// <summary>The trunk of each managed node, by node name.</summary>
    public IReadOnlyDictionary<string, TrunkState> Trunks => Provider.Trunks;

    /// <summary>The branch cooldown now in force (the ConfigMap's <c>branch-eni-cooldown</c>, at least 30 s).</summary>
    public TimeSpan Cooldown => Provider.Cooldown;

    /// <summary>One pass of the cluster-wide garbage collector of leaked interfaces (<see cref="NodeReconciler.CollectGarbage"/>).</summary>
    public IReadOnlyList<string> CollectGarbage() => Nodes.CollectGarbage();

    /// <summary>The branches a pod asks for: <c>vpc.amazonaws.com/pod-eni</c> summed over its containers.</summary>
    public static int PodEniCount(PodView pod)
        => (int)pod.Containers.Sum(c => c["resources"]?["limits"]?[PodEniResource] is { } limit && Quantity.TryParse(limit.ToString(), out var n) ? n
            : c["resources"]?["requests"]?[PodEniResource] is { } request && Quantity.TryParse(request.ToString(), out var m) ? m : 0);

    /// <summary>
    /// Why a pod got no branch, after "failed to allocate branch ENI to pod: ": the error of the call that failed,
    /// wrapped as <c>CreateAndAssociateBranchENIs</c> (pkg/provider/branch/trunk/trunk.go) wraps it — "creating network
    /// interface, " or "associating branch to trunk, " and the SDK's text with EC2's code and message. A cluster role
    /// without AmazonEKSVPCResourceController is the seed's "Insufficient permissions: Unable to create Elastic Network
    /// Interface." (seed 000).
    /// </summary>
    public static string BranchFailure(AwsException error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return error switch
        {
            { Code: Ec2Errors.Codes.UnauthorizedOperation } => InsufficientPermissions,
            { Operation: "CreateNetworkInterface" } => "creating network interface, " + error.SdkText,
            { Operation: "AssociateTrunkInterface" } => "associating branch to trunk, " + error.SdkText,
            _ => $"{error.Code}: {error.Message}",
        };
    }
}

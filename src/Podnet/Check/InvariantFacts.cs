using Podnet.Aws.Ec2;
using Podnet.Kube.Api;

namespace Podnet.Check;

/// <summary>
/// What <see cref="Invariants"/> are checked on, whether read from a world (<see cref="Invariants.FactsOf"/>) or from a
/// live cluster's Kubernetes API and EC2 (<c>podnet check --kubeconfig</c>, Podnet.Live): the cluster's pods and nodes,
/// and, when it has an AWS side, EC2's network interfaces and trunk associations and the nodes' trunks.
/// </summary>
/// <param name="ClusterName">The EKS cluster's name (its interfaces carry it in their tags); null for a world without one.</param>
/// <param name="ClusterGone">Whether EKS no longer has the cluster (then only <c>outlives-cluster</c> is checked on the AWS side).</param>
/// <param name="Pods">Every pod of the cluster.</param>
/// <param name="Nodes">Every node of the cluster.</param>
/// <param name="Interfaces">Every network interface of the cluster's VPC, as DescribeNetworkInterfaces gives them; null when there is no AWS side (a policy-only world).</param>
/// <param name="Associations">Every trunk-branch association (DescribeTrunkInterfaceAssociations) of those interfaces.</param>
/// <param name="Trunks">
/// The trunk interface of each node that has one, with the branches its instance type takes; null when nothing
/// manages branch interfaces (no VPC resource controller), so ownership and capacity are not checked.
/// </param>
/// <param name="Cooling">
/// The branch interfaces in a trunk's delete queue (the controller's cooldown), or null when that queue cannot be read
/// (a live cluster: the real controller keeps it in memory).
/// </param>
/// <param name="LeftBehind">The interfaces the controller left to EKS's garbage collector (empty when not known).</param>
public sealed record InvariantFacts(
    string? ClusterName,
    bool ClusterGone,
    IReadOnlyList<KubeObject> Pods,
    IReadOnlyList<KubeObject> Nodes,
    IReadOnlyList<NetworkInterface>? Interfaces,
    IReadOnlyList<TrunkInterfaceAssociation> Associations,
    IReadOnlyList<NodeTrunk>? Trunks,
    IReadOnlySet<string>? Cooling,
    IReadOnlySet<string> LeftBehind);

/// <summary>A node's trunk interface and how many branch interfaces its instance type takes (EC2's <c>BranchInterfaces</c> of the type).</summary>
public sealed record NodeTrunk(string NodeName, string TrunkId, int BranchLimit);

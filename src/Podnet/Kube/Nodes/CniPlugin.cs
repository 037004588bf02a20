namespace Podnet.Kube.Nodes;

/// <summary>
/// The CNI plugin of a node's network configuration that failed a pod's ADD, by its <c>type</c> and the network's
/// <c>name</c> in the conflist: containerd names both in its error (<c>plugin type="aws-cni" name="aws-cni" failed
/// (add): …</c>, libcni's <c>pluginErr</c>).
/// </summary>
/// <param name="Type">The plugin binary (<c>aws-cni</c>, <c>vpc-bridge</c>, <c>bridge</c>).</param>
/// <param name="Name">The network's name in the conflist (<c>aws-cni</c>, <c>vpc</c>, <c>containerd-net</c>).</param>
public sealed record CniPlugin(string Type, string Name)
{
    /// <summary>The VPC CNI's routed-ENI plugin in its 10-aws.conflist.</summary>
    public static readonly CniPlugin AwsCni = new("aws-cni", "aws-cni");

    /// <summary>The Windows VPC CNI (amazon-vpc-cni-plugins' vpc-bridge) in the EKS Windows AMI's configuration.</summary>
    public static readonly CniPlugin VpcBridge = new("vpc-bridge", "vpc");

    /// <summary>containerd's default network (10-containerd-net.conflist: a bridge with host-local IPAM on 10.88.0.0/16).</summary>
    public static readonly CniPlugin ContainerdNet = new("bridge", "containerd-net");
}

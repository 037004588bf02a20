using Podnet.Kube.Api;

namespace Podnet.Cni;

/// <summary>
/// The kernel's TCP early demux (<c>net.ipv4.tcp_early_demux</c>), which aws-vpc-cni-init turns off when its
/// <c>DISABLE_TCP_EARLY_DEMUX</c> is "true" (amazon-vpc-cni-k8s cmd/aws-vpc-cni-init/main.go). While it is on, a
/// TCP connection from the node to a pod with security groups in strict mode fails: the pod's reply comes back by
/// its branch interface while early demux has already bound the socket's route to the host side, so the kubelet's
/// TCP and HTTP probes of such pods never complete (the EKS guide: "disable TCP early demux, so that the kubelet can
/// connect to pods on branch network interfaces using TCP"). The add-on's <c>init.env</c> and <c>kubectl patch</c>
/// both set it on the aws-vpc-cni-init init container of DaemonSet kube-system/aws-node.
/// </summary>
public static class TcpEarlyDemux
{
    /// <summary>The init container's environment variable.</summary>
    public const string EnvName = "DISABLE_TCP_EARLY_DEMUX";

    /// <summary>
    /// Whether aws-node's init container disables early demux (main.go <c>configureSystemParams</c> reads it with
    /// utils.GetBoolAsStringEnvVar: Go's <c>strconv.ParseBool</c>).
    /// </summary>
    public static bool Disabled(KubeObject? awsNodeDaemonSet) => AwsVpcCniInit.Bool(awsNodeDaemonSet, EnvName, false);
}

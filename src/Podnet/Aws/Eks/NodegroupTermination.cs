namespace Podnet.Aws.Eks;

/// <summary>
/// An instance a managed node group let go (scaled in, or the group deleted) that waits for its node to be drained
/// before EKS terminates it (<see cref="EksBackend.NodegroupTerminations"/>).
/// </summary>
/// <param name="NodegroupName">The group it left.</param>
/// <param name="InstanceId">The instance; EKS terminates it anyway <see cref="EksLifecycle.NodeDrainTimeout"/> after the group let it go.</param>
public sealed record NodegroupTermination(string NodegroupName, string InstanceId);

namespace Podnet.Aws.Eks;

/// <summary>
/// An instance a managed node group let go (scaled in, or the group deleted) that waits for its node to be drained
/// before EKS terminates it (<see cref="EksBackend.NodegroupTerminations"/>).
/// </summary>
/// <param name="NodegroupName">The group it left.</param>
/// <param name="InstanceId">The instance.</param>
/// <param name="Since">When the group let it go; EKS terminates it anyway <see cref="EksLifecycle.NodeDrainTimeout"/> later.</param>
public sealed record NodegroupTermination(string NodegroupName, string InstanceId, DateTimeOffset Since);

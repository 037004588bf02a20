namespace Podnet.Aws.Eks;

/// <summary>
/// UpdateNodegroupVersion's arguments (<c>aws eks update-nodegroup-version --kubernetes-version 1.32 --force</c>; botocore
/// <c>UpdateNodegroupVersionRequest</c>).
/// </summary>
/// <param name="Version">The Kubernetes version to update to; null for the cluster's.</param>
/// <param name="ReleaseVersion">The AMI release asked for, if any (refused: Podnet's groups run the latest).</param>
/// <param name="Force">Whether a pod a PodDisruptionBudget keeps is deleted anyway once EKS gives up evicting it.</param>
/// <param name="LaunchTemplate">Whether a launch template was given (refused: Podnet's groups have none).</param>
public sealed record NodegroupVersionUpdate(string? Version = null, string? ReleaseVersion = null, bool Force = false, bool LaunchTemplate = false);

/// <summary>
/// A node group whose nodes a version update is replacing (<see cref="EksBackend.NodegroupRollouts"/>), as the world
/// needs it to cordon and drain them.
/// </summary>
/// <param name="NodegroupName">The group.</param>
/// <param name="Version">The version its new nodes run.</param>
/// <param name="Force">Whether a pod a PodDisruptionBudget keeps is deleted anyway after EKS's 15 minutes.</param>
/// <param name="MaxUnavailable">How many old nodes are drained at a time.</param>
/// <param name="OldInstanceIds">The old instances still running, in the order they were launched.</param>
/// <param name="NewInstanceIds">The new instances launched so far.</param>
/// <param name="StartedAt">When the update began.</param>
public sealed record NodegroupRolloutState(string NodegroupName, string Version, bool Force, int MaxUnavailable, IReadOnlyList<string> OldInstanceIds, IReadOnlyList<string> NewInstanceIds, DateTimeOffset StartedAt);

using Podnet.Aws.Eks;

namespace Podnet.Lint;

/// <summary>
/// A cluster of a Kubernetes version EKS no longer offers (seeds 001 and 003 show 1.22): the world is accepted, as
/// such a cluster was made when the version was offered, but today <c>aws eks create-cluster</c> refuses it, and EKS
/// upgrades a cluster still on it once extended support ends — so what the world shows is not what a new cluster
/// gets.
/// </summary>
public sealed class EksVersionNotOffered : ILintCheck
{
    public const string Id = "eks-version-not-offered";

    public IEnumerable<LintFinding> Check(LintContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.World.Cluster is not { } cluster || EksBackend.OfferedVersions.Contains(cluster.Version))
        {
            yield break;
        }

        var newest = EksBackend.OfferedVersions[^1];
        yield return new LintFinding(
            LintSeverity.Warning,
            Id,
            $"Cluster {cluster.Name}",
            $"spec.Version: Kubernetes {cluster.Version} is no longer offered by Amazon EKS (it offers {string.Join(", ", EksBackend.OfferedVersions)}): `aws eks create-cluster --kubernetes-version {cluster.Version}` answers InvalidParameterException: unsupported Kubernetes version {cluster.Version}, and EKS upgrades a cluster still on it when its extended support ends",
            $"rehearse on a version EKS offers, e.g. `Version: \"{newest}\"`; upgrade a real cluster one minor version at a time (`aws eks update-cluster-version --name {cluster.Name} --kubernetes-version …`)");
    }
}

using System.Text.Json.Nodes;

namespace Podnet.Aws.Eks;

/// <summary>
/// The cluster side of EKS's add-on manager: it applies an add-on's objects (its version's images, its configuration
/// values where the add-on's chart puts them) to the cluster's Kubernetes API with server-side apply as the field
/// manager <c>eks</c>, tells when they have rolled out, and removes them. The world that runs the cluster provides it
/// (<c>Podnet.World.EksAddonInstaller</c>); <see cref="EksBackend"/> keeps the add-on's record and status.
/// </summary>
public interface IAddonInstaller
{
    /// <summary>
    /// Applies <paramref name="deployment"/> to the cluster <paramref name="clusterName"/>. Returns the conflicts that
    /// stopped it, one a line as EKS reports them (<c>DaemonSet.apps aws-node - .spec.template.spec.containers[name="aws-node"].image</c>):
    /// fields another field manager set to another value, when the mode is NONE (or PRESERVE on create). Nothing is
    /// applied then. Empty when the add-on was applied.
    /// </summary>
    IReadOnlyList<string> Apply(string clusterName, AddonDeployment deployment);

    /// <summary>Whether the add-on's workloads (DaemonSets, Deployments) run the applied template on every node or replica.</summary>
    bool IsRolledOut(string clusterName, string addonName);

    /// <summary>Deletes the add-on's objects from the cluster (DeleteAddon without <c>--preserve</c>).</summary>
    void Remove(string clusterName, string addonName);

    /// <summary>Whether none of the add-on's objects is left.</summary>
    bool IsRemoved(string clusterName, string addonName);
}

/// <summary>An add-on as EKS applies it.</summary>
/// <param name="AddonName">The add-on.</param>
/// <param name="AddonVersion">The version, whose tag every image of the add-on gets.</param>
/// <param name="ConfigurationValues">The validated configuration values (an empty object for none).</param>
/// <param name="ResolveConflicts">NONE, OVERWRITE or PRESERVE (<see cref="Eks.ResolveConflicts"/>).</param>
/// <param name="Creating">CreateAddon (PRESERVE then fails on conflicts as NONE does) rather than UpdateAddon (PRESERVE keeps the other manager's values).</param>
/// <param name="ServiceAccountRoleArn">The IAM role the add-on's service account is annotated with (<c>eks.amazonaws.com/role-arn</c>), or null.</param>
public sealed record AddonDeployment(string AddonName, string AddonVersion, JsonObject ConfigurationValues, string ResolveConflicts, bool Creating, string? ServiceAccountRoleArn);

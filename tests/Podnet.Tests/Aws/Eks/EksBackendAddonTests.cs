using System.Text.Json.Nodes;
using Podnet.Aws;
using Podnet.Aws.Eks;
using Podnet.Aws.Iam;
using Podnet.Tests.TestSupport;

namespace Podnet.Tests.Aws.Eks;

/// <summary>
/// EKS add-ons in the backend: the record, the status that follows the add-on manager's work in the cluster (here
/// <see cref="RecordingInstaller"/>, whose cluster is told what to report), and EKS's errors.
/// </summary>
public class EksBackendAddonTests
{
    private readonly TestCloud _cloud = new();
    private readonly RecordingInstaller _installer = new();

    public EksBackendAddonTests()
    {
        var role = _cloud.Cloud.Iam.CreateRole("demoClusterRole");
        _cloud.Cloud.Iam.AttachRolePolicy(role.RoleName, ManagedPolicy.AmazonEKSClusterPolicy.Arn);
        Eks.CreateCluster(new CreateClusterRequest("demo", role.Arn, [_cloud.SubnetA.SubnetId, _cloud.SubnetB.SubnetId], Version: "1.31"));
        Eks.UseAddonInstaller("demo", _installer);
    }

    private EksBackend Eks => _cloud.Cloud.Eks;

    private static AwsException Refused(Action call) => Assert.Throws<AwsException>(call);

    [Fact]
    public void CreateAddon_WithoutVersion_AppliesTheDefault_CreatingUntilRolledOut()
    {
        _installer.RolledOut = false;
        var created = Eks.CreateAddon(new CreateAddonRequest("demo", "vpc-cni", ConfigurationValues: """{"env":{"WARM_IP_TARGET":"2"}}"""));

        Assert.Equal((AddonStatus.Creating, "v1.19.2-eksbuild.1"), (created.Status, created.AddonVersion));
        Assert.Matches("^arn:aws:eks:us-west-2:123456789012:addon/demo/vpc-cni/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", created.AddonArn);
        var applied = Assert.Single(_installer.Applied);
        Assert.Equal(("vpc-cni", "v1.19.2-eksbuild.1", ResolveConflicts.None, true), (applied.AddonName, applied.AddonVersion, applied.ResolveConflicts, applied.Creating));
        Assert.Equal("2", applied.ConfigurationValues["env"]!["WARM_IP_TARGET"]!.GetValue<string>());
        Assert.Equal(AddonStatus.Creating, Eks.DescribeAddon("demo", "vpc-cni").Status);

        _installer.RolledOut = true;
        Assert.Equal(AddonStatus.Active, Eks.DescribeAddon("demo", "vpc-cni").Status);
    }

    [Fact]
    public void CreateAddon_Twice_IsResourceInUse()
    {
        Eks.CreateAddon(new CreateAddonRequest("demo", "kube-proxy"));
        var error = Refused(() => Eks.CreateAddon(new CreateAddonRequest("demo", "kube-proxy")));
        Assert.Equal(("ResourceInUseException", "Addon already exists.", 409), (error.Code, error.Message, error.HttpStatusCode));
    }

    [Fact]
    public void CreateAddon_UnknownAddonOrVersion_IsInvalidParameter()
    {
        var unknown = Refused(() => Eks.CreateAddon(new CreateAddonRequest("demo", "vpc-cnii")));
        Assert.Equal(("InvalidParameterException", "Addon vpc-cnii specified is not supported in 1.31 kubernetes version"), (unknown.Code, unknown.Message));
        var version = Refused(() => Eks.CreateAddon(new CreateAddonRequest("demo", "vpc-cni", "v1.99.0-eksbuild.1")));
        Assert.Equal(("InvalidParameterException", "Addon version specified is not supported"), (version.Code, version.Message));
        var mode = Refused(() => Eks.CreateAddon(new CreateAddonRequest("demo", "vpc-cni", ResolveConflicts: "FORCE")));
        Assert.Equal("InvalidParameterException", mode.Code);
        Assert.Contains("Member must satisfy enum value set: [OVERWRITE, NONE, PRESERVE]", mode.Message, StringComparison.Ordinal);
        Assert.Empty(_installer.Applied);
        Assert.Empty(Eks.ListAddons("demo"));
    }

    [Fact]
    public void CreateAddon_ValuesTheSchemaRefuses_IsConfigurationValueNotSupported()
    {
        var error = Refused(() => Eks.CreateAddon(new CreateAddonRequest("demo", "vpc-cni", ConfigurationValues: """{"env":{"WARM_IP_TARGET":2},"foo":1}""")));
        Assert.Equal("InvalidParameterException", error.Code);
        Assert.Equal("ConfigurationValue provided in request is not supported: Json schema validation failed with error: [$.env.WARM_IP_TARGET: integer found, string expected, $.foo: is not defined in the schema and the schema does not allow additional properties]", error.Message);
    }

    [Fact]
    public void CreateAddon_YamlValues_AreReadAsEksReadsThem()
    {
        Eks.CreateAddon(new CreateAddonRequest("demo", "vpc-cni", ConfigurationValues: "env:\n  ENABLE_POD_ENI: \"true\"\n"));
        Assert.Equal("true", Assert.Single(_installer.Applied).ConfigurationValues["env"]!["ENABLE_POD_ENI"]!.GetValue<string>());
    }

    [Fact]
    public void DescribeAddon_Missing_IsResourceNotFound()
    {
        var error = Refused(() => Eks.DescribeAddon("demo", "vpc-cni"));
        Assert.Equal(("ResourceNotFoundException", "No addon: vpc-cni found in cluster: demo.", 404), (error.Code, error.Message, error.HttpStatusCode));
        Assert.Equal("No addon: coredns found in cluster: demo.", Refused(() => Eks.UpdateAddon(new UpdateAddonRequest("demo", "coredns"))).Message);
        Assert.Equal("No cluster found for name: other.", Refused(() => Eks.ListAddons("other")).Message);
    }

    [Fact]
    public void UpdateAddon_AnswersAnAddonUpdateInProgress_SuccessfulOnceRolledOut()
    {
        Eks.CreateAddon(new CreateAddonRequest("demo", "vpc-cni"));
        Assert.Equal(AddonStatus.Active, Eks.DescribeAddon("demo", "vpc-cni").Status);
        _installer.RolledOut = false;
        var update = Eks.UpdateAddon(new UpdateAddonRequest("demo", "vpc-cni", ResolveConflicts: "OVERWRITE", ConfigurationValues: """{"env":{"ENABLE_POD_ENI":"true"}}"""));

        Assert.Equal((UpdateStatus.InProgress, "AddonUpdate"), (update.Status, update.Type));
        Assert.Equal([new UpdateParam("ResolveConflicts", "OVERWRITE"), new UpdateParam("ConfigurationValues", """{"env":{"ENABLE_POD_ENI":"true"}}""")], update.Params);
        Assert.Equal(AddonStatus.Updating, Eks.DescribeAddon("demo", "vpc-cni").Status);
        Assert.Equal("ResourceInUseException", Refused(() => Eks.UpdateAddon(new UpdateAddonRequest("demo", "vpc-cni"))).Code);
        Assert.Equal((ResolveConflicts.Overwrite, false), (_installer.Applied[^1].ResolveConflicts, _installer.Applied[^1].Creating));

        _installer.RolledOut = true;
        var addon = Eks.DescribeAddon("demo", "vpc-cni");
        Assert.Equal((AddonStatus.Active, """{"env":{"ENABLE_POD_ENI":"true"}}"""), (addon.Status, addon.ConfigurationValues));
        Assert.Equal(UpdateStatus.Successful, Eks.DescribeUpdate("demo", update.Id, "vpc-cni").Status);
    }

    [Fact]
    public void UpdateAddon_ConflictsWithAnotherManager_IsUpdateFailedWithConfigurationConflict()
    {
        Eks.CreateAddon(new CreateAddonRequest("demo", "vpc-cni"));
        _installer.Conflicts = ["DaemonSet.apps aws-node - .spec.template.spec.containers[name=\"aws-node\"].env[name=\"WARM_IP_TARGET\"].value"];
        var update = Eks.UpdateAddon(new UpdateAddonRequest("demo", "vpc-cni", ConfigurationValues: """{"env":{"WARM_IP_TARGET":"2"}}"""));

        var message = "Conflicts found when trying to apply. Will not continue due to resolve conflicts mode. Conflicts:\nDaemonSet.apps aws-node - .spec.template.spec.containers[name=\"aws-node\"].env[name=\"WARM_IP_TARGET\"].value";
        var addon = Eks.DescribeAddon("demo", "vpc-cni");
        Assert.Equal(AddonStatus.UpdateFailed, addon.Status);
        Assert.Equal(new AddonIssue("ConfigurationConflict", message, []), Assert.Single(addon.Health.Issues), new IssueComparer());
        var failed = Eks.DescribeUpdate("demo", update.Id, "vpc-cni");
        Assert.Equal(UpdateStatus.Failed, failed.Status);
        Assert.Equal(("ConfigurationConflict", message), (Assert.Single(failed.Errors).ErrorCode, failed.Errors[0].ErrorMessage));
    }

    [Fact]
    public void CreateAddon_Conflicts_IsCreateFailed()
    {
        _installer.Conflicts = ["Deployment.apps coredns - .spec.template.spec.containers[name=\"coredns\"].image"];
        Eks.CreateAddon(new CreateAddonRequest("demo", "coredns", ResolveConflicts: "PRESERVE"));
        var addon = Eks.DescribeAddon("demo", "coredns");
        Assert.Equal(AddonStatus.CreateFailed, addon.Status);
        Assert.EndsWith("Conflicts:\nDeployment.apps coredns - .spec.template.spec.containers[name=\"coredns\"].image", Assert.Single(addon.Health.Issues).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DeleteAddon_RemovesItsObjects_GoneOnceTheyAre_PreserveKeepsThem()
    {
        Eks.CreateAddon(new CreateAddonRequest("demo", "kube-proxy"));
        Eks.CreateAddon(new CreateAddonRequest("demo", "coredns"));
        Assert.Equal(["coredns", "kube-proxy"], Eks.ListAddons("demo"));

        _installer.Removed = false;
        Assert.Equal(AddonStatus.Deleting, Eks.DeleteAddon("demo", "kube-proxy", preserve: false).Status);
        Assert.Equal(["kube-proxy"], _installer.RemovedAddons);
        Assert.Equal(AddonStatus.Deleting, Eks.DescribeAddon("demo", "kube-proxy").Status);
        _installer.Removed = true;
        Assert.Equal("ResourceNotFoundException", Refused(() => Eks.DescribeAddon("demo", "kube-proxy")).Code);

        _installer.Removed = false;
        Eks.DeleteAddon("demo", "coredns", preserve: true);
        Assert.Equal(["kube-proxy"], _installer.RemovedAddons);
        Assert.Empty(Eks.ListAddons("demo"));
    }

    [Fact]
    public void DescribeAddonVersions_ByKubernetesVersion_ListsWhatRunsThere()
    {
        var all = EksBackend.DescribeAddonVersions(null, "1.31");
        Assert.Equal(["vpc-cni", "kube-proxy", "coredns"], all.Select(a => a.AddonName));
        var vpcCni = all[0].AddonVersions;
        Assert.Equal("v1.19.2-eksbuild.1", Assert.Single(vpcCni, v => v.Compatibilities.Single().DefaultVersion).AddonVersion);
        Assert.Equal(["vpc-cni"], EksBackend.DescribeAddonVersions(null, "1.29").Select(a => a.AddonName));
        Assert.Empty(EksBackend.DescribeAddonVersions("kube-proxy", "1.29"));

        // A cluster of 1.29 has no kube-proxy version to install.
        var role = _cloud.Cloud.Iam.CreateRole("oldClusterRole");
        Eks.CreateCluster(new CreateClusterRequest("old", role.Arn, [_cloud.SubnetA.SubnetId, _cloud.SubnetB.SubnetId], Version: "1.29"));
        Assert.Equal("Addon kube-proxy specified is not supported in 1.29 kubernetes version", Refused(() => Eks.CreateAddon(new CreateAddonRequest("old", "kube-proxy"))).Message);
        Assert.Equal("Addon version specified is not supported", Refused(() => Eks.CreateAddon(new CreateAddonRequest("old", "kube-proxy", "v1.31.3-eksbuild.2"))).Message);
    }

    [Fact]
    public void DescribeAddonConfiguration_IsTheSchemaValuesAreCheckedAgainst()
    {
        var schema = JsonNode.Parse(EksBackend.DescribeAddonConfiguration("vpc-cni", "v1.19.2-eksbuild.1"))!;
        Assert.NotNull(schema["definitions"]!["VpcCni"]!["properties"]!["enableNetworkPolicy"]);
        Assert.Equal(AddonConfigurationSchema.VpcCni(new Version(1, 18, 5)).ToJsonString(), EksBackend.DescribeAddonConfiguration("vpc-cni", "v1.18.5-eksbuild.1"));
        Assert.Equal("Addon version specified is not supported", Refused(() => EksBackend.DescribeAddonConfiguration("vpc-cni", "v1.99.0-eksbuild.1")).Message);
    }

    [Fact]
    public void CreateAddon_Existing_IsActiveAtOnce_AndAppliesNothing()
    {
        var addon = Eks.CreateAddon(new CreateAddonRequest("demo", "vpc-cni", "v1.11.2-eksbuild.1", Existing: true));
        Assert.Equal((AddonStatus.Active, "v1.11.2-eksbuild.1"), (addon.Status, addon.AddonVersion));
        Assert.Empty(_installer.Applied);
    }

    private sealed class IssueComparer : IEqualityComparer<AddonIssue>
    {
        public bool Equals(AddonIssue? x, AddonIssue? y) => x is not null && y is not null && x.Code == y.Code && x.Message == y.Message && x.ResourceIds.SequenceEqual(y.ResourceIds);

        public int GetHashCode(AddonIssue obj) => obj.Code.GetHashCode(StringComparison.Ordinal);
    }

    /// <summary>A cluster side whose answers the test sets: what was applied and removed, and what the cluster reports.</summary>
    private sealed class RecordingInstaller : IAddonInstaller
    {
        public List<AddonDeployment> Applied { get; } = [];

        public List<string> RemovedAddons { get; } = [];

        public IReadOnlyList<string> Conflicts { get; set; } = [];

        public bool RolledOut { get; set; } = true;

        public bool Removed { get; set; } = true;

        public IReadOnlyList<string> Apply(string clusterName, AddonDeployment deployment)
        {
            Applied.Add(deployment);
            return Conflicts;
        }

        public bool IsRolledOut(string clusterName, string addonName) => RolledOut;

        public void Remove(string clusterName, string addonName) => RemovedAddons.Add(addonName);

        public bool IsRemoved(string clusterName, string addonName) => Removed;
    }
}

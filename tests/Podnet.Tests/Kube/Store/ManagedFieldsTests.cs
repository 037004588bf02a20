using System.Text.Json.Nodes;
using Podnet.Kube.Api;
using Podnet.Kube.Patching;
using Podnet.Kube.Store;

namespace Podnet.Tests.Kube.Store;

public sealed class ManagedFieldsTests
{
    private static readonly Podnet.Kube.Patching.PatchType? DeploymentSchema = KubePatchSchemas.Find("apps/v1", "Deployment");

    private static JsonObject Deployment(int replicas, string image) => JsonNode.Parse("""
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"default","labels":{"app":"web"}},
         "spec":{"replicas":REPLICAS,"selector":{"matchLabels":{"app":"web"}},
                 "template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"nginx","image":"IMAGE","ports":[{"containerPort":80}]}]}}}}
        """.Replace("REPLICAS", replicas.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal).Replace("IMAGE", image, StringComparison.Ordinal))!.AsObject();

    [Fact]
    public void Record_Create_OwnsEverySetFieldInFieldsV1Form()
    {
        var recorded = ManagedFields.Record(null, Deployment(2, "nginx"), "kubectl-create", null, DeploymentSchema, DateTimeOffset.UnixEpoch, "apps/v1");
        var entry = Assert.Single(recorded["metadata"]!["managedFields"]!.AsArray())!;
        Assert.Equal("kubectl-create", entry["manager"]!.GetValue<string>());
        Assert.Equal("Update", entry["operation"]!.GetValue<string>());
        var fields = entry["fieldsV1"]!;
        Assert.NotNull(fields["f:spec"]!["f:replicas"]);
        Assert.NotNull(fields["f:metadata"]!["f:labels"]!["f:app"]);
        var container = fields["f:spec"]!["f:template"]!["f:spec"]!["f:containers"]!["k:{\"name\":\"nginx\"}"]!;
        Assert.NotNull(container["f:image"]);
        Assert.NotNull(container["f:ports"]!["k:{\"containerPort\":80}"]!["f:containerPort"]);
    }

    [Fact]
    public void Conflicts_ApplyChangingAnotherManagersField_NamesTheFieldAndTheManager()
    {
        var current = ManagedFields.Record(null, Deployment(2, "nginx"), "kubectl-client-side-apply", null, DeploymentSchema, DateTimeOffset.UnixEpoch, "apps/v1");
        var conflicts = ManagedFields.Conflicts(current, Deployment(3, "nginx"), "kubectl", DeploymentSchema);
        var conflict = Assert.Single(conflicts);
        Assert.Equal(".spec.replicas", conflict.Field);
        Assert.Equal("conflict with \"kubectl-client-side-apply\" using apps/v1", conflict.Message);
        Assert.Equal("Apply failed with 1 conflict: conflict with \"kubectl-client-side-apply\" using apps/v1: .spec.replicas", ManagedFields.ConflictError(new KubeResources().For("apps/v1", "Deployment"), "web", conflicts).Message);

        // The same values are no conflict: co-owning a field is allowed.
        Assert.Empty(ManagedFields.Conflicts(current, Deployment(2, "nginx"), "kubectl", DeploymentSchema));
    }

    [Fact]
    public void Record_ForcedApply_TakesTheFieldOverFromTheOtherManager()
    {
        var current = ManagedFields.Record(null, Deployment(2, "nginx"), "kubectl-client-side-apply", null, DeploymentSchema, DateTimeOffset.UnixEpoch, "apps/v1");
        var applied = Deployment(3, "nginx");
        var after = ManagedFields.Record(current, applied, "kubectl", applied, DeploymentSchema, DateTimeOffset.UnixEpoch, "apps/v1");
        var entries = after["metadata"]!["managedFields"]!.AsArray().Select(e => e!.AsObject()).ToList();
        Assert.Equal(2, entries.Count);
        var old = entries.Single(e => e["manager"]!.GetValue<string>() == "kubectl-client-side-apply");
        Assert.Null(old["fieldsV1"]!["f:spec"]!["f:replicas"]);
        var apply = entries.Single(e => e["manager"]!.GetValue<string>() == "kubectl");
        Assert.Equal("Apply", apply["operation"]!.GetValue<string>());
        Assert.NotNull(apply["fieldsV1"]!["f:spec"]!["f:replicas"]);
        Assert.True(ManagedFields.SameOwnership(after, ManagedFields.Record(after, applied, "kubectl", applied, DeploymentSchema, DateTimeOffset.UnixEpoch.AddHours(1), "apps/v1")));
    }
}

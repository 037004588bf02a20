using Podnet.Tests.TestSupport;

namespace Podnet.Tests.Server.Kube;

/// <summary>
/// A SecurityGroupPolicy with a mistyped field through the real kubectl against <c>podnet up</c>: refused by the strict
/// field validation kubectl asks for by default (its CRD declares every field), pruned with a warning under
/// <c>--validate=warn</c> and silently under <c>--validate=false</c>, as apiextensions-apiserver prunes what a
/// structural schema does not declare — never stored as a policy whose selector was lost to a typo unseen.
/// </summary>
public sealed class KubectlCustomResourceFieldsTests : IClassFixture<ServedWorld>
{
    private const string Typo = """
        apiVersion: vpcresources.k8s.aws/v1beta1
        kind: SecurityGroupPolicy
        metadata: {name: typo, namespace: default}
        spec:
          podSelecter: {matchLabels: {app: x}}
          securityGroups: {groupIds: [sg-0123456789abcdef0]}
        """;

    private readonly ServedWorld _world;

    public KubectlCustomResourceFieldsTests(ServedWorld world)
    {
        _world = world;
    }

    [Fact]
    public void SecurityGroupPolicyTypo_StrictRefused_WarnPrunedWithAWarning()
    {
        var (exit, _, error) = _world.Kubectl("1.31", Typo, "apply", "-f", "-");
        Assert.Equal((1, "Error from server (BadRequest): error when creating \"STDIN\": SecurityGroupPolicy in version \"v1beta1\" cannot be handled as a SecurityGroupPolicy: strict decoding error: unknown field \"spec.podSelecter\""), (exit, error.Trim()));

        (exit, var output, error) = _world.Kubectl("1.31", Typo, "apply", "--validate=warn", "-f", "-");
        Assert.True(exit == 0, error);
        Assert.Equal("securitygrouppolicy.vpcresources.k8s.aws/typo created", output.Trim());
        Assert.Equal("Warning: unknown field \"spec.podSelecter\"", error.Trim());
        Assert.Equal("{\"securityGroups\":{\"groupIds\":[\"sg-0123456789abcdef0\"]}}", _world.KubectlOk("1.31", "get", "sgp", "typo", "-o", "jsonpath={.spec}").Trim());
    }

    [Fact]
    public void Explain_SecurityGroupPolicyAndEniConfig_ListTheirSchemasFields()
    {
        var spec = _world.KubectlOk("1.31", "explain", "sgp.spec").Replace("\r", string.Empty, StringComparison.Ordinal);
        Assert.StartsWith("GROUP:      vpcresources.k8s.aws\nKIND:       SecurityGroupPolicy\nVERSION:    v1beta1\n\nFIELD: spec <Object>", spec, StringComparison.Ordinal);
        Assert.Contains("  podSelector\t<Object>", spec, StringComparison.Ordinal);
        Assert.Contains("  securityGroups\t<Object>", spec, StringComparison.Ordinal);
        Assert.Contains("  serviceAccountSelector\t<Object>", spec, StringComparison.Ordinal);
        Assert.Contains("  groupIds\t<[]string>", _world.KubectlOk("1.31", "explain", "sgp.spec.securityGroups"), StringComparison.Ordinal);
        Assert.Contains("  subnet\t<string>", _world.KubectlOk("1.31", "explain", "eniconfigs.spec"), StringComparison.Ordinal);
        Assert.Contains("  podIP\t<string>", _world.KubectlOk("1.31", "explain", "policyendpoints.spec.podSelectorEndpoints"), StringComparison.Ordinal);
    }

    [Fact]
    public void GetCrd_ListsTheDefinitionsEksInstalls_AndAnAppliedOneIsEstablished()
    {
        var lines = _world.KubectlOk("1.31", "get", "crd").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(@"^NAME\s+CREATED AT$", lines[0]);
        Assert.Equal(
            ["cninodes.vpcresources.k8s.aws", "eniconfigs.crd.k8s.amazonaws.com", "policyendpoints.networking.k8s.aws", "securitygrouppolicies.vpcresources.k8s.aws"],
            lines.Skip(1).Select(l => l.Split(' ')[0]).Where(n => n.EndsWith(".k8s.aws", StringComparison.Ordinal) || n.EndsWith(".amazonaws.com", StringComparison.Ordinal)));
        Assert.All(lines.Skip(1), l => Assert.Matches(@"\s\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$", l));

        const string definition = """
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata: {name: crontabs.stable.example.com}
            spec:
              group: stable.example.com
              scope: Namespaced
              names: {plural: crontabs, singular: crontab, kind: CronTab, shortNames: [ct]}
              versions:
              - name: v1
                served: true
                storage: true
                schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
            """;
        var (exit, _, error) = _world.Kubectl("1.31", definition, "apply", "-f", "-");
        Assert.True(exit == 0, error);
        Assert.Equal("customresourcedefinition.apiextensions.k8s.io/crontabs.stable.example.com condition met", _world.KubectlOk("1.31", "wait", "--for", "condition=established", "--timeout=20s", "crd/crontabs.stable.example.com").Trim());
        (exit, _, error) = _world.Kubectl("1.31", "apiVersion: stable.example.com/v1\nkind: CronTab\nmetadata: {name: nightly, namespace: default}\nspec: {cronSpec: \"0 3 * * *\"}\n", "apply", "-f", "-");
        Assert.True(exit == 0, error);
        Assert.Equal("0 3 * * *", _world.KubectlOk("1.31", "get", "ct", "nightly", "-o", "jsonpath={.spec.cronSpec}").Trim());
    }
}

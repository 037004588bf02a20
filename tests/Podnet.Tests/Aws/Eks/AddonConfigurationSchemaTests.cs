using System.Text.Json.Nodes;
using Podnet.Aws.Eks;

namespace Podnet.Tests.Aws.Eks;

/// <summary>The vpc-cni add-on's configuration schema and networknt's messages, as EKS's CreateAddon answers with them.</summary>
public class AddonConfigurationSchemaTests
{
    private static IReadOnlyList<string> Errors(string json, Version? version = null)
        => [.. AddonConfigurationSchema.VpcCni(version ?? new Version(1, 19, 2)).Validate(JsonNode.Parse(json)).Select(e => e.Message)];

    [Fact]
    public void TheDocumentedExamples_AreValid()
    {
        Assert.Empty(Errors("""{"env": {"ENABLE_POD_ENI": "true", "WARM_IP_TARGET": "5"}, "init": {"env": {"DISABLE_TCP_EARLY_DEMUX": "true"}}, "enableNetworkPolicy": "true", "nodeAgent": {"enablePolicyEventLogs": "true"}, "livenessProbeTimeoutSeconds": 10}"""));
    }

    [Theory]
    [InlineData("""{"env": {"WARM_IP_TARGET": 5}}""", "$.env.WARM_IP_TARGET: integer found, string expected")]
    [InlineData("""{"env": {"WARM_IP_TARGET": 1.5}}""", "$.env.WARM_IP_TARGET: number found, string expected")]
    [InlineData("""{"livenessProbeTimeoutSeconds": "10"}""", "$.livenessProbeTimeoutSeconds: string found, integer expected")]
    [InlineData("""{"tolerations": {}}""", "$.tolerations: object found, array expected")]
    [InlineData("""{"eniConfig": {"create": true, "region": "us-west-2", "subnets": {}}}""", "$.eniConfig.subnets: should have a minimum of 1 properties")]
    [InlineData("""{"nodeAgent": {"logLevel": "debug"}}""", "$.nodeAgent.logLevel: is not defined in the schema and the schema does not allow additional properties")]
    public void Violations_AreNetworkntsMessages(string json, string expected)
        => Assert.Equal([expected], Errors(json));

    [Fact]
    public void NetworkPolicyKeys_AreNotInTheSchemaBefore1_14()
    {
        Assert.Equal(
            ["$.enableNetworkPolicy: is not defined in the schema and the schema does not allow additional properties"],
            Errors("""{"enableNetworkPolicy": "true"}""", new Version(1, 13, 4)));
        Assert.Empty(Errors("""{"enableNetworkPolicy": "true"}""", new Version(1, 14, 0)));
    }
}

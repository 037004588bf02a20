using Podnet.Kube.Api;
using static Podnet.Tests.Kube.Admission.ClusterHarness;

namespace Podnet.Tests.Kube.Admission;

public class ObjectValidationTests
{
    private const string SubdomainMessage = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

    private readonly ClusterHarness _c = new();

    private static StatusCause SingleCause(KubeException error)
    {
        Assert.Equal("Invalid", error.Reason);
        Assert.Equal(422, error.Code);
        return Assert.Single(error.Causes);
    }

    private static string NetworkPolicy(string spec)
        => $$"""{"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"np","namespace":"default"},"spec":{{spec}}}""";

    [Fact]
    public void Pod_WithoutContainers_IsInvalid()
    {
        var error = _c.CreateFails("""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"x","namespace":"default"},"spec":{}}""");

        Assert.Equal(new StatusCause("FieldValueRequired", "Required value", "spec.containers"), SingleCause(error));
        Assert.Equal("Pod \"x\" is invalid: spec.containers: Required value", error.Message);
        var status = error.ToStatus();
        Assert.Equal("Pod", status["details"]!["kind"]!.GetValue<string>());
        Assert.Equal("x", status["details"]!["name"]!.GetValue<string>());
        Assert.Equal("spec.containers", status["details"]!["causes"]![0]!["field"]!.GetValue<string>());
        Assert.Equal(422, status["code"]!.GetValue<int>());
        Assert.Null(_c.Store.TryGet(_c.Store.Resources.For("v1", "Pod"), "default", "x"));
    }

    [Fact]
    public void Pod_EmptyContainerList_IsInvalid()
    {
        var error = _c.CreateFails(PodJson("x", "[]"));
        Assert.Equal("Pod \"x\" is invalid: spec.containers: Required value", error.Message);
    }

    [Fact]
    public void Pod_ContainerWithoutImageAndDuplicateNames_ListsAllCauses()
    {
        var error = _c.CreateFails(PodJson("x", """[{"name":"app","image":"nginx"},{"name":"app"}]"""));

        Assert.Equal(
            [
                new StatusCause("FieldValueDuplicate", "Duplicate value: \"app\"", "spec.containers[1].name"),
                new StatusCause("FieldValueRequired", "Required value", "spec.containers[1].image"),
            ],
            error.Causes);
        Assert.Equal("Pod \"x\" is invalid: [spec.containers[1].name: Duplicate value: \"app\", spec.containers[1].image: Required value]", error.Message);
    }

    [Fact]
    public void Pod_BadName_IsInvalidWithRfc1123Message()
    {
        var error = _c.CreateFails(PodJson("My_Pod"));

        Assert.Equal(new StatusCause("FieldValueInvalid", $"Invalid value: \"My_Pod\": {SubdomainMessage}", "metadata.name"), SingleCause(error));
        Assert.Equal($"Pod \"My_Pod\" is invalid: metadata.name: Invalid value: \"My_Pod\": {SubdomainMessage}", error.Message);
    }

    [Fact]
    public void Pod_DottedName_IsValid()
    {
        Assert.Equal("web.v2", _c.Create(PodJson("web.v2")).Name);
    }

    [Fact]
    public void Service_NameStartingWithDigit_IsInvalidDns1035Label()
    {
        var error = _c.CreateFails("""{"apiVersion":"v1","kind":"Service","metadata":{"name":"1web","namespace":"default"},"spec":{"ports":[{"port":80}]}}""");

        Assert.Equal(
            "Service \"1web\" is invalid: metadata.name: Invalid value: \"1web\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
            error.Message);
    }

    [Fact]
    public void Namespace_DottedName_IsInvalidRfc1123Label()
    {
        var error = _c.CreateFails("""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"team.a"}}""");

        Assert.Equal(
            "Namespace \"team.a\" is invalid: metadata.name: Invalid value: \"team.a\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
            error.Message);
    }

    [Theory]
    [InlineData("", "Service \"db\" is invalid: spec.externalName: Required value")]
    [InlineData("Db.Example.com", "Service \"db\" is invalid: spec.externalName: Invalid value: \"Db.Example.com\": " + SubdomainMessage)]
    [InlineData("db.example.com.", null)] // a fully qualified name's trailing dot is allowed
    public void Service_ExternalName_IsADns1123Subdomain(string externalName, string? expected)
    {
        // ValidateService: type ExternalName needs spec.externalName, a DNS-1123 subdomain once one trailing dot is off.
        var service = $$$"""{"apiVersion":"v1","kind":"Service","metadata":{"name":"db","namespace":"default"},"spec":{"type":"ExternalName","externalName":"{{{externalName}}}"}}""";
        if (expected is null)
        {
            _c.Create(service);
        }
        else
        {
            Assert.Equal(expected, _c.CreateFails(service).Message);
        }
    }

    [Fact]
    public void Service_WithoutPorts_IsInvalid()
    {
        var error = _c.CreateFails("""{"apiVersion":"v1","kind":"Service","metadata":{"name":"web","namespace":"default"},"spec":{"selector":{"app":"web"}}}""");
        Assert.Equal("Service \"web\" is invalid: spec.ports: Required value", error.Message);
    }

    [Fact]
    public void Service_TwoUnnamedPorts_IsInvalid()
    {
        var error = _c.CreateFails("""{"apiVersion":"v1","kind":"Service","metadata":{"name":"web","namespace":"default"},"spec":{"ports":[{"port":80},{"name":"b","port":443}]}}""");
        Assert.Equal(StatusCause.Required("spec.ports[0].name"), SingleCause(error));
    }

    [Fact]
    public void Deployment_SelectorNotMatchingTemplateLabels_IsInvalid()
    {
        var error = _c.CreateFails("""
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"default"},
             "spec":{"selector":{"matchLabels":{"app":"web"}},
                     "template":{"metadata":{"labels":{"app":"api","tier":"front"}},"spec":{"containers":[{"name":"app","image":"nginx"}]}}}}
            """);

        Assert.Equal(
            new StatusCause("FieldValueInvalid", "Invalid value: map[string]string{\"app\":\"api\", \"tier\":\"front\"}: `selector` does not match template `labels`", "spec.template.metadata.labels"),
            SingleCause(error));
        Assert.EndsWith("\"web\" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"api\", \"tier\":\"front\"}: `selector` does not match template `labels`", error.Message, StringComparison.Ordinal);
        Assert.Equal("apps", error.DetailsGroup);
    }

    [Fact]
    public void Deployment_WithoutSelector_IsInvalid()
    {
        var error = _c.CreateFails("""
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"default"},
             "spec":{"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"app","image":"nginx"}]}}}}
            """);
        Assert.Equal(StatusCause.Required("spec.selector"), SingleCause(error));
    }

    [Fact]
    public void Deployment_MatchingSelector_IsValid()
    {
        var deployment = _c.Create("""
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"default"},
             "spec":{"selector":{"matchExpressions":[{"key":"app","operator":"In","values":["web","www"]}]},
                     "template":{"metadata":{"labels":{"app":"web","tier":"front"}},"spec":{"containers":[{"name":"app","image":"nginx"}]}}}}
            """);
        Assert.Equal(1, deployment.Generation);
    }

    [Fact]
    public void NetworkPolicy_EndPortBelowPort_IsInvalid()
    {
        var error = _c.CreateFails(NetworkPolicy("""{"podSelector":{},"egress":[{"ports":[{"protocol":"TCP","port":32000,"endPort":31000}]}]}"""));

        // As the API server words it: the value shown is `port`, printed as a number.
        Assert.Equal(new StatusCause("FieldValueInvalid", "Invalid value: 32000: must be greater than or equal to `port`", "spec.egress[0].ports[0].endPort"), SingleCause(error));
        Assert.EndsWith("\"np\" is invalid: spec.egress[0].ports[0].endPort: Invalid value: 32000: must be greater than or equal to `port`", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NetworkPolicy_EndPortWithNamedPort_IsInvalid()
    {
        var error = _c.CreateFails(NetworkPolicy("""{"podSelector":{},"ingress":[{"ports":[{"port":"http","endPort":8080}]}]}"""));

        Assert.Equal(new StatusCause("FieldValueInvalid", "Invalid value: 8080: may not be specified when `port` is non-numeric", "spec.ingress[0].ports[0].endPort"), SingleCause(error));
    }

    [Fact]
    public void NetworkPolicy_EndPortWithoutPort_IsInvalid()
    {
        var error = _c.CreateFails(NetworkPolicy("""{"podSelector":{},"ingress":[{"ports":[{"endPort":8080}]}]}"""));

        Assert.Equal(new StatusCause("FieldValueInvalid", "Invalid value: 8080: may not be specified when `port` is not specified", "spec.ingress[0].ports[0].endPort"), SingleCause(error));
    }

    [Fact]
    public void NetworkPolicy_PortOutOfRange_IsInvalid()
    {
        var error = _c.CreateFails(NetworkPolicy("""{"podSelector":{},"ingress":[{"ports":[{"port":70000}]}]}"""));

        Assert.Equal(new StatusCause("FieldValueInvalid", "Invalid value: 70000: must be between 1 and 65535, inclusive", "spec.ingress[0].ports[0].port"), SingleCause(error));
    }

    [Fact]
    public void Service_PortOutOfRange_IsInvalid()
    {
        var error = _c.CreateFails("""{"apiVersion":"v1","kind":"Service","metadata":{"name":"web","namespace":"default"},"spec":{"ports":[{"port":70000,"targetPort":8080}]}}""");

        Assert.Equal("Service \"web\" is invalid: spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive", error.Message);
    }

    [Fact]
    public void NetworkPolicy_PortRange_IsValid()
    {
        var policy = _c.Create(NetworkPolicy("""{"podSelector":{},"egress":[{"ports":[{"port":32000,"endPort":32768}]}]}"""));
        Assert.Equal(32768, policy["spec.egress"]![0]!["ports"]![0]!["endPort"]!.GetValue<int>());
    }

    [Fact]
    public void NetworkPolicy_ExceptOutsideCidr_IsInvalid()
    {
        var error = _c.CreateFails(NetworkPolicy("""{"podSelector":{},"ingress":[{"from":[{"ipBlock":{"cidr":"172.17.0.0/16","except":["172.17.1.0/24","10.0.0.0/24"]}}]}]}"""));

        Assert.Equal(new StatusCause("FieldValueInvalid", "Invalid value: \"10.0.0.0/24\": must be a strict subset of `cidr`", "spec.ingress[0].from[0].ipBlock.except[1]"), SingleCause(error));
    }

    [Fact]
    public void NetworkPolicy_ExceptEqualToCidr_IsInvalid()
    {
        var error = _c.CreateFails(NetworkPolicy("""{"podSelector":{},"egress":[{"to":[{"ipBlock":{"cidr":"10.0.0.0/16","except":["10.0.0.0/16"]}}]}]}"""));

        Assert.Equal("spec.egress[0].to[0].ipBlock.except[0]", SingleCause(error).Field);
    }

    [Fact]
    public void NetworkPolicy_UnknownPolicyType_IsNotSupported()
    {
        var error = _c.CreateFails(NetworkPolicy("""{"podSelector":{},"policyTypes":["Sideways"]}"""));

        Assert.Equal(new StatusCause("FieldValueNotSupported", "Unsupported value: \"Sideways\": supported values: \"Egress\", \"Ingress\"", "spec.policyTypes"), SingleCause(error));
    }

    [Fact]
    public void NetworkPolicy_Valid_IsStored()
    {
        var policy = _c.Create(NetworkPolicy("""
            {"podSelector":{"matchLabels":{"app":"db"}},
             "ingress":[{"from":[{"podSelector":{"matchLabels":{"app":"web"}}},{"ipBlock":{"cidr":"192.168.0.0/16","except":["192.168.1.0/24"]}}],"ports":[{"port":5432}]}]}
            """));
        Assert.Equal("np", policy.Name);
    }

    [Fact]
    public void SecurityGroupPolicy_EmptyGroupIds_IsInvalid()
    {
        var error = _c.CreateFails("""
            {"apiVersion":"vpcresources.k8s.aws/v1beta1","kind":"SecurityGroupPolicy","metadata":{"name":"sgp","namespace":"default"},
             "spec":{"podSelector":{"matchLabels":{"role":"db"}},"securityGroups":{"groupIds":[]}}}
            """);

        Assert.Equal(
            new StatusCause("FieldValueInvalid", "Invalid value: 0: spec.securityGroups.groupIds in body should have at least 1 items", "spec.securityGroups.groupIds"),
            SingleCause(error));
        Assert.EndsWith("\"sgp\" is invalid: spec.securityGroups.groupIds: Invalid value: 0: spec.securityGroups.groupIds in body should have at least 1 items", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SecurityGroupPolicy_WithGroups_IsValid()
    {
        var sgp = _c.Create("""
            {"apiVersion":"vpcresources.k8s.aws/v1beta1","kind":"SecurityGroupPolicy","metadata":{"name":"sgp","namespace":"default"},
             "spec":{"podSelector":{"matchLabels":{"role":"db"}},"securityGroups":{"groupIds":["sg-0123456789abcdef0"]}}}
            """);
        Assert.Equal(1, sgp.Generation);
    }

    [Fact]
    public void EniConfig_WithoutSubnet_IsInvalid()
    {
        var error = _c.CreateFails("""{"apiVersion":"crd.k8s.amazonaws.com/v1alpha1","kind":"ENIConfig","metadata":{"name":"us-west-2a"},"spec":{"securityGroups":["sg-0123456789abcdef0"]}}""");

        Assert.Equal(StatusCause.Required("spec.subnet"), SingleCause(error));
        Assert.EndsWith("\"us-west-2a\" is invalid: spec.subnet: Required value", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EniConfig_WithSubnet_IsClusterScoped()
    {
        var eniConfig = _c.Create("""{"apiVersion":"crd.k8s.amazonaws.com/v1alpha1","kind":"ENIConfig","metadata":{"name":"us-west-2a"},"spec":{"subnet":"subnet-0123456789abcdef0"}}""");
        Assert.Null(eniConfig.Namespace);
    }

    [Fact]
    public void Labels_InvalidKey_IsInvalid()
    {
        var error = _c.CreateFails("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm","namespace":"default","labels":{"bad key":"v"}}}""");

        var cause = SingleCause(error);
        Assert.Equal("metadata.labels", cause.Field);
        Assert.StartsWith("Invalid value: \"bad key\": ", cause.Message, StringComparison.Ordinal);
    }
}

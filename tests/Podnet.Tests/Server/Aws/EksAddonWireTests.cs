using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Podnet.Aws.Eks;
using Podnet.Tests.TestSupport;

namespace Podnet.Tests.Server.Aws;

/// <summary>
/// EKS add-ons over HTTP as the aws CLI sends them (botocore's rest-json routes: querystring members, JSON bodies,
/// errors as <c>x-amzn-ErrorType</c> and <c>message</c>), and one real <c>aws eks update-addon</c> whose change the
/// served cluster rolls out and <c>kubectl</c> shows.
/// </summary>
public class EksAddonWireTests : IClassFixture<ServedWorld>
{
    private readonly ServedWorld _world;

    public EksAddonWireTests(ServedWorld world)
    {
        _world = world;
    }

    private EksBackend Eks => _world.Server.Cluster.World.Cloud!.Eks;

    private static async Task<(HttpStatusCode Status, JsonNode? Body, HttpResponseMessage Response)> SendAsync(HttpClient http, HttpMethod method, string path, string? json = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        request.Headers.TryAddWithoutValidation("Authorization", "AWS4-HMAC-SHA256 Credential=AKIAPODNETADMIN00001/20261129/us-west-2/eks/aws4_request, SignedHeaders=host;x-amz-date, Signature=0123abcd");
        var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? null : JsonNode.Parse(text), response);
    }

    [Fact]
    public async Task Addons_ListDescribeVersionsSchema_AndErrors()
    {
        using var http = _world.AwsHttp();
        var (_, list, _) = await SendAsync(http, HttpMethod.Get, "/clusters/podnet/addons");
        Assert.Contains("vpc-cni", list!["addons"]!.AsArray().Select(a => a!.GetValue<string>()));

        var (_, described, _) = await SendAsync(http, HttpMethod.Get, "/clusters/podnet/addons/vpc-cni");
        var addon = described!["addon"]!;
        Assert.Equal(("vpc-cni", "podnet"), (addon["addonName"]!.GetValue<string>(), addon["clusterName"]!.GetValue<string>()));
        Assert.StartsWith("arn:aws:eks:us-west-2:123456789012:addon/podnet/vpc-cni/", addon["addonArn"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(System.Text.Json.JsonValueKind.Number, addon["createdAt"]!.GetValueKind());
        Assert.Empty(addon["health"]!["issues"]!.AsArray());

        var (status, missing, response) = await SendAsync(http, HttpMethod.Get, "/clusters/podnet/addons/aws-ebs-csi-driver");
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("ResourceNotFoundException", response.Headers.GetValues("x-amzn-ErrorType").Single());
        Assert.Equal("No addon: aws-ebs-csi-driver found in cluster: podnet.", missing!["message"]!.GetValue<string>());

        // Querystring members, on a path that is EKS's even without a signature.
        var versions = JsonNode.Parse(await http.GetStringAsync("/addons/supported-versions?addonName=kube-proxy&kubernetesVersion=1.31"))!["addons"]!.AsArray();
        Assert.Equal("v1.31.3-eksbuild.2", Assert.Single(versions)!["addonVersions"]![0]!["addonVersion"]!.GetValue<string>());
        var schema = JsonNode.Parse(await http.GetStringAsync("/addons/configuration-schemas?addonName=vpc-cni&addonVersion=v1.19.2-eksbuild.1"))!;
        Assert.NotNull(JsonNode.Parse(schema["configurationSchema"]!.GetValue<string>())!["definitions"]);

        var (exists, existsBody, existsResponse) = await SendAsync(http, HttpMethod.Post, "/clusters/podnet/addons", """{"addonName":"vpc-cni","clientRequestToken":"0f1e2d3c-0000-4000-8000-000000000001"}""");
        Assert.Equal((HttpStatusCode.Conflict, "ResourceInUseException", "Addon already exists."), (exists, existsResponse.Headers.GetValues("x-amzn-ErrorType").Single(), existsBody!["message"]!.GetValue<string>()));

        var (badVersion, badBody, _) = await SendAsync(http, HttpMethod.Post, "/clusters/podnet/addons/kube-proxy/update", """{"addonVersion":"v1.99.0-eksbuild.1"}""");
        Assert.Equal((HttpStatusCode.BadRequest, "Addon version specified is not supported"), (badVersion, badBody!["message"]!.GetValue<string>()));

        var (_, badValues, _) = await SendAsync(http, HttpMethod.Post, "/clusters/podnet/addons/kube-proxy/update", """{"configurationValues":"{\"env\":{\"WARM_IP_TARGET\":2}}"}""");
        Assert.Contains("Podnet applies the configuration values of the vpc-cni add-on only", badValues!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeleteAddon_PreserveQuery_KeepsTheObjects_CreateAddonTakesThemBack()
    {
        using var http = _world.AwsHttp();
        var (_, deleted, _) = await SendAsync(http, HttpMethod.Delete, "/clusters/podnet/addons/coredns?preserve=true");
        Assert.Equal("DELETING", deleted!["addon"]!["status"]!.GetValue<string>());
        var (gone, _, _) = await SendAsync(http, HttpMethod.Get, "/clusters/podnet/addons/coredns");
        Assert.Equal(HttpStatusCode.NotFound, gone);
        Assert.NotNull(_world.Server.Cluster.Read(() => _world.Server.Cluster.Store.TryGet(_world.Server.Cluster.Store.Resources.For("apps/v1", "Deployment"), "kube-system", "coredns")));

        var (_, created, _) = await SendAsync(http, HttpMethod.Post, "/clusters/podnet/addons", """{"addonName":"coredns","resolveConflicts":"OVERWRITE"}""");
        Assert.Equal(("CREATING", "v1.11.3-eksbuild.2"), (created!["addon"]!["status"]!.GetValue<string>(), created["addon"]!["addonVersion"]!.GetValue<string>()));
        await _world.WaitUntil(_ => Eks.DescribeAddon("podnet", "coredns").Status == AddonStatus.Active, "coredns ACTIVE", 60);

        var (_, update, _) = await SendAsync(http, HttpMethod.Post, "/clusters/podnet/addons/coredns/update", """{"resolveConflicts":"NONE"}""");
        var id = update!["update"]!["id"]!.GetValue<string>();
        Assert.Equal(("InProgress", "AddonUpdate"), (update["update"]!["status"]!.GetValue<string>(), update["update"]!["type"]!.GetValue<string>()));
        await _world.WaitUntil(_ => Eks.DescribeAddon("podnet", "coredns").Status == AddonStatus.Active, "coredns update done", 60);
        var (_, described, _) = await SendAsync(http, HttpMethod.Get, $"/clusters/podnet/updates/{id}?addonName=coredns");
        Assert.Equal("Successful", described!["update"]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task AwsCli_UpdateAddon_EnablePodEni_RollsOutToAwsNode()
    {
        var update = JsonNode.Parse(_world.AwsOk("eks", "update-addon", "--cluster-name", "podnet", "--addon-name", "vpc-cni", "--configuration-values", """{"env":{"ENABLE_POD_ENI":"true"}}""", "--resolve-conflicts", "OVERWRITE"))!["update"]!;
        Assert.Equal(("InProgress", "AddonUpdate"), (update["status"]!.GetValue<string>(), update["type"]!.GetValue<string>()));
        Assert.Contains(update["params"]!.AsArray(), p => p!["type"]!.GetValue<string>() == "ConfigurationValues" && p["value"]!.GetValue<string>() == """{"env":{"ENABLE_POD_ENI":"true"}}""");

        await _world.WaitUntil(_ => Eks.DescribeAddon("podnet", "vpc-cni").Status == AddonStatus.Active, "aws-node rolled out and vpc-cni ACTIVE", 90);
        Assert.Equal("ACTIVE", _world.AwsOk("eks", "describe-addon", "--cluster-name", "podnet", "--addon-name", "vpc-cni", "--query", "addon.status", "--output", "text"));
        var env = _world.KubectlOk("dispatcher", "get", "ds", "aws-node", "-n", "kube-system", "-o", "jsonpath={.spec.template.spec.containers[?(@.name==\"aws-node\")].env[?(@.name==\"ENABLE_POD_ENI\")].value}");
        Assert.Equal("true", env.TrimEnd('\n'));
    }
}

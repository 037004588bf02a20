using System.Net.Http.Headers;
using System.Text;
using System.Xml.Linq;
using Podnet.Server.Aws;

namespace Podnet.Tests.TestSupport;

/// <summary>The requests the state tests make, over plain HTTP, as kubectl and the aws CLI make them.</summary>
public static class StateRequests
{
    public static readonly XNamespace Ec2 = AwsAnswers.Ec2Namespace;

    /// <summary>POSTs a ConfigMap named <paramref name="name"/> with <c>data.v</c> = <paramref name="value"/> to namespace default.</summary>
    public static Task<HttpResponseMessage> CreateConfigMapAsync(HttpClient kube, string name, string value, CancellationToken cancellation = default)
        => kube.PostAsync("/api/v1/namespaces/default/configmaps", Json(new System.Text.Json.Nodes.JsonObject { ["apiVersion"] = "v1", ["kind"] = "ConfigMap", ["metadata"] = new System.Text.Json.Nodes.JsonObject { ["name"] = name }, ["data"] = new System.Text.Json.Nodes.JsonObject { ["v"] = value } }.ToJsonString(), "application/json"), cancellation);

    /// <summary>Merge-patches <c>data.v</c> of the ConfigMap named <paramref name="name"/>.</summary>
    public static Task<HttpResponseMessage> PatchConfigMapAsync(HttpClient kube, string name, string value, CancellationToken cancellation = default)
        => kube.PatchAsync($"/api/v1/namespaces/default/configmaps/{name}", Json(new System.Text.Json.Nodes.JsonObject { ["data"] = new System.Text.Json.Nodes.JsonObject { ["v"] = value } }.ToJsonString(), "application/merge-patch+json"), cancellation);

    public static Task<HttpResponseMessage> DeleteConfigMapAsync(HttpClient kube, string name, CancellationToken cancellation = default)
        => kube.DeleteAsync($"/api/v1/namespaces/default/configmaps/{name}", cancellation);

    public static Task<HttpResponseMessage> GetConfigMapAsync(HttpClient kube, string name, CancellationToken cancellation = default)
        => kube.GetAsync($"/api/v1/namespaces/default/configmaps/{name}", cancellation);

    /// <summary>An EC2 query action over HTTP; the answer's XML, or an <see cref="HttpRequestException"/> with the status for an error answer.</summary>
    public static async Task<XElement> Ec2Async(HttpClient aws, string form, CancellationToken cancellation = default)
    {
        using var response = await aws.PostAsync("/", new StringContent(form + "&Version=2016-11-15", Encoding.UTF8, "application/x-www-form-urlencoded"), cancellation);
        var body = await response.Content.ReadAsStringAsync(cancellation);
        return response.IsSuccessStatusCode ? XElement.Parse(body) : throw new HttpRequestException($"{(int)response.StatusCode}: {body}", null, response.StatusCode);
    }

    /// <summary>The first VPC's ID (where the test's security groups go).</summary>
    public static async Task<string> VpcIdAsync(HttpClient aws)
        => (await Ec2Async(aws, "Action=DescribeVpcs")).Descendants(Ec2 + "vpcId").First().Value;

    /// <summary>Every security group: ID → (name, tags).</summary>
    public static async Task<Dictionary<string, (string Name, Dictionary<string, string> Tags)>> SecurityGroupsAsync(HttpClient aws)
        => (await Ec2Async(aws, "Action=DescribeSecurityGroups")).Element(Ec2 + "securityGroupInfo")!.Elements(Ec2 + "item").ToDictionary(
            g => g.Element(Ec2 + "groupId")!.Value,
            g => (g.Element(Ec2 + "groupName")!.Value, (g.Element(Ec2 + "tagSet")?.Elements(Ec2 + "item") ?? []).ToDictionary(t => t.Element(Ec2 + "key")!.Value, t => t.Element(Ec2 + "value")!.Value)));

    private static StringContent Json(string json, string mediaType)
    {
        var content = new StringContent(json, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        return content;
    }
}

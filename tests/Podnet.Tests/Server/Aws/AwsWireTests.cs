using System.Net;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Podnet.Server.Aws;
using Podnet.Tests.TestSupport;

namespace Podnet.Tests.Server.Aws;

/// <summary>
/// The AWS API over HTTP, as the aws CLI sends requests (bodies observed in api-server.md §3.3): routing by the
/// SigV4 scope, by <c>Version</c>, by <c>/clusters</c>; the query parser; the answers' envelopes; errors.
/// </summary>
public class AwsWireTests : IClassFixture<ServedWorld>
{
    private static readonly XNamespace Ec2 = AwsAnswers.Ec2Namespace;

    private readonly ServedWorld _world;

    public AwsWireTests(ServedWorld world)
    {
        _world = world;
    }

    private Podnet.Aws.AwsCloud Cloud => _world.Server.Cluster.World.Cloud!;

    private static string Scope(string service, string region = "us-west-2")
        => $"AWS4-HMAC-SHA256 Credential=AKIAPODNETADMIN00001/20261129/{region}/{service}/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=0123abcd";

    private async Task<(HttpStatusCode Status, string Body, HttpResponseMessage Response)> PostAsync(string form, string? authorization = null)
    {
        using var http = _world.AwsHttp();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new StringContent(form, System.Text.Encoding.UTF8, "application/x-www-form-urlencoded") };
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        var response = await http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response);
    }

    [Fact]
    public void CredentialScope_ReadsKeyRegionService()
    {
        Assert.Equal(new CredentialScope("AKIAPODNETADMIN00001", "20261129", "region-code", "ec2"), CredentialScope.Parse(Scope("ec2", "region-code")));
        Assert.Null(CredentialScope.Parse(null));
        Assert.Null(CredentialScope.Parse("Bearer x"));
    }

    [Fact]
    public async Task Routing_ByScopeFirst_ThenVersion_ThenClustersPath()
    {
        // The scope names STS though the form's Version would say nothing: STS answers.
        var (status, body, _) = await PostAsync("Action=GetCallerIdentity&Version=2011-06-15", Scope("sts", "region-code"));
        Assert.Equal(HttpStatusCode.OK, status);
        var result = XElement.Parse(body).Element(XNamespace.Get(AwsAnswers.StsNamespace) + "GetCallerIdentityResult")!;
        Assert.Equal("123456789012", result.Element(XNamespace.Get(AwsAnswers.StsNamespace) + "Account")!.Value);
        Assert.Equal("arn:aws:iam::123456789012:user/podnet-admin", result.Element(XNamespace.Get(AwsAnswers.StsNamespace) + "Arn")!.Value);

        // Unsigned (--no-sign-request): the Version decides.
        (status, body, _) = await PostAsync("Action=DescribeVpcs&Version=2016-11-15");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(Ec2 + "DescribeVpcsResponse", XElement.Parse(body).Name);

        // Unsigned GET /clusters: EKS.
        using var http = _world.AwsHttp();
        var clusters = JsonNode.Parse(await http.GetStringAsync("/clusters"))!;
        Assert.Equal("podnet", clusters["clusters"]![0]!.GetValue<string>());
        Assert.Equal("eks", AwsApiServer.ServiceOf(null, null, "/clusters/podnet/node-groups"));
        Assert.Null(AwsApiServer.ServiceOf(null, QueryRequest.Parse("Action=X"), "/"));
    }

    [Fact]
    public void QueryRequest_ParsesNestedListsInIndexOrder()
    {
        var query = QueryRequest.Parse(
            "Action=AuthorizeSecurityGroupIngress&GroupId=sg-1"
            + "&IpPermissions.2.IpProtocol=tcp&IpPermissions.2.FromPort=80&IpPermissions.2.ToPort=80"
            + "&IpPermissions.2.IpRanges.10.CidrIp=10.0.0.10%2F32&IpPermissions.2.IpRanges.2.CidrIp=10.0.0.2%2F32"
            + "&IpPermissions.1.IpProtocol=udp&IpPermissions.1.Groups.1.GroupId=sg-2&IpPermissions.1.Groups.1.Description=DNS+from+pods"
            + "&Filter.1.Name=vpc-id&Filter.1.Value.2=vpc-b&Filter.1.Value.1=vpc-a&Roles.member.1=r1");
        var permissions = query.Structures("IpPermissions");
        Assert.Equal(["udp", "tcp"], permissions.Select(p => p.Get("IpProtocol")));
        Assert.Equal(("sg-2", "DNS from pods"), (permissions[0].Structures("Groups")[0].Get("GroupId"), permissions[0].Structures("Groups")[0].Get("Description")));
        Assert.Equal(["10.0.0.2/32", "10.0.0.10/32"], permissions[1].Structures("IpRanges").Select(r => r.Get("CidrIp")));
        Assert.Equal(80, permissions[1].Int("FromPort"));
        Assert.Equal(["vpc-a", "vpc-b"], query.Structures("Filter")[0].List("Value"));
        Assert.Equal(["r1"], query.Members("Roles"));
    }

    [Fact]
    public async Task AuthorizeIngress_WithSourceGroup_AnswersTheRuleIds()
    {
        var (vpcId, groupId) = _world.Server.Cluster.Read(() =>
        {
            var cluster = Cloud.Eks.DescribeCluster("podnet");
            return (cluster.ResourcesVpcConfig.VpcId, Cloud.Ec2Backend.CreateSecurityGroup(new Podnet.Aws.Ec2.CreateSecurityGroupRequest("wire-pods", "wire", cluster.ResourcesVpcConfig.VpcId)));
        });
        var (status, body, response) = await PostAsync(
            $"Action=AuthorizeSecurityGroupIngress&Version=2016-11-15&GroupId={groupId}&IpPermissions.1.IpProtocol=udp&IpPermissions.1.FromPort=53&IpPermissions.1.ToPort=53&IpPermissions.1.Groups.1.GroupId={groupId}"
            + "&IpPermissions.2.IpProtocol=tcp&IpPermissions.2.FromPort=443&IpPermissions.2.ToPort=443&IpPermissions.2.IpRanges.1.CidrIp=10.0.0.0%2F8&IpPermissions.2.IpRanges.1.Description=vpc",
            Scope("ec2"));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("text/xml; charset=UTF-8", response.Content.Headers.ContentType!.ToString());
        Assert.StartsWith("<?xml version=\"1.0\" encoding=\"utf-8\"?><AuthorizeSecurityGroupIngressResponse xmlns=\"http://ec2.amazonaws.com/doc/2016-11-15/\"><requestId>", body, StringComparison.Ordinal);
        var root = XElement.Parse(body);
        Assert.Equal("true", root.Element(Ec2 + "return")!.Value);
        var items = root.Element(Ec2 + "securityGroupRuleSet")!.Elements(Ec2 + "item").ToList();
        Assert.Equal(2, items.Count);
        Assert.All(items, i => Assert.Matches("^sgr-[0-9a-f]{17}$", i.Element(Ec2 + "securityGroupRuleId")!.Value));
        Assert.Equal(groupId, items[0].Element(Ec2 + "referencedGroupInfo")!.Element(Ec2 + "groupId")!.Value);
        Assert.Equal(("10.0.0.0/8", "vpc"), (items[1].Element(Ec2 + "cidrIpv4")!.Value, items[1].Element(Ec2 + "description")!.Value));

        // DescribeSecurityGroups folds them back into ipPermissions, with UserIdGroupPairs as <groups>.
        (_, body, _) = await PostAsync($"Action=DescribeSecurityGroups&Version=2016-11-15&Filter.1.Name=group-name&Filter.1.Value.1=wire-pods&Filter.2.Name=vpc-id&Filter.2.Value.1={vpcId}");
        var group = Assert.Single(XElement.Parse(body).Element(Ec2 + "securityGroupInfo")!.Elements(Ec2 + "item"));
        Assert.Equal("wire", group.Element(Ec2 + "groupDescription")!.Value);
        var udp = group.Element(Ec2 + "ipPermissions")!.Elements(Ec2 + "item").Single(p => p.Element(Ec2 + "ipProtocol")!.Value == "udp");
        Assert.Equal(groupId, udp.Element(Ec2 + "groups")!.Element(Ec2 + "item")!.Element(Ec2 + "groupId")!.Value);

        // Revoke by permissions answers what went.
        (status, body, _) = await PostAsync($"Action=RevokeSecurityGroupIngress&Version=2016-11-15&GroupId={groupId}&IpPermissions.1.IpProtocol=udp&IpPermissions.1.FromPort=53&IpPermissions.1.ToPort=53&IpPermissions.1.Groups.1.GroupId={groupId}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(groupId, XElement.Parse(body).Element(Ec2 + "revokedSecurityGroupRuleSet")!.Element(Ec2 + "item")!.Element(Ec2 + "referencedGroupId")!.Value);
    }

    [Fact]
    public async Task Ec2Error_IsResponseErrorsWithRequestID()
    {
        var (status, body, _) = await PostAsync("Action=DeleteSecurityGroup&Version=2016-11-15&GroupId=sg-0123456789abcdef0", Scope("ec2"));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        var root = XElement.Parse(body);
        Assert.Equal("Response", root.Name.LocalName);
        Assert.Equal(XNamespace.None, root.Name.Namespace);
        var error = root.Element("Errors")!.Element("Error")!;
        Assert.Equal(("InvalidGroup.NotFound", "The security group 'sg-0123456789abcdef0' does not exist"), (error.Element("Code")!.Value, error.Element("Message")!.Value));
        Assert.True(Guid.TryParse(root.Element("RequestID")!.Value, out _));

        (status, body, _) = await PostAsync("Action=LaunchRockets&Version=2016-11-15", Scope("ec2"));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("InvalidAction", XElement.Parse(body).Element("Errors")!.Element("Error")!.Element("Code")!.Value);
    }

    [Fact]
    public async Task Form_OverTheBodyLimit_Is413WithoutABody()
    {
        // AWS's front end refuses a request that large before any service reads it: the SDKs get the status alone.
        var form = "Action=DescribeVpcs&Version=2016-11-15&Filter.1.Name=tag%3AName&Filter.1.Value.1=" + new string('x', AwsApiServer.MaxRequestBodyBytes);
        var (status, body, _) = await PostAsync(form, Scope("ec2"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal(string.Empty, body);

        // The EKS rest-json body too.
        using var http = _world.AwsHttp();
        using var eks = await http.PostAsync("/clusters", new StringContent("{\"name\":\"" + new string('x', AwsApiServer.MaxRequestBodyBytes) + "\"}", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, eks.StatusCode);
    }

    [Fact]
    public async Task Form_ManyTimesTheBodyLimit_IsAnswered413NotABrokenPipe()
    {
        // Far larger than the socket buffers: the client is still writing when the server decides, so the server must
        // read the rest before it answers, or the client's write fails with a broken pipe (a flaky CI run showed it).
        var form = "Action=DescribeVpcs&Version=2016-11-15&Filter.1.Name=tag%3AName&Filter.1.Value.1=" + new string('x', 12 * AwsApiServer.MaxRequestBodyBytes);
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var (status, body, _) = await PostAsync(form, Scope("ec2"));
            Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
            Assert.Equal(string.Empty, body);
        }
    }

    [Fact]
    public async Task Form_WithMoreParametersThanTheReaderTakes_IsInvalidQueryParameter()
    {
        var form = "Action=DescribeVpcs&Version=2016-11-15&" + string.Join('&', Enumerable.Range(1, 1100).Select(i => $"VpcId.{i}=vpc-{i:x8}"));
        var (status, body, _) = await PostAsync(form, Scope("ec2"));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        var error = XElement.Parse(body).Element("Errors")!.Element("Error")!;
        Assert.Equal(("InvalidQueryParameter", "The AWS query string is malformed or does not adhere to AWS standards."), (error.Element("Code")!.Value, error.Element("Message")!.Value));
    }

    [Fact]
    public async Task Ec2_IntegerParameterNotAnInteger_IsInvalidParameterValue()
    {
        var subnet = _world.Server.Cluster.Read(() => Cloud.Ec2Backend.DescribeSubnets()[0].SubnetId);
        var (status, body, _) = await PostAsync($"Action=CreateNetworkInterface&Version=2016-11-15&SubnetId={subnet}&SecondaryPrivateIpAddressCount=two", Scope("ec2"));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        var error = XElement.Parse(body).Element("Errors")!.Element("Error")!;
        Assert.Equal(("InvalidParameterValue", "Value (two) for parameter SecondaryPrivateIpAddressCount is invalid. Expected: 'Integer'."), (error.Element("Code")!.Value, error.Element("Message")!.Value));
    }

    [Fact]
    public async Task Eks_MalformedJson_IsSerializationException()
    {
        using var http = _world.AwsHttp();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/clusters") { Content = new StringContent("{\"name\": ", System.Text.Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("Authorization", Scope("eks"));
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("SerializationException", response.Headers.GetValues("x-amzn-ErrorType").Single());
        Assert.StartsWith("The request body is not JSON: ", JsonNode.Parse(await response.Content.ReadAsStringAsync())!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task IamError_IsErrorResponseWithTypeAndStatus()
    {
        var (status, body, _) = await PostAsync("Action=GetRole&Version=2010-05-08&RoleName=missing", Scope("iam"));
        Assert.Equal(HttpStatusCode.NotFound, status);
        XNamespace iam = AwsAnswers.IamNamespace;
        var root = XElement.Parse(body);
        Assert.Equal(iam + "ErrorResponse", root.Name);
        var error = root.Element(iam + "Error")!;
        Assert.Equal(("Sender", "NoSuchEntity", "The role with name missing cannot be found."), (error.Element(iam + "Type")!.Value, error.Element(iam + "Code")!.Value, error.Element(iam + "Message")!.Value));
    }

    [Fact]
    public async Task IamCreateRole_KeepsTheTrustPolicy_UrlEncoded()
    {
        var trust = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"eks.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}";
        var (status, body, _) = await PostAsync($"Action=CreateRole&Version=2010-05-08&RoleName=wireRole&AssumeRolePolicyDocument={Uri.EscapeDataString(trust)}", Scope("iam"));
        Assert.Equal(HttpStatusCode.OK, status);
        XNamespace iam = AwsAnswers.IamNamespace;
        var role = XElement.Parse(body).Element(iam + "CreateRoleResult")!.Element(iam + "Role")!;
        Assert.Equal("arn:aws:iam::123456789012:role/wireRole", role.Element(iam + "Arn")!.Value);
        Assert.Equal(trust, Uri.UnescapeDataString(role.Element(iam + "AssumeRolePolicyDocument")!.Value));

        (status, body, _) = await PostAsync("Action=DeleteRole&Version=2010-05-08&RoleName=wireRole", Scope("iam"));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Null(XElement.Parse(body).Element(iam + "DeleteRoleResult"));
        Assert.NotNull(XElement.Parse(body).Element(iam + "ResponseMetadata")!.Element(iam + "RequestId"));
    }

    [Fact]
    public async Task EksDescribeCluster_ServesTheKubernetesApi_AndMissingIs404WithErrorType()
    {
        using var http = _world.AwsHttp();
        var cluster = JsonNode.Parse(await http.GetStringAsync("/clusters/podnet"))!["cluster"]!;
        Assert.Equal("ACTIVE", cluster["status"]!.GetValue<string>());
        Assert.Equal("arn:aws:eks:us-west-2:123456789012:cluster/podnet", cluster["arn"]!.GetValue<string>());
        Assert.Equal(_world.Server.Kube.Address.ToString().TrimEnd('/'), cluster["endpoint"]!.GetValue<string>());
        Assert.Equal(_world.Server.Kube.Certificates!.AuthorityData, cluster["certificateAuthority"]!["data"]!.GetValue<string>());
        Assert.StartsWith("sg-", cluster["resourcesVpcConfig"]!["clusterSecurityGroupId"]!.GetValue<string>(), StringComparison.Ordinal);

        var nodegroup = JsonNode.Parse(await http.GetStringAsync("/clusters/podnet/node-groups/ng-1"))!["nodegroup"]!;
        Assert.Equal(("ng-1", "podnet", 3), (nodegroup["nodegroupName"]!.GetValue<string>(), nodegroup["clusterName"]!.GetValue<string>(), nodegroup["scalingConfig"]!["desiredSize"]!.GetValue<int>()));

        using var missing = await http.GetAsync("/clusters/my-cluster");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("ResourceNotFoundException", missing.Headers.GetValues("x-amzn-ErrorType").Single());
        Assert.Equal("No cluster found for name: my-cluster.", JsonNode.Parse(await missing.Content.ReadAsStringAsync())!["message"]!.GetValue<string>());

        using var missingNodegroup = await http.GetAsync("/clusters/podnet/node-groups/my-nodegroup");
        Assert.Equal("No node group found for name: my-nodegroup.", JsonNode.Parse(await missingNodegroup.Content.ReadAsStringAsync())!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task DescribeInstances_ByInterfacePrivateDnsName_FindsTheNode()
    {
        var instance = _world.Server.Cluster.Read(() => Cloud.Ec2Backend.DescribeInstances()[0].Instances[0]);
        var (status, body, _) = await PostAsync($"Action=DescribeInstances&Version=2016-11-15&Filter.1.Name=network-interface.private-dns-name&Filter.1.Value.1={instance.PrivateDnsName}", Scope("ec2", "region-code"));
        Assert.Equal(HttpStatusCode.OK, status);
        var found = XElement.Parse(body).Descendants(Ec2 + "instancesSet").Single().Elements(Ec2 + "item").Single();
        Assert.Equal(instance.InstanceId, found.Element(Ec2 + "instanceId")!.Value);
        Assert.Equal(instance.Placement.AvailabilityZone, found.Element(Ec2 + "placement")!.Element(Ec2 + "availabilityZone")!.Value);
    }

    [Fact]
    public async Task EksCreateNodegroup_ItsInstancesJoinAsNodes_DeleteAnswersDeleting()
    {
        var (nodeRole, subnets) = _world.Server.Cluster.Read(() =>
        {
            var ng = Cloud.Eks.DescribeNodegroup("podnet", "ng-1");
            return (ng.NodeRole, ng.Subnets);
        });
        using var http = _world.AwsHttp();
        var body = new JsonObject
        {
            ["nodegroupName"] = "my-nodegroup",
            ["subnets"] = new JsonArray([.. subnets.Select(s => (JsonNode)JsonValue.Create(s))]),
            ["instanceTypes"] = new JsonArray("t3.medium"),
            ["nodeRole"] = nodeRole,
            ["scalingConfig"] = new JsonObject { ["minSize"] = 1, ["maxSize"] = 1, ["desiredSize"] = 1 },
            ["clientRequestToken"] = Guid.NewGuid().ToString(),
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/clusters/podnet/node-groups") { Content = new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("Authorization", Scope("eks"));
        using var created = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        var nodegroup = JsonNode.Parse(await created.Content.ReadAsStringAsync())!["nodegroup"]!;
        Assert.Equal(("my-nodegroup", "CREATING"), (nodegroup["nodegroupName"]!.GetValue<string>(), nodegroup["status"]!.GetValue<string>()));

        var instanceId = _world.Server.Cluster.Read(() => Assert.Single(Cloud.Eks.NodegroupInstanceIds("podnet", "my-nodegroup")));
        await _world.WaitUntil(
            store => store.List(store.Resources.For("v1", "Node")).Items.Any(n => new Podnet.Kube.Views.NodeView(n).ProviderId?.EndsWith(instanceId, StringComparison.Ordinal) == true),
            "the node group's instance joined as a Node");

        // EKS reports the group ACTIVE once its nodes have joined; the served clock jumps there, as a user waits for it.
        await _world.WaitUntil(_ => Cloud.Eks.DescribeNodegroup("podnet", "my-nodegroup").Status == "ACTIVE", "the node group is ACTIVE");

        using var deleted = await http.DeleteAsync("/clusters/podnet/node-groups/my-nodegroup");
        Assert.Equal("DELETING", JsonNode.Parse(await deleted.Content.ReadAsStringAsync())!["nodegroup"]!["status"]!.GetValue<string>());
        await _world.WaitUntil(_ => !Cloud.Eks.ListNodegroups("podnet").Contains("my-nodegroup"), "the deleted node group is gone");
        using var gone = await http.GetAsync("/clusters/podnet/node-groups/my-nodegroup");
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Equal("No node group found for name: my-nodegroup.", JsonNode.Parse(await gone.Content.ReadAsStringAsync())!["message"]!.GetValue<string>());
    }

    [Fact]
    public async Task RoleAccessKey_IsAllowedOnlyWhatTheRolesPoliciesAllow()
    {
        var time = Podnet.World.VirtualTimeProvider.AnchoredTo(TimeProvider.System, TimeSpan.FromDays(1));
        var world = Podnet.World.WorldLoader.LoadDefault(time: time);
        var nodeRole = world.Cloud!.Eks.DescribeNodegroup("podnet", "ng-1").NodeRole;
        using var account = new Podnet.Server.ServedAccount(world, TimeSpan.Zero);
        await using var server = await AwsApiServer.StartAsync(account.Primary, new AwsApiServerOptions { RoleAccessKeys = new Dictionary<string, string> { ["AKIANODEROLE00000001"] = nodeRole } });
        using var http = new HttpClient { BaseAddress = server.Address };

        async Task<(HttpStatusCode, string)> Call(string form)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new StringContent(form, System.Text.Encoding.UTF8, "application/x-www-form-urlencoded") };
            request.Headers.TryAddWithoutValidation("Authorization", "AWS4-HMAC-SHA256 Credential=AKIANODEROLE00000001/20261129/us-west-2/ec2/aws4_request, SignedHeaders=host, Signature=0");
            using var response = await http.SendAsync(request);
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }

        // The node role has the worker-node and CNI policies: it may describe, not create security groups.
        Assert.Equal(HttpStatusCode.OK, (await Call("Action=DescribeSubnets&Version=2016-11-15")).Item1);
        var (status, body) = await Call("Action=CreateSecurityGroup&Version=2016-11-15&GroupName=x&GroupDescription=x&VpcId=vpc-0123456789abcdef0");
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("UnauthorizedOperation", XElement.Parse(body).Element("Errors")!.Element("Error")!.Element("Code")!.Value);
        Assert.Equal($"arn:aws:sts::123456789012:assumed-role/{nodeRole[(nodeRole.LastIndexOf('/') + 1)..]}/podnet-cli", server.PrincipalFor(CredentialScope.Parse("AWS4-HMAC-SHA256 Credential=AKIANODEROLE00000001/20261129/us-west-2/ec2/aws4_request")).Arn);
    }
}

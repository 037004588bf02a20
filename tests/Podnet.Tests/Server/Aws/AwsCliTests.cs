using System.Text.Json.Nodes;
using Podnet.Aws.Ec2;
using Podnet.Tests.TestSupport;
using Podnet.World;

namespace Podnet.Tests.Server.Aws;

/// <summary>
/// Seed 000's aws commands (api-server.md §1.3–1.5: x1–x3, i1, e1–e6) run verbatim by the real aws CLI against
/// the served default world, whose cluster is <c>podnet</c> (the seed's <c>my-cluster</c>) with the role
/// <c>podnet-cluster-role</c> (the seed's <c>eksClusterRole</c>); and <c>aws eks update-kubeconfig</c> then
/// <c>kubectl get nodes</c>. Each aws call costs about 3 s here, so the calls are few.
/// </summary>
public class AwsCliTests : IClassFixture<ServedWorld>
{
    private readonly ServedWorld _world;

    public AwsCliTests(ServedWorld world)
    {
        _world = world;
    }

    private Podnet.Aws.AwsCloud Cloud => _world.Server.Cluster.World.Cloud!;

    [Fact]
    public void Seed000_AwsSteps_CreateAuthorizeRevokeDelete_AsTheSeedShows()
    {
        var cluster = _world.Server.Cluster.Read(() => Cloud.Eks.DescribeCluster("podnet"));

        // x1, i1: the cluster role, and the VPC resource controller's policy attached to it.
        var roleArn = _world.AwsOk("eks", "describe-cluster", "--name", "podnet", "--query", "cluster.roleArn", "--output", "text");
        Assert.Equal("arn:aws:iam::123456789012:role/podnet-cluster-role", roleArn);
        Assert.Equal(string.Empty, _world.AwsOk("iam", "attach-role-policy", "--policy-arn", "arn:aws:iam::aws:policy/AmazonEKSVPCResourceController", "--role-name", "podnet-cluster-role"));
        Assert.Contains(_world.Server.Cluster.Read(() => Cloud.Iam.GetRole("podnet-cluster-role")).AttachedPolicies, p => p.PolicyName == "AmazonEKSVPCResourceController");

        // x2, x3: the IDs the seed captures.
        var vpcId = _world.AwsOk("eks", "describe-cluster", "--name", "podnet", "--query", "cluster.resourcesVpcConfig.vpcId", "--output", "text");
        var clusterGroupId = _world.AwsOk("eks", "describe-cluster", "--name", "podnet", "--query", "cluster.resourcesVpcConfig.clusterSecurityGroupId", "--output", "text");
        Assert.Equal((cluster.ResourcesVpcConfig.VpcId, cluster.ResourcesVpcConfig.ClusterSecurityGroupId), (vpcId, clusterGroupId));

        // e1, e2: the pod security group, created and found by name.
        var created = JsonNode.Parse(_world.AwsOk("ec2", "create-security-group", "--vpc-id", vpcId, "--group-name", "my-pod-security-group", "--description", "My pod security group"))!;
        var podGroupId = created["GroupId"]!.GetValue<string>();
        Assert.Matches("^sg-[0-9a-f]{17}$", podGroupId);
        Assert.Equal(podGroupId, _world.AwsOk("ec2", "describe-security-groups", "--filters", "Name=group-name,Values=my-pod-security-group", "--query", "SecurityGroups[].GroupId", "--output", "text"));

        // e3: DNS from the pods into the cluster group; the answer lists the new rule with its ID.
        var authorized = JsonNode.Parse(_world.AwsOk("ec2", "authorize-security-group-ingress", "--group-id", clusterGroupId, "--protocol", "tcp", "--port", "53", "--source-group", podGroupId))!;
        Assert.True(authorized["Return"]!.GetValue<bool>());
        var rule = Assert.Single(authorized["SecurityGroupRules"]!.AsArray())!;
        var tcpRuleId = rule["SecurityGroupRuleId"]!.GetValue<string>();
        Assert.Matches("^sgr-[0-9a-f]{17}$", tcpRuleId);
        Assert.Equal(
            (clusterGroupId, "123456789012", false, "tcp", 53, 53, podGroupId, "123456789012"),
            (rule["GroupId"]!.GetValue<string>(), rule["GroupOwnerId"]!.GetValue<string>(), rule["IsEgress"]!.GetValue<bool>(), rule["IpProtocol"]!.GetValue<string>(),
             rule["FromPort"]!.GetValue<int>(), rule["ToPort"]!.GetValue<int>(), rule["ReferencedGroupInfo"]!["GroupId"]!.GetValue<string>(), rule["ReferencedGroupInfo"]!["UserId"]!.GetValue<string>()));

        // e4: all traffic among the pods.
        var selfRuleId = _world.AwsOk("ec2", "authorize-security-group-ingress", "--group-id", podGroupId, "--protocol", "-1", "--port", "-1", "--source-group", podGroupId, "--query", "SecurityGroupRules[].SecurityGroupRuleId", "--output", "text");
        Assert.Matches("^sgr-[0-9a-f]{17}$", selfRuleId);

        // e5: revoked by rule ID; the cluster's EC2 no longer has it.
        _world.AwsOk("ec2", "revoke-security-group-ingress", "--group-id", clusterGroupId, "--security-group-rule-ids", tcpRuleId);
        var left = _world.Server.Cluster.Read(() => Cloud.Ec2Backend.DescribeSecurityGroupRules(DescribeRequest.Where(new Filter("group-id", clusterGroupId))));
        Assert.DoesNotContain(left, r => r.SecurityGroupRuleId == tcpRuleId);

        // e6: deleted; describing it now is EC2's InvalidGroup.NotFound, exit 255.
        _world.AwsOk("ec2", "delete-security-group", "--group-id", podGroupId);
        var (exit, _, error) = _world.Aws("ec2", "describe-security-groups", "--group-ids", podGroupId);
        Assert.Equal(255, exit);
        Assert.Equal($"An error occurred (InvalidGroup.NotFound) when calling the DescribeSecurityGroups operation: The security group '{podGroupId}' does not exist", error.Trim());
    }

    [Fact]
    public void CreateNatGateway_PrivateConnectivity_HasNoElasticIp_AndRefusesOne()
    {
        // aws ec2 create-nat-gateway --connectivity-type private: no --allocation-id, the answer has no public address.
        var subnetId = _world.Server.Cluster.Read(() => Cloud.Ec2Backend.DescribeSubnets(DescribeRequest.Where(new Filter("tag:Name", "public-us-west-2b")))[0].SubnetId);

        var created = JsonNode.Parse(_world.AwsOk("ec2", "create-nat-gateway", "--subnet-id", subnetId, "--connectivity-type", "private"))!["NatGateway"]!;
        var (exit, _, error) = _world.Aws("ec2", "create-nat-gateway", "--subnet-id", subnetId, "--connectivity-type", "private", "--allocation-id", "eipalloc-0fedcba9876543210");

        Assert.Equal(("private", "pending", subnetId), (created["ConnectivityType"]!.GetValue<string>(), created["State"]!.GetValue<string>(), created["SubnetId"]!.GetValue<string>()));
        var address = Assert.Single(created["NatGatewayAddresses"]!.AsArray())!.AsObject();
        Assert.Equal(["IsPrimary", "NetworkInterfaceId", "PrivateIp", "Status"], address.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal(255, exit);
        Assert.Equal("An error occurred (InvalidParameterCombination) when calling the CreateNatGateway operation: You cannot specify an Elastic IP address with a private NAT gateway.", error.Trim());
    }

    [Fact]
    public async Task Snapshot_OfAPrivateNatGateway_IsAPrivateNatGatewayDocument_ThatLoadsAgain()
    {
        // podnet snapshot reads it through the SDK: ConnectivityType private, its private address, no Elastic IP.
        var (vpcId, nat) = _world.Server.Cluster.Write(() =>
        {
            var ec2 = Cloud.Ec2Backend;
            var subnet = ec2.DescribeSubnets(DescribeRequest.Where(new Filter("tag:Name", "public-us-west-2a")))[0];
            return (subnet.VpcId, ec2.CreateNatGateway(new CreateNatGatewayRequest(subnet.SubnetId, null, Existing: true, ConnectivityType: "private")));
        });
        using var reader = new Podnet.Live.Ec2Reader(new Amazon.EC2.AmazonEC2Client(
            new Amazon.Runtime.BasicAWSCredentials(_world.Server.Aws.AccessKeyId, _world.Server.Aws.SecretAccessKey),
            new Amazon.EC2.AmazonEC2Config { ServiceURL = _world.Server.Aws.Address.ToString(), AuthenticationRegion = "us-west-2", MaxErrorRetry = 0 }));

        var result = Podnet.Live.AwsDocuments.From(await reader.ReadVpcsAsync([vpcId]), new Podnet.Live.AwsDocuments.ClusterFacts(null, null, new Dictionary<string, int>()));

        var spec = result.Documents.Single(d => d["kind"]!.GetValue<string>() == "NatGateway" && d["spec"]!["NatGatewayId"]!.GetValue<string>() == nat.NatGatewayId)["spec"]!;
        var address = nat.NatGatewayAddresses[0];
        Assert.Equal("private", spec["ConnectivityType"]!.GetValue<string>());
        Assert.Equal($$"""[{"PrivateIp":"{{address.PrivateIp}}","NetworkInterfaceId":"{{address.NetworkInterfaceId}}"}]""", spec["NatGatewayAddresses"]!.ToJsonString());
        Assert.DoesNotContain(result.Notes, n => n.Contains(nat.NatGatewayId, StringComparison.Ordinal));
        var reloaded = WorldLoader.Load([new WorldSource("snapshot.yaml", Podnet.Kube.Serialization.YamlManifests.ToYamlDocuments(result.Documents))]).Cloud!.Ec2Backend;
        var again = reloaded.DescribeNatGateways(DescribeRequest.ForIds(nat.NatGatewayId))[0];
        Assert.Equal(("private", "available", address.PrivateIp, address.NetworkInterfaceId), (again.ConnectivityType, again.State, again.NatGatewayAddresses[0].PrivateIp, again.NatGatewayAddresses[0].NetworkInterfaceId));
    }

    [Fact]
    public void AuthorizeIngress_WithPrefixListIds_IsARuleWithThePrefixListId_AndAnUnknownList_IsInvalidPrefixListIdNotFound()
    {
        var (groupId, listId) = _world.Server.Cluster.Write(() =>
        {
            var vpcId = Cloud.Ec2Backend.DescribeVpcs()[0].VpcId;
            return (Cloud.Ec2Backend.CreateSecurityGroup(new CreateSecurityGroupRequest("db-from-list", "db", vpcId)),
                    Cloud.Ec2Backend.CreateManagedPrefixList(new CreateManagedPrefixListRequest("db-clients", "IPv4", 2, [new PrefixListEntry("10.1.0.0/16")])).PrefixListId);
        });

        var rule = JsonNode.Parse(_world.AwsOk("ec2", "authorize-security-group-ingress", "--group-id", groupId,
            "--ip-permissions", $"IpProtocol=tcp,FromPort=5432,ToPort=5432,PrefixListIds=[{{PrefixListId={listId},Description=db}}]"))!["SecurityGroupRules"]![0]!;
        var (exit, _, error) = _world.Aws("ec2", "authorize-security-group-ingress", "--group-id", groupId,
            "--ip-permissions", "IpProtocol=tcp,FromPort=5432,ToPort=5432,PrefixListIds=[{PrefixListId=pl-0123456789abcdef0}]");

        Assert.Equal((listId, "tcp", 5432, "db"), (rule["PrefixListId"]!.GetValue<string>(), rule["IpProtocol"]!.GetValue<string>(), rule["FromPort"]!.GetValue<int>(), rule["Description"]!.GetValue<string>()));
        Assert.Null(rule["CidrIpv4"]);
        var described = _world.Server.Cluster.Read(() => Cloud.Ec2Backend.DescribeSecurityGroups(DescribeRequest.ForIds(groupId))[0].IpPermissions);
        Assert.Equal(listId, Assert.Single(Assert.Single(described).PrefixListIds!).Id);
        Assert.Equal(255, exit);
        Assert.Equal("An error occurred (InvalidPrefixListID.NotFound) when calling the AuthorizeSecurityGroupIngress operation: The prefix list ID 'pl-0123456789abcdef0' does not exist.", error.Trim());
    }

    [Fact]
    public void CreateRoute_WithDestinationPrefixListId_IsARouteToTheList()
    {
        var (tableId, gatewayId, listId) = _world.Server.Cluster.Write(() =>
        {
            var ec2 = Cloud.Ec2Backend;
            var gateway = ec2.DescribeInternetGateways()[0];
            return (ec2.CreateRouteTable(gateway.Attachments[0].VpcId).RouteTableId, gateway.InternetGatewayId,
                    ec2.CreateManagedPrefixList(new CreateManagedPrefixListRequest("partners", "IPv4", 1, [new PrefixListEntry("198.51.100.0/24")])).PrefixListId);
        });

        var answer = JsonNode.Parse(_world.AwsOk("ec2", "create-route", "--route-table-id", tableId, "--destination-prefix-list-id", listId, "--gateway-id", gatewayId))!;

        Assert.True(answer["Return"]!.GetValue<bool>());
        var route = _world.Server.Cluster.Read(() => Cloud.Ec2Backend.DescribeRouteTables(DescribeRequest.ForIds(tableId))[0].Routes[^1]);
        Assert.Equal((null, listId, gatewayId), (route.DestinationCidrBlock, route.DestinationPrefixListId, route.GatewayId));
    }

    [Fact]
    public void EgressOnlyInternetGateway_CreateRouteDescribeDelete_WithTheAwsCli()
    {
        var (vpcId, tableId) = _world.Server.Cluster.Write(() =>
        {
            var ec2 = Cloud.Ec2Backend;
            var vpc = ec2.CreateVpc(new CreateVpcRequest("10.77.0.0/16", AmazonProvidedIpv6CidrBlock: true));
            return (vpc.VpcId, ec2.CreateRouteTable(vpc.VpcId).RouteTableId);
        });

        var created = JsonNode.Parse(_world.AwsOk("ec2", "create-egress-only-internet-gateway", "--vpc-id", vpcId,
            "--tag-specifications", "ResourceType=egress-only-internet-gateway,Tags=[{Key=Name,Value=private-egress}]"))!["EgressOnlyInternetGateway"]!;
        var eigw = created["EgressOnlyInternetGatewayId"]!.GetValue<string>();
        Assert.Matches("^eigw-[0-9a-f]{17}$", eigw);
        Assert.Equal((vpcId, "attached"), (created["Attachments"]![0]!["VpcId"]!.GetValue<string>(), created["Attachments"]![0]!["State"]!.GetValue<string>()));
        Assert.Equal("private-egress", created["Tags"]![0]!["Value"]!.GetValue<string>());

        Assert.True(JsonNode.Parse(_world.AwsOk("ec2", "create-route", "--route-table-id", tableId, "--destination-ipv6-cidr-block", "::/0", "--egress-only-internet-gateway-id", eigw))!["Return"]!.GetValue<bool>());
        var routes = _world.AwsOk("ec2", "describe-route-tables", "--route-table-ids", tableId, "--query", "RouteTables[0].Routes[?DestinationIpv6CidrBlock=='::/0'].[EgressOnlyInternetGatewayId,State,Origin]", "--output", "text");
        Assert.Equal($"{eigw}\tactive\tCreateRoute", routes);

        var (exit, _, error) = _world.Aws("ec2", "create-route", "--route-table-id", tableId, "--destination-cidr-block", "0.0.0.0/0", "--egress-only-internet-gateway-id", eigw);
        Assert.Equal(255, exit);
        Assert.Equal("An error occurred (InvalidParameterCombination) when calling the CreateRoute operation: The parameter destinationCidrBlock cannot be used with the parameter egressOnlyInternetGatewayId", error.Trim());

        Assert.True(JsonNode.Parse(_world.AwsOk("ec2", "delete-egress-only-internet-gateway", "--egress-only-internet-gateway-id", eigw))!["ReturnCode"]!.GetValue<bool>());
        (exit, _, error) = _world.Aws("ec2", "describe-egress-only-internet-gateways", "--egress-only-internet-gateway-ids", eigw);
        Assert.Equal(255, exit);
        Assert.Equal($"An error occurred (InvalidEgressOnlyInternetGatewayId.NotFound) when calling the DescribeEgressOnlyInternetGateways operation: The egressOnlyInternetGateway ID '{eigw}' does not exist", error.Trim());
        Assert.Equal("blackhole", _world.Server.Cluster.Read(() => Assert.Single(Cloud.Ec2Backend.DescribeRouteTables(DescribeRequest.ForIds(tableId))[0].Routes, r => r.DestinationIpv6CidrBlock == "::/0").State));
    }

    [Fact]
    public void CreateVpcEndpoint_Gateway_ItsRouteInDescribeRouteTables_AndTheAwsManagedListsDescribed()
    {
        var (vpcId, tableId) = _world.Server.Cluster.Write(() =>
        {
            var vpc = Cloud.Ec2Backend.DescribeVpcs()[0].VpcId;
            return (vpc, Cloud.Ec2Backend.CreateRouteTable(vpc).RouteTableId);
        });

        var lists = _world.AwsOk("ec2", "describe-managed-prefix-lists", "--filters", "Name=owner-id,Values=AWS", "--query", "PrefixLists[].[PrefixListId,PrefixListName,OwnerId,State]", "--output", "text");
        var endpoint = JsonNode.Parse(_world.AwsOk("ec2", "create-vpc-endpoint", "--vpc-id", vpcId, "--vpc-endpoint-type", "Gateway",
            "--service-name", "com.amazonaws.us-west-2.s3", "--route-table-ids", tableId))!["VpcEndpoint"]!;
        var endpointId = endpoint["VpcEndpointId"]!.GetValue<string>();
        var routes = JsonNode.Parse(_world.AwsOk("ec2", "describe-route-tables", "--route-table-ids", tableId, "--query", "RouteTables[0].Routes"))!.AsArray();
        var (exit, _, error) = _world.Aws("ec2", "delete-managed-prefix-list", "--prefix-list-id", "pl-68a54001");
        var deleted = JsonNode.Parse(_world.AwsOk("ec2", "delete-vpc-endpoints", "--vpc-endpoint-ids", endpointId, "vpce-0123456789abcdef0"))!;

        Assert.Equal(
            "pl-68a54001\tcom.amazonaws.us-west-2.s3\tAWS\tcreate-complete\npl-00a54069\tcom.amazonaws.us-west-2.dynamodb\tAWS\tcreate-complete\npl-82a045eb\tcom.amazonaws.global.cloudfront.origin-facing\tAWS\tcreate-complete",
            lists);
        Assert.Equal(("Gateway", "available", vpcId, tableId), (endpoint["VpcEndpointType"]!.GetValue<string>(), endpoint["State"]!.GetValue<string>(), endpoint["VpcId"]!.GetValue<string>(), endpoint["RouteTableIds"]![0]!.GetValue<string>()));
        var route = Assert.Single(routes, r => r!["GatewayId"]?.GetValue<string>() == endpointId)!;
        Assert.Equal(
            """{"DestinationPrefixListId":"pl-68a54001","GatewayId":"ENDPOINT","Origin":"CreateRoute","State":"active"}""".Replace("ENDPOINT", endpointId, StringComparison.Ordinal),
            route.ToJsonString());
        Assert.Equal(255, exit);
        Assert.Equal("An error occurred (UnsupportedOperation) when calling the DeleteManagedPrefixList operation: The prefix list pl-68a54001 is an AWS-managed prefix list and cannot be deleted.", error.Trim());
        var unsuccessful = Assert.Single(deleted["Unsuccessful"]!.AsArray())!;
        Assert.Equal(("vpce-0123456789abcdef0", "InvalidVpcEndpoint.NotFound"), (unsuccessful["ResourceId"]!.GetValue<string>(), unsuccessful["Error"]!["Code"]!.GetValue<string>()));
        Assert.DoesNotContain(_world.Server.Cluster.Read(() => Cloud.Ec2Backend.DescribeRouteTables(DescribeRequest.ForIds(tableId))[0].Routes), r => r.GatewayId == endpointId);
    }

    [Fact]
    public void ModifySubnetAttribute_MapPublicIpOnLaunch_AndAssignIpv6WithoutABlock_AsTheAwsCliSendsThem()
    {
        var subnetId = _world.Server.Cluster.Write(() =>
            Cloud.Ec2Backend.CreateSubnet(new CreateSubnetRequest(Cloud.Ec2Backend.DescribeVpcs()[0].VpcId, "192.168.160.0/24", "us-west-2a")).SubnetId);

        var mapped = _world.AwsOk("ec2", "modify-subnet-attribute", "--subnet-id", subnetId, "--map-public-ip-on-launch");
        var described = _world.AwsOk("ec2", "describe-subnets", "--subnet-ids", subnetId, "--query", "Subnets[0].MapPublicIpOnLaunch");
        var (exit, _, error) = _world.Aws("ec2", "modify-subnet-attribute", "--subnet-id", subnetId, "--assign-ipv6-address-on-creation");

        Assert.Equal((string.Empty, "true"), (mapped, described));
        Assert.Equal(255, exit);
        Assert.Equal($"An error occurred (InvalidParameterValue) when calling the ModifySubnetAttribute operation: Cannot set assign-ipv6-address-on-creation to true unless the subnet ({subnetId}) has an IPv6 CIDR block associated with it.", error.Trim());
    }

    [Fact]
    public void ModifySubnetAttribute_EnableDns64_AsTheAwsCliSendsIt()
    {
        var subnetId = _world.Server.Cluster.Write(() =>
            Cloud.Ec2Backend.CreateSubnet(new CreateSubnetRequest(Cloud.Ec2Backend.DescribeVpcs()[0].VpcId, "192.168.161.0/24", "us-west-2a")).SubnetId);

        var modified = _world.AwsOk("ec2", "modify-subnet-attribute", "--subnet-id", subnetId, "--enable-dns64");
        var described = _world.AwsOk("ec2", "describe-subnets", "--filters", "Name=enable-dns64,Values=true", "--query", "Subnets[].[SubnetId,EnableDns64]", "--output", "text");

        Assert.Equal((string.Empty, $"{subnetId}\tTrue"), (modified, described));
    }

    [Fact]
    public void CreateManagedPrefixList_WithEntries_ThenAnUnknownListsEntries_IsInvalidPrefixListIdNotFound()
    {
        var created = JsonNode.Parse(_world.AwsOk("ec2", "create-managed-prefix-list", "--prefix-list-name", "corp", "--address-family", "IPv4", "--max-entries", "2",
            "--entries", "Cidr=10.1.0.0/16,Description=office", "Cidr=198.51.100.0/24"))!["PrefixList"]!;
        var (exit, _, error) = _world.Aws("ec2", "get-managed-prefix-list-entries", "--prefix-list-id", "pl-0123456789abcdef0");

        var id = created["PrefixListId"]!.GetValue<string>();
        Assert.Equal(("corp", "IPv4", 2, "create-complete"), (created["PrefixListName"]!.GetValue<string>(), created["AddressFamily"]!.GetValue<string>(), created["MaxEntries"]!.GetValue<int>(), created["State"]!.GetValue<string>()));
        Assert.Equal(["10.1.0.0/16 office", "198.51.100.0/24 "], _world.Server.Cluster.Read(() => Cloud.Ec2Backend.GetManagedPrefixListEntries(id)).Select(e => $"{e.Cidr} {e.Description}"));
        Assert.Equal(255, exit);
        Assert.Equal("An error occurred (InvalidPrefixListID.NotFound) when calling the GetManagedPrefixListEntries operation: The prefix list (pl-0123456789abcdef0) does not exist.", error.Trim());
    }

    [Fact]
    public void DescribeCluster_Missing_PrintsTheSeedsResourceNotFoundLine()
    {
        var (exit, output, error) = _world.Aws("eks", "describe-cluster", "--name", "my-cluster", "--query", "cluster.status", "--output", "text");
        Assert.Equal(255, exit);
        Assert.Equal(string.Empty, output);
        Assert.Equal("An error occurred (ResourceNotFoundException) when calling the DescribeCluster operation: No cluster found for name: my-cluster.", error.Trim());
    }

    [Fact]
    public void UpdateKubeconfig_ThenKubectlGetNodes_WithTheEksToken()
    {
        var kubeconfig = Path.Combine(_world.Directory, "eks-kubeconfig");
        var added = _world.AwsOk("eks", "update-kubeconfig", "--name", "podnet", "--kubeconfig", kubeconfig);
        Assert.Equal($"Added new context arn:aws:eks:us-west-2:123456789012:cluster/podnet to {kubeconfig}", added);
        var text = File.ReadAllText(kubeconfig);
        Assert.Contains($"server: {_world.Server.Kube.Address.ToString().TrimEnd('/')}", text, StringComparison.Ordinal);
        Assert.Contains(_world.Server.Kube.Certificates!.AuthorityData, text, StringComparison.Ordinal);

        // kubectl runs `aws eks get-token` (the exec plugin) with the same environment, and sends its k8s-aws-v1. token.
        var (exit, output, error) = _world.KubectlWithAws(kubeconfig, "get", "nodes");
        Assert.True(exit == 0, $"kubectl get nodes exited {exit}: {error}");
        Assert.StartsWith("NAME ", output, StringComparison.Ordinal);
        Assert.Equal(3, output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(l => l.Contains(" Ready ", StringComparison.Ordinal)));

        // The token names its IAM principal: the Kubernetes user is the access key's identity, as the audit log shows.
        (exit, _, error) = _world.KubectlWithAws(kubeconfig, "create", "configmap", "made-with-eks-token", "--from-literal=a=b");
        Assert.True(exit == 0, error);
        var created = Assert.Single(_world.AuditEvents(), e => e["verb"]!.GetValue<string>() == "create" && e["objectRef"]!["name"]?.GetValue<string>() == "made-with-eks-token");
        Assert.Equal("arn:aws:iam::123456789012:user/podnet-admin", created["user"]!["username"]!.GetValue<string>());
    }

    [Fact]
    public void Seed003_StsIamAndEc2Forms_WithALiteralRegion()
    {
        // s1: the account, captured; seed 003 exports region_code=region-code literally.
        Assert.Equal("123456789012", _world.AwsOk("sts", "get-caller-identity", "--region", "region-code", "--query", "Account", "--output", "text"));

        // i2, i7: a role from a trust-policy file, its ARN captured, then deleted.
        var trust = Path.Combine(_world.Directory, "eks-cluster-role-trust-policy.json");
        File.WriteAllText(trust, "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [{\"Effect\": \"Allow\", \"Principal\": {\"Service\": \"eks.amazonaws.com\"}, \"Action\": \"sts:AssumeRole\"}]\n}\n");
        Assert.Equal(
            "arn:aws:iam::123456789012:role/myCustomNetworkingAmazonEKSClusterRole",
            _world.AwsOk("iam", "create-role", "--role-name", "myCustomNetworkingAmazonEKSClusterRole", "--assume-role-policy-document", "file://" + trust, "--query", "Role.Arn", "--output", "text"));
        Assert.Contains("eks.amazonaws.com", _world.Server.Cluster.Read(() => Cloud.Iam.GetRole("myCustomNetworkingAmazonEKSClusterRole")).AssumeRolePolicyDocument, StringComparison.Ordinal);
        Assert.Equal(string.Empty, _world.AwsOk("iam", "delete-role", "--role-name", "myCustomNetworkingAmazonEKSClusterRole"));

        // e8: the DescribeVpcs table (--out is --output abbreviated).
        var table = _world.AwsOk("ec2", "describe-vpcs", "--region", "region-code", "--query", "Vpcs[*].CidrBlockAssociationSet[*].{CIDRBlock: CidrBlock, State: CidrBlockState.State}", "--out", "table");
        Assert.Contains("|  192.168.0.0/16 |  associated  |", table, StringComparison.Ordinal);
        Assert.Contains("DescribeVpcs", table, StringComparison.Ordinal);

        // e12: the instance behind a node name.
        var instance = _world.Server.Cluster.Read(() => Cloud.Ec2Backend.DescribeInstances()[0].Instances[0]);
        var found = JsonNode.Parse(_world.AwsOk("ec2", "describe-instances", "--filters", $"Name=network-interface.private-dns-name,Values={instance.PrivateDnsName}", "--query", "Reservations[].Instances[].{AvailabilityZone: Placement.AvailabilityZone, SubnetId: SubnetId}"))!;
        var only = Assert.Single(found.AsArray())!;
        Assert.Equal((instance.Placement.AvailabilityZone, instance.SubnetId), (only["AvailabilityZone"]!.GetValue<string>(), only["SubnetId"]!.GetValue<string>()));
    }
}

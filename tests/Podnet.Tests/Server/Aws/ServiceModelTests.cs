using System.Text.Json.Nodes;
using System.Xml.Linq;
using Podnet.Aws.Iam;
using Podnet.Server.Aws;
using Podnet.Tests.TestSupport;

namespace Podnet.Tests.Server.Aws;

/// <summary>
/// Every parameter name the handlers read and every element or key they answer with, checked against botocore's
/// service models (the writers are hand-written; these tests keep them to AWS's names): request names as botocore's
/// serializers write them (EC2: <c>queryName</c>, else the capitalised <c>locationName</c>, else the member name,
/// lists <c>Name.N</c>; IAM: member names, lists <c>Name.member.N</c>), answer elements by <c>locationName</c>
/// (EC2) or member name, list items whatever their tag.
/// </summary>
public class ServiceModelTests : IClassFixture<ServedWorld>
{
    private readonly ServedWorld _world;

    public ServiceModelTests(ServedWorld world)
    {
        _world = world;
    }

    private Podnet.Aws.AwsCloud Cloud => _world.Server.Cluster.World.Cloud!;

    [Fact]
    public void Ec2_EveryActionsParametersAndAnswer_AreTheModels()
    {
        var (vpcId, subnetId, instance, eniId) = _world.Server.Cluster.Read(() =>
        {
            var vpc = Cloud.Ec2Backend.DescribeVpcs()[0];
            var node = Cloud.Ec2Backend.DescribeInstances()[0].Instances[0];
            return (vpc.VpcId, node.SubnetId!, node, node.NetworkInterfaces[0].NetworkInterfaceId);
        });
        var api = new Ec2Api(_world.Server.Cluster);
        var admin = AwsPrincipal.Administrator("123456789012");
        var problems = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);

        XElement Run(string form)
        {
            var reads = new HashSet<string>(StringComparer.Ordinal);
            var query = QueryRequest.Parse(form).Recording(reads);
            var action = query.Action!;
            seen.Add(action);
            var answer = new XElement(action + "Response", api.Handle(action, query, admin));
            var operation = BotocoreModels.Load("ec2")["operations"]![action]!;
            foreach (var name in reads.Where(n => n is not ("Action" or "Version")))
            {
                if (ResolveInput("ec2", operation["input"]?["shape"]?.GetValue<string>(), name.Split('.')) is { } problem)
                {
                    problems.Add($"{action} reads {name}: {problem}");
                }
            }

            CheckXml("ec2", action, operation["output"]?["shape"]?.GetValue<string>(), answer, problems);
            return answer;
        }

        static string Value(XElement answer, string name) => answer.Descendants(name).First().Value;

        Run($"Action=DescribeVpcs&VpcId.1={vpcId}&Filter.1.Name=vpc-id&Filter.1.Value.1={vpcId}");
        var associated = Run($"Action=AssociateVpcCidrBlock&VpcId={vpcId}&CidrBlock=100.64.0.0%2F16");
        var subnet = Run($"Action=CreateSubnet&VpcId={vpcId}&CidrBlock=100.64.0.0%2F24&AvailabilityZone=us-west-2a&TagSpecification.1.ResourceType=subnet&TagSpecification.1.Tag.1.Key=Name&TagSpecification.1.Tag.1.Value=model");
        Run($"Action=DescribeSubnets&SubnetId.1={subnetId}&Filter.1.Name=vpc-id&Filter.1.Value.1={vpcId}");
        Run($"Action=DeleteSubnet&SubnetId={Value(subnet, "subnetId")}");
        Run($"Action=DisassociateVpcCidrBlock&AssociationId={Value(associated, "associationId")}");
        var group = Value(Run($"Action=CreateSecurityGroup&GroupName=model-sg&GroupDescription=model&VpcId={vpcId}&TagSpecification.1.ResourceType=security-group&TagSpecification.1.Tag.1.Key=a&TagSpecification.1.Tag.1.Value=b"), "groupId");
        // A rule may name only a prefix list that exists (EC2's InvalidPrefixListID.NotFound otherwise).
        var rulePrefixList = Value(Run("Action=CreateManagedPrefixList&PrefixListName=rule-peers&AddressFamily=IPv4&MaxEntries=2&Entry.1.Cidr=10.2.0.0%2F16"), "prefixListId");
        var authorized = Run(
            $"Action=AuthorizeSecurityGroupIngress&GroupId={group}&IpPermissions.1.IpProtocol=tcp&IpPermissions.1.FromPort=80&IpPermissions.1.ToPort=80"
            + $"&IpPermissions.1.IpRanges.1.CidrIp=10.0.0.0%2F16&IpPermissions.1.IpRanges.1.Description=d&IpPermissions.1.Groups.1.GroupId={group}&IpPermissions.1.Groups.1.Description=g"
            + $"&IpPermissions.1.Ipv6Ranges.1.CidrIpv6=%3A%3A%2F0&IpPermissions.1.Ipv6Ranges.1.Description=v6&IpPermissions.1.PrefixListIds.1.PrefixListId={rulePrefixList}&IpPermissions.1.PrefixListIds.1.Description=p");
        Run($"Action=AuthorizeSecurityGroupEgress&GroupId={group}&IpPermissions.1.IpProtocol=tcp&IpPermissions.1.FromPort=5432&IpPermissions.1.ToPort=5432&IpPermissions.1.PrefixListIds.1.PrefixListId={rulePrefixList}");
        Run($"Action=AuthorizeSecurityGroupIngress&GroupName=model-sg&IpProtocol=tcp&FromPort=81&ToPort=81&CidrIp=10.1.0.0%2F16");
        Run($"Action=AuthorizeSecurityGroupIngress&GroupId={group}&IpPermissions.1.IpProtocol=udp&IpPermissions.1.FromPort=53&IpPermissions.1.ToPort=53&IpPermissions.1.Groups.1.GroupName=model-sg");
        Run($"Action=AuthorizeSecurityGroupEgress&GroupId={group}&IpPermissions.1.IpProtocol=tcp&IpPermissions.1.FromPort=443&IpPermissions.1.ToPort=443&IpPermissions.1.IpRanges.1.CidrIp=0.0.0.0%2F0");
        Run($"Action=DescribeSecurityGroups&GroupId.1={group}&GroupName.1=model-sg&Filter.1.Name=vpc-id&Filter.1.Value.1={vpcId}");
        Run($"Action=DescribeSecurityGroupRules&SecurityGroupRuleId.1={Value(authorized, "securityGroupRuleId")}&Filter.1.Name=group-id&Filter.1.Value.1={group}");
        Run($"Action=RevokeSecurityGroupIngress&GroupId={group}&SecurityGroupRuleId.1={authorized.Descendants("securityGroupRuleId").Last().Value}");
        Run($"Action=RevokeSecurityGroupIngress&GroupId={group}&IpPermissions.1.IpProtocol=tcp&IpPermissions.1.FromPort=80&IpPermissions.1.ToPort=80&IpPermissions.1.IpRanges.1.CidrIp=10.0.0.0%2F16&IpPermissions.1.IpRanges.2.CidrIp=10.9.0.0%2F16");
        Run($"Action=RevokeSecurityGroupEgress&GroupId={group}&IpPermissions.1.IpProtocol=tcp&IpPermissions.1.FromPort=443&IpPermissions.1.ToPort=443&IpPermissions.1.IpRanges.1.CidrIp=0.0.0.0%2F0");
        Run($"Action=CreateTags&ResourceId.1={group}&Tag.1.Key=k&Tag.1.Value=v");
        Run($"Action=DeleteTags&ResourceId.1={group}&Tag.1.Key=k");
        Run($"Action=RevokeSecurityGroupIngress&GroupId={group}&IpPermissions.1.IpProtocol=tcp&IpPermissions.1.FromPort=80&IpPermissions.1.ToPort=80&IpPermissions.1.Ipv6Ranges.1.CidrIpv6=%3A%3A%2F0");
        // A list a rule still names is not deleted: it stays, delete-failed, its stateMessage naming the group.
        Run($"Action=DeleteManagedPrefixList&PrefixListId={rulePrefixList}");
        Run($"Action=DescribeManagedPrefixLists&PrefixListId.1={rulePrefixList}");
        Run($"Action=DeleteSecurityGroup&GroupId={group}");
        Run($"Action=DescribeInstances&InstanceId.1={instance.InstanceId}&Filter.1.Name=network-interface.private-dns-name&Filter.1.Value.1={instance.PrivateDnsName}");
        Run($"Action=DescribeNetworkInterfaces&NetworkInterfaceId.1={eniId}&Filter.1.Name=vpc-id&Filter.1.Value.1={vpcId}");
        Run("Action=DescribeInstanceTypes&InstanceType.1=m5.large&InstanceType.2=t3.medium");
        var eni = Value(Run(
            $"Action=CreateNetworkInterface&SubnetId={subnetId}&Description=model&SecurityGroupId.1={Value(Run($"Action=DescribeSecurityGroups&Filter.1.Name=vpc-id&Filter.1.Value.1={vpcId}"), "groupId")}"
            + "&SecondaryPrivateIpAddressCount=1&Ipv4PrefixCount=1&ClientToken=t&TagSpecification.1.ResourceType=network-interface&TagSpecification.1.Tag.1.Key=k&TagSpecification.1.Tag.1.Value=v"), "networkInterfaceId");
        var privateA = _world.Server.Cluster.Read(() => Cloud.Ec2Backend.DescribeSubnets().Single(s => s.CidrBlock == "192.168.64.0/19").SubnetId);
        var addressed = Run($"Action=CreateNetworkInterface&SubnetId={privateA}&PrivateIpAddresses.1.PrivateIpAddress=192.168.70.10&PrivateIpAddresses.1.Primary=true&PrivateIpAddresses.2.PrivateIpAddress=192.168.70.11&Ipv4Prefix.1.Ipv4Prefix=192.168.70.32%2F28&InterfaceType=branch&PrivateIpAddress=192.168.70.10");
        Run($"Action=ModifyNetworkInterfaceAttribute&NetworkInterfaceId={eni}&Description.Value=changed");
        Run($"Action=ModifyNetworkInterfaceAttribute&NetworkInterfaceId={eni}&SourceDestCheck.Value=false");
        var assigned = Run($"Action=AssignPrivateIpAddresses&NetworkInterfaceId={eni}&SecondaryPrivateIpAddressCount=1&Ipv4PrefixCount=1&AllowReassignment=false");
        Run($"Action=UnassignPrivateIpAddresses&NetworkInterfaceId={eni}&PrivateIpAddress.1={Value(assigned, "privateIpAddress")}&Ipv4Prefix.1={Value(assigned, "ipv4Prefix")}");
        Run($"Action=AssignPrivateIpAddresses&NetworkInterfaceId={eni}&PrivateIpAddress.1=192.168.70.20&Ipv4Prefix.1=192.168.70.48%2F28");
        var spare = _world.Server.Cluster.Write(() => Cloud.Ec2Backend.RunInstances(new Podnet.Aws.Ec2.RunInstancesRequest("m5.large", subnetId)).Instances[0].InstanceId);
        var attachment = Value(Run($"Action=AttachNetworkInterface&NetworkInterfaceId={eni}&InstanceId={spare}&DeviceIndex=1&NetworkCardIndex=0"), "attachmentId");
        Run($"Action=ModifyNetworkInterfaceAttribute&NetworkInterfaceId={eni}&Attachment.AttachmentId={attachment}&Attachment.DeleteOnTermination=true");
        Run($"Action=ModifyNetworkInterfaceAttribute&NetworkInterfaceId={eni}&SecurityGroupId.1={Value(Run($"Action=DescribeSecurityGroups&Filter.1.Name=vpc-id&Filter.1.Value.1={vpcId}"), "groupId")}");
        Run($"Action=DetachNetworkInterface&AttachmentId={attachment}&Force=false");
        Run($"Action=DeleteNetworkInterface&NetworkInterfaceId={eni}");
        var trunk = Value(Run($"Action=CreateNetworkInterface&SubnetId={subnetId}&InterfaceType=trunk"), "networkInterfaceId");
        Run($"Action=AttachNetworkInterface&NetworkInterfaceId={trunk}&InstanceId={spare}&DeviceIndex=2");
        var branch = Value(Run($"Action=CreateNetworkInterface&SubnetId={subnetId}&InterfaceType=branch&Description=aws-k8s-branch-eni"), "networkInterfaceId");
        var association = Value(Run($"Action=AssociateTrunkInterface&BranchInterfaceId={branch}&TrunkInterfaceId={trunk}&VlanId=1&GreKey=7&ClientToken=c"), "associationId");
        Run($"Action=DescribeTrunkInterfaceAssociations&AssociationId.1={association}&Filter.1.Name=trunk-interface-id&Filter.1.Value.1={trunk}");
        Run($"Action=DisassociateTrunkInterface&AssociationId={association}&ClientToken=c");
        Run($"Action=DeleteNetworkInterface&NetworkInterfaceId={Value(addressed, "networkInterfaceId")}");

        // Routing: a VPC of its own, a route table with a route to an internet gateway, a NAT gateway.
        var routedVpc = Value(Run("Action=CreateVpc&CidrBlock=10.8.0.0%2F16"), "vpcId");
        var routedSubnet = Value(Run($"Action=CreateSubnet&VpcId={routedVpc}&CidrBlock=10.8.0.0%2F24"), "subnetId");
        var table = Value(Run($"Action=CreateRouteTable&VpcId={routedVpc}&ClientToken=c&TagSpecification.1.ResourceType=route-table&TagSpecification.1.Tag.1.Key=Name&TagSpecification.1.Tag.1.Value=m"), "routeTableId");
        var gateway = Value(Run("Action=CreateInternetGateway&TagSpecification.1.ResourceType=internet-gateway&TagSpecification.1.Tag.1.Key=Name&TagSpecification.1.Tag.1.Value=m"), "internetGatewayId");
        Run($"Action=AttachInternetGateway&InternetGatewayId={gateway}&VpcId={routedVpc}");
        Run($"Action=DescribeInternetGateways&InternetGatewayId.1={gateway}&Filter.1.Name=attachment.vpc-id&Filter.1.Value.1={routedVpc}");
        Run($"Action=CreateRoute&RouteTableId={table}&DestinationCidrBlock=0.0.0.0%2F0&GatewayId={gateway}");
        var routeAssociation = Value(Run($"Action=AssociateRouteTable&RouteTableId={table}&SubnetId={routedSubnet}"), "associationId");
        Run($"Action=DescribeRouteTables&RouteTableId.1={table}&Filter.1.Name=association.subnet-id&Filter.1.Value.1={routedSubnet}");
        var routedList = Value(Run("Action=CreateManagedPrefixList&PrefixListName=routed&AddressFamily=IPv4&MaxEntries=1&Entry.1.Cidr=198.51.100.0%2F24"), "prefixListId");
        Run($"Action=CreateRoute&RouteTableId={table}&DestinationPrefixListId={routedList}&GatewayId={gateway}");
        Run($"Action=DescribeRouteTables&RouteTableId.1={table}&Filter.1.Name=route.destination-prefix-list-id&Filter.1.Value.1={routedList}");
        Run($"Action=DeleteRoute&RouteTableId={table}&DestinationPrefixListId={routedList}");
        Run($"Action=DeleteRoute&RouteTableId={table}&DestinationCidrBlock=0.0.0.0%2F0");
        // A gateway endpoint routes the table; its routes are listed with the table's, modified, deleted.
        var endpoint = Value(Run($"Action=CreateVpcEndpoint&VpcId={routedVpc}&VpcEndpointType=Gateway&ServiceName=com.amazonaws.us-west-2.s3&RouteTableId.1={table}&ClientToken=e"
            + "&TagSpecification.1.ResourceType=vpc-endpoint&TagSpecification.1.Tag.1.Key=Name&TagSpecification.1.Tag.1.Value=m"), "vpcEndpointId");
        Run($"Action=DescribeVpcEndpoints&VpcEndpointId.1={endpoint}&Filter.1.Name=service-name&Filter.1.Value.1=com.amazonaws.us-west-2.s3");
        Run($"Action=DescribeRouteTables&RouteTableId.1={table}&Filter.1.Name=route.gateway-id&Filter.1.Value.1={endpoint}");
        Run($"Action=ModifyVpcEndpoint&VpcEndpointId={endpoint}&RemoveRouteTableId.1={table}&ResetPolicy=true");
        Run($"Action=ModifyVpcEndpoint&VpcEndpointId={endpoint}&AddRouteTableId.1={table}&PolicyDocument=%7B%7D");
        Run($"Action=DeleteVpcEndpoints&VpcEndpointId.1={endpoint}&VpcEndpointId.2=vpce-0123456789abcdef0");
        Run($"Action=ModifySubnetAttribute&SubnetId={routedSubnet}&MapPublicIpOnLaunch.Value=true");
        Run($"Action=DisassociateRouteTable&AssociationId={routeAssociation}");
        Run($"Action=DeleteRouteTable&RouteTableId={table}");
        // IPv6 routes: a dual-stack VPC's table with ::/0 to an egress-only internet gateway.
        var ipv6Vpc = Value(Run("Action=CreateVpc&CidrBlock=10.9.0.0%2F16&AmazonProvidedIpv6CidrBlock=true"), "vpcId");
        var eigw = Value(Run($"Action=CreateEgressOnlyInternetGateway&VpcId={ipv6Vpc}&ClientToken=e&TagSpecification.1.ResourceType=egress-only-internet-gateway&TagSpecification.1.Tag.1.Key=Name&TagSpecification.1.Tag.1.Value=m"), "egressOnlyInternetGatewayId");
        Run($"Action=DescribeEgressOnlyInternetGateways&EgressOnlyInternetGatewayId.1={eigw}&Filter.1.Name=tag:Name&Filter.1.Value.1=m");
        var ipv6Table = Value(Run($"Action=CreateRouteTable&VpcId={ipv6Vpc}"), "routeTableId");
        Run($"Action=CreateRoute&RouteTableId={ipv6Table}&DestinationIpv6CidrBlock=%3A%3A%2F0&EgressOnlyInternetGatewayId={eigw}");
        Run($"Action=DescribeRouteTables&RouteTableId.1={ipv6Table}&Filter.1.Name=route.egress-only-internet-gateway-id&Filter.1.Value.1={eigw}");
        Run($"Action=DeleteRoute&RouteTableId={ipv6Table}&DestinationIpv6CidrBlock=%3A%3A%2F0");
        Run($"Action=DeleteEgressOnlyInternetGateway&EgressOnlyInternetGatewayId={eigw}");
        Run($"Action=DetachInternetGateway&InternetGatewayId={gateway}&VpcId={routedVpc}");
        Run($"Action=DeleteInternetGateway&InternetGatewayId={gateway}");
        var allocated = Run("Action=AllocateAddress&Domain=vpc&TagSpecification.1.ResourceType=elastic-ip&TagSpecification.1.Tag.1.Key=Name&TagSpecification.1.Tag.1.Value=m");
        var natGateway = Value(Run($"Action=CreateNatGateway&SubnetId={routedSubnet}&AllocationId={Value(allocated, "allocationId")}&ConnectivityType=public&ClientToken=n&TagSpecification.1.ResourceType=natgateway&TagSpecification.1.Tag.1.Key=Name&TagSpecification.1.Tag.1.Value=m"), "natGatewayId");
        Run($"Action=DescribeNatGateways&NatGatewayId.1={natGateway}&Filter.1.Name=vpc-id&Filter.1.Value.1={routedVpc}");
        var privateNat = Value(Run($"Action=CreateNatGateway&SubnetId={routedSubnet}&ConnectivityType=private&PrivateIpAddress=10.8.0.20"), "natGatewayId");
        Run($"Action=DescribeNatGateways&NatGatewayId.1={privateNat}");
        Run($"Action=DeleteNatGateway&NatGatewayId={privateNat}");

        // Managed prefix lists: created with entries and tags, described, their entries read, deleted.
        var prefixList = Value(Run("Action=CreateManagedPrefixList&PrefixListName=corp&AddressFamily=IPv4&MaxEntries=2&Entry.1.Cidr=10.1.0.0%2F16&Entry.1.Description=office&ClientToken=p"
            + "&TagSpecification.1.ResourceType=prefix-list&TagSpecification.1.Tag.1.Key=Name&TagSpecification.1.Tag.1.Value=m"), "prefixListId");
        Run($"Action=DescribeManagedPrefixLists&PrefixListId.1={prefixList}&Filter.1.Name=prefix-list-name&Filter.1.Value.1=corp");
        Run($"Action=GetManagedPrefixListEntries&PrefixListId={prefixList}&MaxResults=5");
        Run($"Action=ModifyManagedPrefixList&PrefixListId={prefixList}&CurrentVersion=1&AddEntry.1.Cidr=10.3.0.0%2F16&AddEntry.1.Description=new&RemoveEntry.1.Cidr=10.1.0.0%2F16");
        Run($"Action=ModifyManagedPrefixList&PrefixListId={prefixList}&PrefixListName=corp2&MaxEntries=3");
        Run("Action=DescribePrefixLists&PrefixListId.1=pl-68a54001&Filter.1.Name=prefix-list-name&Filter.1.Value.1=com.amazonaws.us-west-2.s3");
        Run($"Action=DeleteManagedPrefixList&PrefixListId={prefixList}");
        Run($"Action=DescribeAddresses&AllocationId.1={Value(allocated, "allocationId")}&Filter.1.Name=domain&Filter.1.Value.1=vpc");
        Run($"Action=DescribeAddresses&PublicIp.1={Value(allocated, "publicIp")}");
        Run($"Action=DeleteNatGateway&NatGatewayId={natGateway}");
        var elasticIp = Value(Run("Action=AllocateAddress"), "allocationId");
        var eipAssociation = Value(Run($"Action=AssociateAddress&AllocationId={elasticIp}&NetworkInterfaceId={eniId}&PrivateIpAddress={instance.PrivateIpAddress}&AllowReassociation=true"), "associationId");
        Run($"Action=DescribeAddresses&Filter.1.Name=instance-id&Filter.1.Value.1={instance.InstanceId}");
        Run($"Action=DisassociateAddress&AssociationId={eipAssociation}");
        Run($"Action=ReleaseAddress&AllocationId={elasticIp}");
        Run($"Action=ReleaseAddress&PublicIp={Value(Run("Action=AllocateAddress&Domain=vpc"), "publicIp")}");

        var vpc = Value(Run("Action=CreateVpc&CidrBlock=10.9.0.0%2F16&InstanceTenancy=default&TagSpecification.1.ResourceType=vpc&TagSpecification.1.Tag.1.Key=Name&TagSpecification.1.Tag.1.Value=m"), "vpcId");
        Run($"Action=DeleteVpc&VpcId={vpc}");

        // IPv6: an Amazon-provided /56, a subnet's /64, an interface's address and /80 prefix.
        var dualStack = Run("Action=CreateVpc&CidrBlock=10.10.0.0%2F16&AmazonProvidedIpv6CidrBlock=true");
        var dualVpc = Value(dualStack, "vpcId");
        var v6Block = Podnet.Net.CidrBlock.Parse(Value(dualStack, "ipv6CidrBlock"));
        Run($"Action=DescribeVpcs&VpcId.1={dualVpc}&Filter.1.Name=ipv6-cidr-block-association.ipv6-pool&Filter.1.Value.1=Amazon");
        var dualSubnet = Value(Run($"Action=CreateSubnet&VpcId={dualVpc}&CidrBlock=10.10.0.0%2F24&Ipv6CidrBlock={Uri.EscapeDataString(new Podnet.Net.CidrBlock(v6Block.BaseAddress, 64).ToString())}"), "subnetId");
        Run($"Action=DescribeSubnets&SubnetId.1={dualSubnet}");
        var v6Eni = Value(Run($"Action=CreateNetworkInterface&SubnetId={dualSubnet}"), "networkInterfaceId");
        var v6Assigned = Run($"Action=AssignIpv6Addresses&NetworkInterfaceId={v6Eni}&Ipv6AddressCount=1&Ipv6PrefixCount=1");
        Run($"Action=AssignIpv6Addresses&NetworkInterfaceId={v6Eni}&Ipv6Addresses.1={Uri.EscapeDataString(v6Block.AddressAt(100).ToString())}&Ipv6Prefix.1={Uri.EscapeDataString(new Podnet.Net.CidrBlock(v6Block.AddressAt((UInt128)5 << 48), 80).ToString())}");
        Run($"Action=DescribeNetworkInterfaces&NetworkInterfaceId.1={v6Eni}");
        var v6Prefix = v6Assigned.Descendants("assignedIpv6PrefixSet").Single().Elements().Single().Value;
        Run($"Action=UnassignIpv6Addresses&NetworkInterfaceId={v6Eni}&Ipv6Addresses.1={Uri.EscapeDataString(v6Assigned.Descendants("assignedIpv6Addresses").Single().Elements().Single().Value)}&Ipv6Prefix.1={Uri.EscapeDataString(v6Prefix)}");
        Run($"Action=DeleteNetworkInterface&NetworkInterfaceId={v6Eni}");
        Run($"Action=DeleteSubnet&SubnetId={dualSubnet}");
        Run("Action=DescribeAvailabilityZones&ZoneName.1=us-west-2a&ZoneId.1=usw2-az1&Filter.1.Name=state&Filter.1.Value.1=available");
        var launched = Value(Run($"Action=RunInstances&ImageId=ami-0a1b2c3d4e5f60718&InstanceType=m5.large&MinCount=1&MaxCount=1&SubnetId={subnetId}&PrivateIpAddress=192.168.95.250"
            + "&IamInstanceProfile.Name=model-node&TagSpecification.1.ResourceType=instance&TagSpecification.1.Tag.1.Key=Name&TagSpecification.1.Tag.1.Value=model"), "instanceId");
        Run($"Action=TerminateInstances&InstanceId.1={launched}");

        // A shutting-down instance carries its stateReason (code and message).
        Assert.Equal("Client.UserInitiatedShutdown", Run($"Action=DescribeInstances&InstanceId.1={launched}").Descendants("stateReason").Single().Element("code")!.Value);

        // A page of a paginated answer carries nextToken; the token brings the next one.
        var page = Run($"Action=DescribeNetworkInterfaces&Filter.1.Name=vpc-id&Filter.1.Value.1={vpcId}&MaxResults=5");
        Run($"Action=DescribeNetworkInterfaces&Filter.1.Name=vpc-id&Filter.1.Value.1={vpcId}&MaxResults=5&NextToken={Uri.EscapeDataString(Value(page, "nextToken"))}");

        Assert.Empty(problems);
        Assert.Equal(Ec2Api.Actions.Order(StringComparer.Ordinal), seen.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void IamAndSts_EveryActionsParametersAndAnswer_AreTheModels()
    {
        var api = new IamApi(_world.Server.Cluster);
        var problems = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);

        void Run(string form)
        {
            var reads = new HashSet<string>(StringComparer.Ordinal);
            var query = QueryRequest.Parse(form).Recording(reads);
            var action = query.Action!;
            seen.Add(action);
            var result = api.Handle(action, query);
            var operation = BotocoreModels.Load("iam")["operations"]![action]!;
            foreach (var name in reads.Where(n => n is not ("Action" or "Version")))
            {
                if (ResolveInput("iam", operation["input"]?["shape"]?.GetValue<string>(), name.Split('.')) is { } problem)
                {
                    problems.Add($"{action} reads {name}: {problem}");
                }
            }

            if (result is not null)
            {
                CheckXml("iam", action, operation["output"]?["shape"]?.GetValue<string>(), new XElement(action + "Result", result), problems);
            }
            else if (operation["output"] is not null)
            {
                problems.Add($"{action} answers no result though the model has {operation["output"]}");
            }
        }

        Run("Action=CreateRole&RoleName=modelRole&AssumeRolePolicyDocument=%7B%7D");
        Run("Action=GetRole&RoleName=modelRole");
        Run("Action=ListRoles");
        Run("Action=AttachRolePolicy&RoleName=modelRole&PolicyArn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FAmazonEKS_CNI_Policy");
        Run("Action=ListAttachedRolePolicies&RoleName=modelRole");
        Run("Action=DetachRolePolicy&RoleName=modelRole&PolicyArn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FAmazonEKS_CNI_Policy");
        Run("Action=DeleteRole&RoleName=modelRole");
        Assert.Equal(IamApi.Actions.Order(StringComparer.Ordinal), seen.Order(StringComparer.Ordinal));

        var sts = new StsApi("123456789012");
        var identity = new XElement("GetCallerIdentityResult", sts.Handle("GetCallerIdentity", AwsPrincipal.Administrator("123456789012")));
        CheckXml("sts", "GetCallerIdentity", BotocoreModels.Load("sts")["operations"]!["GetCallerIdentity"]!["output"]!["shape"]!.GetValue<string>(), identity, problems);
        Assert.Empty(problems);
    }

    [Fact]
    public void CloudFormation_EveryActionsParametersAndAnswer_AreTheModels()
    {
        var api = new CloudFormationApi(_world.Server.Cluster);
        var problems = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);

        void Run(string form)
        {
            var reads = new HashSet<string>(StringComparer.Ordinal);
            var query = QueryRequest.Parse(form).Recording(reads);
            var action = query.Action!;
            seen.Add(action);
            var result = api.Handle(action, query);
            var operation = BotocoreModels.Load("cloudformation")["operations"]![action]!;
            foreach (var name in reads.Where(n => n is not ("Action" or "Version")))
            {
                if (ResolveInput("cloudformation", operation["input"]?["shape"]?.GetValue<string>(), name.Split('.')) is { } problem)
                {
                    problems.Add($"{action} reads {name}: {problem}");
                }
            }

            if (result is not null)
            {
                CheckXml("cloudformation", action, operation["output"]?["shape"]?.GetValue<string>(), new XElement(action + "Result", result), problems);
            }
            else if (operation["output"] is not null)
            {
                problems.Add($"{action} answers no result though the model has {operation["output"]}");
            }
        }

        Run("Action=CreateStack&StackName=model-stack&TemplateURL=https%3A%2F%2Fs3.us-west-2.amazonaws.com%2Famazon-eks%2Fcloudformation%2F2020-10-29%2Famazon-eks-vpc-private-subnets.yaml"
            + "&Parameters.member.1.ParameterKey=VpcBlock&Parameters.member.1.ParameterValue=10.40.0.0%2F24&Parameters.member.2.ParameterKey=PublicSubnet01Block&Parameters.member.2.ParameterValue=10.40.0.0%2F27"
            + "&Parameters.member.3.ParameterKey=PublicSubnet02Block&Parameters.member.3.ParameterValue=10.40.0.32%2F27&Parameters.member.4.ParameterKey=PrivateSubnet01Block&Parameters.member.4.ParameterValue=10.40.0.64%2F27"
            + "&Parameters.member.5.ParameterKey=PrivateSubnet02Block&Parameters.member.5.ParameterValue=10.40.0.96%2F27&Tags.member.1.Key=team&Tags.member.1.Value=net");
        _world.Server.Cluster.Write(() =>
        {
            _world.Server.Cluster.World.Time.Advance(TimeSpan.FromMinutes(5));
            return 0;
        });
        Run("Action=DescribeStacks&StackName=model-stack");
        Run("Action=DescribeStacks");
        Run("Action=DescribeStackResources&StackName=model-stack&LogicalResourceId=VPC");
        Run("Action=ListStacks&StackStatusFilter.member.1=CREATE_COMPLETE");
        Run("Action=DeleteStack&StackName=model-stack");

        Assert.Empty(problems);
        Assert.Equal(CloudFormationApi.Actions.Order(StringComparer.Ordinal), seen.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Eks_EveryAnswerKey_IsTheModels()
    {
        var api = new EksApi(_world.Server.Cluster, name => new ServedEndpoint("https://127.0.0.1:1", "Q0E="));
        var problems = new List<string>();
        foreach (var path in new[] { "/clusters", "/clusters/podnet", "/clusters/podnet/node-groups", "/clusters/podnet/node-groups/ng-1" })
        {
            var (operation, body) = api.Handle("GET", path);
            var model = BotocoreModels.Load("eks");
            var http = model["operations"]![operation]!["http"]!;
            Assert.Equal("GET", http["method"]!.GetValue<string>());
            CheckJson(model, model["operations"]![operation]!["output"]!["shape"]!.GetValue<string>(), body, operation, problems);
        }

        Assert.Empty(problems);
    }

    [Fact]
    public void EksKubernetesNetworkConfig_Ipv6AndIpv4_KeysAreTheModels()
    {
        var model = BotocoreModels.Load("eks");
        var problems = new List<string>();
        CheckJson(model, "KubernetesNetworkConfigResponse", EksApi.KubernetesNetworkConfig(new Podnet.Aws.Eks.KubernetesNetworkConfigResponse(null, "ipv6", "fd30:1c53:5f8a::/108")), "DescribeCluster", problems);
        CheckJson(model, "KubernetesNetworkConfigResponse", EksApi.KubernetesNetworkConfig(new Podnet.Aws.Eks.KubernetesNetworkConfigResponse("10.100.0.0/16", "ipv4")), "DescribeCluster", problems);
        Assert.Empty(problems);

        // The request member CreateClusterRequestOf reads, and the family's enum.
        var request = model["shapes"]!["KubernetesNetworkConfigRequest"]!["members"]!.AsObject();
        Assert.Equal("IpFamily", request["ipFamily"]!["shape"]!.GetValue<string>());
        Assert.Equal(["ipv4", "ipv6"], model["shapes"]!["IpFamily"]!["enum"]!.AsArray().Select(v => v!.GetValue<string>()));
    }

    [Fact]
    public void EksAddons_EveryAnswerKeyAndRequestMember_IsTheModels()
    {
        var api = new EksApi(_world.Server.Cluster, name => null);
        var model = BotocoreModels.Load("eks");
        var problems = new List<string>();
        var version = Podnet.Aws.Eks.AddonVersionCatalog.DefaultVersion("kube-proxy", "1.31")!;
        var calls = new (string Method, string Path, JsonObject? Body)[]
        {
            ("GET", "/clusters/podnet/addons", null),
            ("GET", "/clusters/podnet/addons/vpc-cni", null),
            ("GET", "/addons/supported-versions", new JsonObject { ["addonName"] = "vpc-cni", ["kubernetesVersion"] = "1.31", ["types"] = "networking", ["owners"] = "aws", ["publishers"] = "eks" }),
            ("GET", "/addons/configuration-schemas", new JsonObject { ["addonName"] = "vpc-cni", ["addonVersion"] = "v1.19.2-eksbuild.1" }),
            ("POST", "/clusters/podnet/addons/kube-proxy/update", new JsonObject { ["addonVersion"] = version, ["resolveConflicts"] = "NONE", ["clientRequestToken"] = "5d0b7f2e-0000-4000-8000-000000000001" }),
        };
        string? updateId = null;
        foreach (var (method, path, body) in calls)
        {
            var (operation, answer) = api.Handle(method, path, body);
            var definition = model["operations"]![operation]!;
            Assert.Equal(method, definition["http"]!["method"]!.GetValue<string>());
            CheckJson(model, definition["output"]!["shape"]!.GetValue<string>(), answer, operation, problems);
            var input = model["shapes"]![definition["input"]!["shape"]!.GetValue<string>()]!["members"]!.AsObject();
            foreach (var (member, _) in body ?? [])
            {
                if (!input.Any(m => (m.Value!["locationName"]?.GetValue<string>() ?? m.Key) == member))
                {
                    problems.Add($"{operation}: the request member \"{member}\" is not the model's");
                }
            }

            updateId ??= answer["update"]?["id"]?.GetValue<string>();
        }

        var (describeUpdate, update) = api.Handle("GET", $"/clusters/podnet/updates/{updateId}", new JsonObject { ["addonName"] = "kube-proxy" });
        Assert.Equal("DescribeUpdate", describeUpdate);
        CheckJson(model, "DescribeUpdateResponse", update, describeUpdate, problems);

        // DeleteAddon's and CreateAddon's answers, on an add-on made for them.
        var (create, created) = api.Handle("DELETE", "/clusters/podnet/addons/coredns", new JsonObject { ["preserve"] = "true" });
        CheckJson(model, "DeleteAddonResponse", created, create, problems);
        var (recreate, recreated) = api.Handle("POST", "/clusters/podnet/addons", new JsonObject { ["addonName"] = "coredns", ["resolveConflicts"] = "OVERWRITE", ["tags"] = new JsonObject { ["team"] = "net" } });
        Assert.Equal("CreateAddon", recreate);
        Assert.Equal("net", recreated["addon"]!["tags"]!["team"]!.GetValue<string>());
        CheckJson(model, "CreateAddonResponse", recreated, recreate, problems);
        Assert.Empty(problems);
    }

    [Fact]
    public void EksAmiTypes_AreTheModelsEnum_InItsOrder()
    {
        // CreateNodegroup's --ami-type is checked against this list, and its refusal lists it: both must be EKS's.
        var model = BotocoreModels.Load("eks");
        var amiTypes = model["shapes"]!["AMITypes"]!["enum"]!.AsArray().Select(v => v!.GetValue<string>()).ToList();
        Assert.Equal(amiTypes, Podnet.Aws.Eks.AmiTypes.All);
        Assert.Equal("AMITypes", model["shapes"]!["CreateNodegroupRequest"]!["members"]!["amiType"]!["shape"]!.GetValue<string>());
    }

    [Fact]
    public void EksFargateProfiles_EveryAnswerKeyAndRequestMember_IsTheModels()
    {
        var api = new EksApi(_world.Server.Cluster, name => null);
        var model = BotocoreModels.Load("eks");
        var problems = new List<string>();
        var (subnet, role) = _world.Server.Cluster.Write(() => (
            Cloud.Ec2Backend.DescribeSubnets().First(s => !s.MapPublicIpOnLaunch).SubnetId,
            Cloud.Iam.CreateRole("model-fargate-pod-execution").Arn));
        var create = new JsonObject
        {
            ["fargateProfileName"] = "model-profile",
            ["podExecutionRoleArn"] = role,
            ["subnets"] = new JsonArray(subnet),
            ["selectors"] = new JsonArray(new JsonObject { ["namespace"] = "model", ["labels"] = new JsonObject { ["app"] = "web" } }),
            ["tags"] = new JsonObject { ["team"] = "net" },
        };
        var calls = new (string Method, string Path, JsonObject? Body)[]
        {
            ("POST", "/clusters/podnet/fargate-profiles", create),
            ("GET", "/clusters/podnet/fargate-profiles", null),
            ("GET", "/clusters/podnet/fargate-profiles/model-profile", null),
            ("DELETE", "/clusters/podnet/fargate-profiles/model-profile", null),
        };
        var statuses = new List<string?>();
        foreach (var (method, path, body) in calls)
        {
            var (operation, answer) = api.Handle(method, path, body);
            var definition = model["operations"]![operation]!;
            Assert.Equal(method, definition["http"]!["method"]!.GetValue<string>());
            CheckJson(model, definition["output"]!["shape"]!.GetValue<string>(), answer, operation, problems);
            var input = model["shapes"]![definition["input"]!["shape"]!.GetValue<string>()]!["members"]!.AsObject();
            foreach (var (member, _) in body ?? [])
            {
                if (!input.Any(m => (m.Value!["locationName"]?.GetValue<string>() ?? m.Key) == member))
                {
                    problems.Add($"{operation}: the request member \"{member}\" is not the model's");
                }
            }

            statuses.Add(answer["fargateProfile"]?["status"]?.GetValue<string>());
        }

        Assert.Empty(problems);
        // The served clock runs: by the describe the profile may be ACTIVE already.
        Assert.Equal(("CREATING", null, "DELETING"), (statuses[0], statuses[1], statuses[3]));
        Assert.Contains(statuses[2], new[] { "CREATING", "ACTIVE" });
    }

    /// <summary>Resolves a parameter path (<c>IpPermissions.N.Groups.N.GroupId</c>) in an input shape; null when it is the model's.</summary>
    private static string? ResolveInput(string service, string? shapeName, string[] path)
    {
        var shapes = BotocoreModels.Load(service)["shapes"]!;
        if (shapeName is null)
        {
            return "the operation has no input";
        }

        var shape = shapes[shapeName]!;
        for (var i = 0; i < path.Length; i++)
        {
            var type = shape["type"]!.GetValue<string>();
            if (type == "list")
            {
                // EC2 lists are Name.N; query lists Name.member.N.
                if (service != "ec2" && path[i] == "member")
                {
                    i++;
                }

                if (i >= path.Length || path[i] != "N")
                {
                    return $"a list where {string.Join('.', path[..Math.Min(i + 1, path.Length)])} is not indexed";
                }

                shape = shapes[shape["member"]!["shape"]!.GetValue<string>()]!;
                continue;
            }

            if (type != "structure")
            {
                return $"{shapeName} has no members below {string.Join('.', path[..i])}";
            }

            var member = shape["members"]!.AsObject().FirstOrDefault(m => WireName(service, m.Key, m.Value!) == path[i]);
            if (member.Key is null)
            {
                return $"no member serialised as '{path[i]}' in {string.Join('.', path[..i])}";
            }

            shape = shapes[member.Value!["shape"]!.GetValue<string>()]!;
        }

        return null;
    }

    /// <summary>The name botocore's serializer gives a member on the wire.</summary>
    private static string WireName(string service, string member, JsonNode reference)
    {
        if (service != "ec2")
        {
            return reference["locationName"]?.GetValue<string>() ?? member;
        }

        if (reference["queryName"]?.GetValue<string>() is { } queryName)
        {
            return queryName;
        }

        return reference["locationName"]?.GetValue<string>() is { } location ? char.ToUpperInvariant(location[0]) + location[1..] : member;
    }

    /// <summary>Checks each child element of <paramref name="element"/> against the members of <paramref name="shapeName"/>.</summary>
    private static void CheckXml(string service, string operation, string? shapeName, XElement element, List<string> problems)
    {
        var shapes = BotocoreModels.Load(service)["shapes"]!;
        if (shapeName is null)
        {
            if (element.HasElements)
            {
                problems.Add($"{operation}: answers {string.Join(", ", element.Elements().Select(e => e.Name.LocalName))} though the model has no output");
            }

            return;
        }

        var shape = shapes[shapeName]!;
        switch (shape["type"]!.GetValue<string>())
        {
            case "structure":
                foreach (var child in element.Elements())
                {
                    var member = shape["members"]!.AsObject().FirstOrDefault(m => (m.Value!["locationName"]?.GetValue<string>() ?? m.Key) == child.Name.LocalName);
                    if (member.Key is null)
                    {
                        problems.Add($"{operation}: <{child.Name.LocalName}> is not a member of {shapeName}");
                        continue;
                    }

                    CheckXml(service, operation, member.Value!["shape"]!.GetValue<string>(), child, problems);
                }

                break;
            case "list":
                foreach (var item in element.Elements())
                {
                    CheckXml(service, operation, shape["member"]!["shape"]!.GetValue<string>(), item, problems);
                }

                break;
            default:
                if (element.HasElements)
                {
                    problems.Add($"{operation}: <{element.Name.LocalName}> has elements but {shapeName} is a {shape["type"]}");
                }

                break;
        }
    }

    /// <summary>Checks a rest-json answer's keys against <paramref name="shapeName"/>.</summary>
    private static void CheckJson(JsonObject model, string shapeName, JsonNode? node, string operation, List<string> problems)
    {
        var shape = model["shapes"]![shapeName]!;
        switch (shape["type"]!.GetValue<string>())
        {
            case "structure":
                foreach (var (key, value) in node!.AsObject())
                {
                    var member = shape["members"]!.AsObject().FirstOrDefault(m => (m.Value!["locationName"]?.GetValue<string>() ?? m.Key) == key);
                    if (member.Key is null)
                    {
                        problems.Add($"{operation}: \"{key}\" is not a member of {shapeName}");
                        continue;
                    }

                    CheckJson(model, member.Value!["shape"]!.GetValue<string>(), value, operation, problems);
                }

                break;
            case "list":
                foreach (var item in node!.AsArray())
                {
                    CheckJson(model, shape["member"]!["shape"]!.GetValue<string>(), item, operation, problems);
                }

                break;
            case "map":
                if (node is not JsonObject)
                {
                    problems.Add($"{operation}: {shapeName} is a map but the answer has {node?.GetValueKind()}");
                }

                break;
            case "timestamp" when node is not null && node.GetValueKind() != System.Text.Json.JsonValueKind.Number:
                problems.Add($"{operation}: {shapeName} is a timestamp, sent in epoch seconds, but the answer has {node.GetValueKind()}");
                break;
        }
    }
}

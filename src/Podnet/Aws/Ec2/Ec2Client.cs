using Podnet.Aws.Iam;
using Podnet.Aws.InstanceTypes;

namespace Podnet.Aws.Ec2;

/// <summary>
/// The emulated EC2 endpoint as one principal sees it: every call is authorized against the principal's IAM
/// policies (<c>UnauthorizedOperation</c>), throttled (<c>RequestLimitExceeded</c>), and its errors name the
/// operation, as the aws CLI shows them.
/// </summary>
public sealed class Ec2Client : IEc2
{
    private readonly Ec2Backend _backend;
    private readonly IamBackend _iam;
    private readonly Ec2Throttle? _throttle;
    private readonly ResourceIdGenerator _requestIds;

    /// <param name="requestIds">Request IDs for failed calls; a generator of their own, so that errors do not shift the resources' IDs.</param>
    public Ec2Client(Ec2Backend backend, IamBackend iam, Ec2Throttle? throttle, AwsPrincipal principal, ResourceIdGenerator requestIds)
    {
        _backend = backend;
        _iam = iam;
        _throttle = throttle;
        _requestIds = requestIds;
        Principal = principal;
    }

    public AwsPrincipal Principal { get; }

    public Task<Vpc> CreateVpcAsync(CreateVpcRequest request, CancellationToken cancellationToken = default)
        => Call("CreateVpc", () => _backend.CreateVpc(request));

    public Task<VpcCidrBlockAssociation> AssociateVpcCidrBlockAsync(string vpcId, string cidrBlock, CancellationToken cancellationToken = default)
        => Call("AssociateVpcCidrBlock", () => _backend.AssociateVpcCidrBlock(vpcId, cidrBlock));

    public Task<VpcCidrBlockAssociation> DisassociateVpcCidrBlockAsync(string associationId, CancellationToken cancellationToken = default)
        => Call("DisassociateVpcCidrBlock", () => _backend.DisassociateVpcCidrBlock(associationId));

    public Task<IReadOnlyList<Vpc>> DescribeVpcsAsync(DescribeRequest? request = null, CancellationToken cancellationToken = default)
        => Call("DescribeVpcs", () => _backend.DescribeVpcs(request), request);

    public Task DeleteVpcAsync(string vpcId, CancellationToken cancellationToken = default)
        => Call("DeleteVpc", () => _backend.DeleteVpc(vpcId));

    public Task<Subnet> CreateSubnetAsync(CreateSubnetRequest request, CancellationToken cancellationToken = default)
        => Call("CreateSubnet", () => _backend.CreateSubnet(request));

    public Task<IReadOnlyList<Subnet>> DescribeSubnetsAsync(DescribeRequest? request = null, CancellationToken cancellationToken = default)
        => Call("DescribeSubnets", () => _backend.DescribeSubnets(request), request);

    public Task DeleteSubnetAsync(string subnetId, CancellationToken cancellationToken = default)
        => Call("DeleteSubnet", () => _backend.DeleteSubnet(subnetId));

    public Task ModifySubnetAttributeAsync(string subnetId, bool? mapPublicIpOnLaunch, bool? assignIpv6AddressOnCreation, bool? enableDns64 = null, CancellationToken cancellationToken = default)
        => Call("ModifySubnetAttribute", () => _backend.ModifySubnetAttribute(subnetId, mapPublicIpOnLaunch, assignIpv6AddressOnCreation, enableDns64));

    public Task<string> CreateSecurityGroupAsync(CreateSecurityGroupRequest request, CancellationToken cancellationToken = default)
        => Call("CreateSecurityGroup", () => _backend.CreateSecurityGroup(request));

    public Task<IReadOnlyList<SecurityGroup>> DescribeSecurityGroupsAsync(DescribeRequest? request = null, CancellationToken cancellationToken = default)
        => Call("DescribeSecurityGroups", () => _backend.DescribeSecurityGroups(request), request);

    public Task<IReadOnlyList<SecurityGroupRule>> DescribeSecurityGroupRulesAsync(DescribeRequest? request = null, CancellationToken cancellationToken = default)
        => Call("DescribeSecurityGroupRules", () => _backend.DescribeSecurityGroupRules(request), request);

    public Task<IReadOnlyList<SecurityGroupRule>> AuthorizeSecurityGroupIngressAsync(string groupId, IReadOnlyList<IpPermission> permissions, CancellationToken cancellationToken = default)
        => Call("AuthorizeSecurityGroupIngress", () => _backend.AuthorizeSecurityGroupIngress(groupId, permissions));

    public Task<IReadOnlyList<SecurityGroupRule>> AuthorizeSecurityGroupEgressAsync(string groupId, IReadOnlyList<IpPermission> permissions, CancellationToken cancellationToken = default)
        => Call("AuthorizeSecurityGroupEgress", () => _backend.AuthorizeSecurityGroupEgress(groupId, permissions));

    public Task<RevokeSecurityGroupResult> RevokeSecurityGroupIngressAsync(RevokeSecurityGroupRequest request, CancellationToken cancellationToken = default)
        => Call("RevokeSecurityGroupIngress", () => _backend.RevokeSecurityGroupIngress(request));

    public Task<RevokeSecurityGroupResult> RevokeSecurityGroupEgressAsync(RevokeSecurityGroupRequest request, CancellationToken cancellationToken = default)
        => Call("RevokeSecurityGroupEgress", () => _backend.RevokeSecurityGroupEgress(request));

    public Task DeleteSecurityGroupAsync(string groupId, CancellationToken cancellationToken = default)
        => Call("DeleteSecurityGroup", () => _backend.DeleteSecurityGroup(groupId));

    public Task<NetworkInterface> CreateNetworkInterfaceAsync(CreateNetworkInterfaceRequest request, CancellationToken cancellationToken = default)
        => Call("CreateNetworkInterface", () => _backend.CreateNetworkInterface(request));

    public Task<IReadOnlyList<NetworkInterface>> DescribeNetworkInterfacesAsync(DescribeRequest? request = null, CancellationToken cancellationToken = default)
        => Call("DescribeNetworkInterfaces", () => _backend.DescribeNetworkInterfaces(request), request);

    public Task<string> AttachNetworkInterfaceAsync(AttachNetworkInterfaceRequest request, CancellationToken cancellationToken = default)
        => Call("AttachNetworkInterface", () => _backend.AttachNetworkInterface(request));

    public Task DetachNetworkInterfaceAsync(DetachNetworkInterfaceRequest request, CancellationToken cancellationToken = default)
        => Call("DetachNetworkInterface", () => _backend.DetachNetworkInterface(request));

    public Task DeleteNetworkInterfaceAsync(string networkInterfaceId, CancellationToken cancellationToken = default)
        => Call("DeleteNetworkInterface", () => _backend.DeleteNetworkInterface(networkInterfaceId));

    public Task ModifyNetworkInterfaceAttributeAsync(ModifyNetworkInterfaceAttributeRequest request, CancellationToken cancellationToken = default)
        => Call("ModifyNetworkInterfaceAttribute", () => _backend.ModifyNetworkInterfaceAttribute(request));

    public Task<AssignPrivateIpAddressesResult> AssignPrivateIpAddressesAsync(AssignPrivateIpAddressesRequest request, CancellationToken cancellationToken = default)
        => Call("AssignPrivateIpAddresses", () => _backend.AssignPrivateIpAddresses(request));

    public Task UnassignPrivateIpAddressesAsync(UnassignPrivateIpAddressesRequest request, CancellationToken cancellationToken = default)
        => Call("UnassignPrivateIpAddresses", () => _backend.UnassignPrivateIpAddresses(request));

    public Task<AssignIpv6AddressesResult> AssignIpv6AddressesAsync(AssignIpv6AddressesRequest request, CancellationToken cancellationToken = default)
        => Call("AssignIpv6Addresses", () => _backend.AssignIpv6Addresses(request));

    public Task<UnassignIpv6AddressesResult> UnassignIpv6AddressesAsync(UnassignIpv6AddressesRequest request, CancellationToken cancellationToken = default)
        => Call("UnassignIpv6Addresses", () => _backend.UnassignIpv6Addresses(request));

    public Task<TrunkInterfaceAssociation> AssociateTrunkInterfaceAsync(AssociateTrunkInterfaceRequest request, CancellationToken cancellationToken = default)
        => Call("AssociateTrunkInterface", () => _backend.AssociateTrunkInterface(request));

    public Task<TrunkInterfaceAssociation> DisassociateTrunkInterfaceAsync(string associationId, CancellationToken cancellationToken = default)
        => Call("DisassociateTrunkInterface", () => _backend.DisassociateTrunkInterface(associationId));

    public Task<IReadOnlyList<TrunkInterfaceAssociation>> DescribeTrunkInterfaceAssociationsAsync(DescribeRequest? request = null, CancellationToken cancellationToken = default)
        => Call("DescribeTrunkInterfaceAssociations", () => _backend.DescribeTrunkInterfaceAssociations(request), request);

    public Task<Reservation> RunInstancesAsync(RunInstancesRequest request, CancellationToken cancellationToken = default)
        => Call("RunInstances", () => _backend.RunInstances(request), instances: request.MaxCount);

    public Task<IReadOnlyList<InstanceStateChange>> TerminateInstancesAsync(IReadOnlyList<string> instanceIds, CancellationToken cancellationToken = default)
        => Call("TerminateInstances", () => _backend.TerminateInstances(instanceIds), instances: instanceIds.Count);

    public Task<IReadOnlyList<Reservation>> DescribeInstancesAsync(DescribeRequest? request = null, CancellationToken cancellationToken = default)
        => Call("DescribeInstances", () => _backend.DescribeInstances(request), request);

    public Task<IReadOnlyList<InstanceTypeInfo>> DescribeInstanceTypesAsync(IReadOnlyList<string>? instanceTypes = null, CancellationToken cancellationToken = default)
        => Call("DescribeInstanceTypes", () => _backend.DescribeInstanceTypes(instanceTypes));

    public Task<IReadOnlyList<AvailabilityZone>> DescribeAvailabilityZonesAsync(DescribeAvailabilityZonesRequest? request = null, CancellationToken cancellationToken = default)
        => Call("DescribeAvailabilityZones", () => _backend.DescribeAvailabilityZones(request), new DescribeRequest(null, request?.Filters));

    public Task CreateTagsAsync(IReadOnlyList<string> resourceIds, IReadOnlyList<Tag> tags, CancellationToken cancellationToken = default)
        => Call("CreateTags", () => _backend.CreateTags(resourceIds, tags));

    public Task DeleteTagsAsync(IReadOnlyList<string> resourceIds, IReadOnlyList<string> keys, CancellationToken cancellationToken = default)
        => Call("DeleteTags", () => _backend.DeleteTags(resourceIds, keys));

    public Task<RouteTable> CreateRouteTableAsync(string vpcId, IReadOnlyList<Tag>? tags = null, CancellationToken cancellationToken = default)
        => Call("CreateRouteTable", () => _backend.CreateRouteTable(vpcId, tags));

    public Task<IReadOnlyList<RouteTable>> DescribeRouteTablesAsync(DescribeRequest? request = null, CancellationToken cancellationToken = default)
        => Call("DescribeRouteTables", () => _backend.DescribeRouteTables(request), request);

    public Task DeleteRouteTableAsync(string routeTableId, CancellationToken cancellationToken = default)
        => Call("DeleteRouteTable", () => _backend.DeleteRouteTable(routeTableId));

    public Task CreateRouteAsync(CreateRouteRequest request, CancellationToken cancellationToken = default)
        => Call("CreateRoute", () => _backend.CreateRoute(request));

    public Task DeleteRouteAsync(string routeTableId, string destination, CancellationToken cancellationToken = default)
        => Call("DeleteRoute", () => _backend.DeleteRoute(routeTableId, destination));

    public Task<string> AssociateRouteTableAsync(string routeTableId, string subnetId, CancellationToken cancellationToken = default)
        => Call("AssociateRouteTable", () => _backend.AssociateRouteTable(routeTableId, subnetId));

    public Task DisassociateRouteTableAsync(string associationId, CancellationToken cancellationToken = default)
        => Call("DisassociateRouteTable", () => _backend.DisassociateRouteTable(associationId));

    public Task<InternetGateway> CreateInternetGatewayAsync(IReadOnlyList<Tag>? tags = null, CancellationToken cancellationToken = default)
        => Call("CreateInternetGateway", () => _backend.CreateInternetGateway(tags));

    public Task AttachInternetGatewayAsync(string internetGatewayId, string vpcId, CancellationToken cancellationToken = default)
        => Call("AttachInternetGateway", () => _backend.AttachInternetGateway(internetGatewayId, vpcId));

    public Task DetachInternetGatewayAsync(string internetGatewayId, string vpcId, CancellationToken cancellationToken = default)
        => Call("DetachInternetGateway", () => _backend.DetachInternetGateway(internetGatewayId, vpcId));

    public Task DeleteInternetGatewayAsync(string internetGatewayId, CancellationToken cancellationToken = default)
        => Call("DeleteInternetGateway", () => _backend.DeleteInternetGateway(internetGatewayId));

    public Task<IReadOnlyList<InternetGateway>> DescribeInternetGatewaysAsync(DescribeRequest? request = null, CancellationToken cancellationToken = default)
        => Call("DescribeInternetGateways", () => _backend.DescribeInternetGateways(request), request);

    public Task<EgressOnlyInternetGateway> CreateEgressOnlyInternetGatewayAsync(string vpcId, IReadOnlyList<Tag>? tags = null, CancellationToken cancellationToken = default)
        => Call("CreateEgressOnlyInternetGateway", () => _backend.CreateEgressOnlyInternetGateway(vpcId, tags));

    public Task DeleteEgressOnlyInternetGatewayAsync(string egressOnlyInternetGatewayId, CancellationToken cancellationToken = default)
        => Call("DeleteEgressOnlyInternetGateway", () => _backend.DeleteEgressOnlyInternetGateway(egressOnlyInternetGatewayId));

    public Task<IReadOnlyList<EgressOnlyInternetGateway>> DescribeEgressOnlyInternetGatewaysAsync(DescribeRequest? request = null, CancellationToken cancellationToken = default)
        => Call("DescribeEgressOnlyInternetGateways", () => _backend.DescribeEgressOnlyInternetGateways(request), request);

    public Task<Address> AllocateAddressAsync(string? domain = "vpc", IReadOnlyList<Tag>? tags = null, CancellationToken cancellationToken = default)
        => Call("AllocateAddress", () => _backend.AllocateAddress(domain, tags));

    public Task ReleaseAddressAsync(string allocationId, CancellationToken cancellationToken = default)
        => Call("ReleaseAddress", () => _backend.ReleaseAddress(allocationId));

    public Task<string> AssociateAddressAsync(string allocationId, string? instanceId, string? networkInterfaceId, string? privateIpAddress = null, bool allowReassociation = false, CancellationToken cancellationToken = default)
        => Call("AssociateAddress", () => _backend.AssociateAddress(allocationId, instanceId, networkInterfaceId, privateIpAddress, allowReassociation));

    public Task DisassociateAddressAsync(string associationId, CancellationToken cancellationToken = default)
        => Call("DisassociateAddress", () => _backend.DisassociateAddress(associationId));

    public Task<IReadOnlyList<Address>> DescribeAddressesAsync(DescribeRequest? request = null, IReadOnlyList<string>? publicIps = null, CancellationToken cancellationToken = default)
        => Call("DescribeAddresses", () => _backend.DescribeAddresses(request, publicIps), request);

    public Task<NatGateway> CreateNatGatewayAsync(CreateNatGatewayRequest request, CancellationToken cancellationToken = default)
        => Call("CreateNatGateway", () => _backend.CreateNatGateway(request));

    public Task<IReadOnlyList<NatGateway>> DescribeNatGatewaysAsync(DescribeRequest? request = null, CancellationToken cancellationToken = default)
        => Call("DescribeNatGateways", () => _backend.DescribeNatGateways(request), request);

    public Task<string> DeleteNatGatewayAsync(string natGatewayId, CancellationToken cancellationToken = default)
        => Call("DeleteNatGateway", () => _backend.DeleteNatGateway(natGatewayId));

    public Task<ManagedPrefixList> CreateManagedPrefixListAsync(CreateManagedPrefixListRequest request, CancellationToken cancellationToken = default)
        => Call("CreateManagedPrefixList", () => _backend.CreateManagedPrefixList(request));

    public Task<IReadOnlyList<ManagedPrefixList>> DescribeManagedPrefixListsAsync(DescribeRequest? request = null, CancellationToken cancellationToken = default)
        => Call("DescribeManagedPrefixLists", () => _backend.DescribeManagedPrefixLists(request), request);

    public Task<IReadOnlyList<PrefixListEntry>> GetManagedPrefixListEntriesAsync(string prefixListId, CancellationToken cancellationToken = default)
        => Call("GetManagedPrefixListEntries", () => _backend.GetManagedPrefixListEntries(prefixListId));

    public Task<IReadOnlyList<PrefixList>> DescribePrefixListsAsync(DescribeRequest? request = null, CancellationToken cancellationToken = default)
        => Call("DescribePrefixLists", () => _backend.DescribePrefixLists(request), request);

    public Task<ManagedPrefixList> ModifyManagedPrefixListAsync(ModifyManagedPrefixListRequest request, CancellationToken cancellationToken = default)
        => Call("ModifyManagedPrefixList", () => _backend.ModifyManagedPrefixList(request));

    public Task<ManagedPrefixList> DeleteManagedPrefixListAsync(string prefixListId, CancellationToken cancellationToken = default)
        => Call("DeleteManagedPrefixList", () => _backend.DeleteManagedPrefixList(prefixListId));

    public Task<VpcEndpoint> CreateVpcEndpointAsync(CreateVpcEndpointRequest request, CancellationToken cancellationToken = default)
        => Call("CreateVpcEndpoint", () => _backend.CreateVpcEndpoint(request));

    public Task<IReadOnlyList<VpcEndpoint>> DescribeVpcEndpointsAsync(DescribeRequest? request = null, CancellationToken cancellationToken = default)
        => Call("DescribeVpcEndpoints", () => _backend.DescribeVpcEndpoints(request), request);

    public Task ModifyVpcEndpointAsync(ModifyVpcEndpointRequest request, CancellationToken cancellationToken = default)
        => Call("ModifyVpcEndpoint", () => _backend.ModifyVpcEndpoint(request));

    public Task<IReadOnlyList<UnsuccessfulItem>> DeleteVpcEndpointsAsync(IReadOnlyList<string> vpcEndpointIds, CancellationToken cancellationToken = default)
        => Call("DeleteVpcEndpoints", () => _backend.DeleteVpcEndpoints(vpcEndpointIds));

    private Task Call(string operation, Action action)
        => Call<object?>(operation, () =>
        {
            action();
            return null;
        });

    private Task<T> Call<T>(string operation, Func<T> action, DescribeRequest? describe = null, int instances = 0)
    {
        try
        {
            // EC2 authorizes before it throttles: a denied call costs no token.
            if (!_iam.IsAllowed(Principal, "ec2:" + operation))
            {
                throw Ec2Errors.Unauthorized(Principal.Arn, "ec2:" + operation);
            }

            _throttle?.Admit(operation, filteredOrPaginated: describe is { Filters.Count: > 0 } or { Ids.Count: > 0 }, instances);
            return Task.FromResult(action());
        }
        catch (AwsException e)
        {
            return Task.FromException<T>(e.InOperation("EC2", operation, _requestIds.NextRequestId()));
        }
    }
}

using Podnet.Aws.InstanceTypes;

namespace Podnet.Aws.Ec2;

/// <summary>
/// The EC2 API as the controllers use it, named as EC2 names its actions. The emulator implements it in process
/// (<see cref="Ec2Client"/>); a client for real EC2 can implement it too. Errors are <see cref="AwsException"/>s
/// carrying EC2's code and message.
/// </summary>
public interface IEc2
{
    Task<Vpc> CreateVpcAsync(CreateVpcRequest request, CancellationToken cancellationToken = default);

    Task<VpcCidrBlockAssociation> AssociateVpcCidrBlockAsync(string vpcId, string cidrBlock, CancellationToken cancellationToken = default);

    Task<VpcCidrBlockAssociation> DisassociateVpcCidrBlockAsync(string associationId, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<Vpc>> DescribeVpcsAsync(DescribeRequest? request = null, CancellationToken cancellationToken = default);

    Task DeleteVpcAsync(string vpcId, CancellationToken cancellationToken = default);

    Task<Subnet> CreateSubnetAsync(CreateSubnetRequest request, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<Subnet>> DescribeSubnetsAsync(DescribeRequest? request = null, CancellationToken cancellationToken = default);

    Task DeleteSubnetAsync(string subnetId, CancellationToken cancellationToken = default);

    /// <summary>ModifySubnetAttribute: <c>MapPublicIpOnLaunch</c>, <c>AssignIpv6AddressOnCreation</c> and <c>EnableDns64</c>, each when given.</summary>
    Task ModifySubnetAttributeAsync(string subnetId, bool? mapPublicIpOnLaunch, bool? assignIpv6AddressOnCreation, bool? enableDns64 = null, CancellationToken cancellationToken = default);

    Task<string> CreateSecurityGroupAsync(CreateSecurityGroupRequest request, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<SecurityGroup>> DescribeSecurityGroupsAsync(DescribeRequest? request = null, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<SecurityGroupRule>> DescribeSecurityGroupRulesAsync(DescribeRequest? request = null, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<SecurityGroupRule>> AuthorizeSecurityGroupIngressAsync(string groupId, IReadOnlyList<IpPermission> permissions, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<SecurityGroupRule>> AuthorizeSecurityGroupEgressAsync(string groupId, IReadOnlyList<IpPermission> permissions, CancellationToken cancellationToken = default);

    Task<RevokeSecurityGroupResult> RevokeSecurityGroupIngressAsync(RevokeSecurityGroupRequest request, CancellationToken cancellationToken = default);

    Task<RevokeSecurityGroupResult> RevokeSecurityGroupEgressAsync(RevokeSecurityGroupRequest request, CancellationToken cancellationToken = default);

    Task DeleteSecurityGroupAsync(string groupId, CancellationToken cancellationToken = default);

    Task<NetworkInterface> CreateNetworkInterfaceAsync(CreateNetworkInterfaceRequest request, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<NetworkInterface>> DescribeNetworkInterfacesAsync(DescribeRequest? request = null, CancellationToken cancellationToken = default);

    Task<string> AttachNetworkInterfaceAsync(AttachNetworkInterfaceRequest request, CancellationToken cancellationToken = default);

    Task DetachNetworkInterfaceAsync(DetachNetworkInterfaceRequest request, CancellationToken cancellationToken = default);

    Task DeleteNetworkInterfaceAsync(string networkInterfaceId, CancellationToken cancellationToken = default);

    Task ModifyNetworkInterfaceAttributeAsync(ModifyNetworkInterfaceAttributeRequest request, CancellationToken cancellationToken = default);

    Task<AssignPrivateIpAddressesResult> AssignPrivateIpAddressesAsync(AssignPrivateIpAddressesRequest request, CancellationToken cancellationToken = default);

    Task UnassignPrivateIpAddressesAsync(UnassignPrivateIpAddressesRequest request, CancellationToken cancellationToken = default);

    /// <summary>AssignIpv6Addresses: IPv6 addresses and /80 prefixes from the interface's subnet's /64.</summary>
    Task<AssignIpv6AddressesResult> AssignIpv6AddressesAsync(AssignIpv6AddressesRequest request, CancellationToken cancellationToken = default);

    /// <summary>UnassignIpv6Addresses: gives back IPv6 addresses and prefixes of an interface.</summary>
    Task<UnassignIpv6AddressesResult> UnassignIpv6AddressesAsync(UnassignIpv6AddressesRequest request, CancellationToken cancellationToken = default);

    Task<TrunkInterfaceAssociation> AssociateTrunkInterfaceAsync(AssociateTrunkInterfaceRequest request, CancellationToken cancellationToken = default);

    Task<TrunkInterfaceAssociation> DisassociateTrunkInterfaceAsync(string associationId, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<TrunkInterfaceAssociation>> DescribeTrunkInterfaceAssociationsAsync(DescribeRequest? request = null, CancellationToken cancellationToken = default);

    Task<Reservation> RunInstancesAsync(RunInstancesRequest request, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<InstanceStateChange>> TerminateInstancesAsync(IReadOnlyList<string> instanceIds, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<Reservation>> DescribeInstancesAsync(DescribeRequest? request = null, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<InstanceTypeInfo>> DescribeInstanceTypesAsync(IReadOnlyList<string>? instanceTypes = null, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<AvailabilityZone>> DescribeAvailabilityZonesAsync(DescribeAvailabilityZonesRequest? request = null, CancellationToken cancellationToken = default);

    Task CreateTagsAsync(IReadOnlyList<string> resourceIds, IReadOnlyList<Tag> tags, CancellationToken cancellationToken = default);

    Task DeleteTagsAsync(IReadOnlyList<string> resourceIds, IReadOnlyList<string> keys, CancellationToken cancellationToken = default);

    Task<RouteTable> CreateRouteTableAsync(string vpcId, IReadOnlyList<Tag>? tags = null, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<RouteTable>> DescribeRouteTablesAsync(DescribeRequest? request = null, CancellationToken cancellationToken = default);

    Task DeleteRouteTableAsync(string routeTableId, CancellationToken cancellationToken = default);

    Task CreateRouteAsync(CreateRouteRequest request, CancellationToken cancellationToken = default);

    /// <summary>DeleteRoute: <paramref name="destination"/> is the route's CIDR block (IPv4, or IPv6 such as <c>::/0</c>) or its prefix list's ID (<c>pl-…</c>).</summary>
    Task DeleteRouteAsync(string routeTableId, string destination, CancellationToken cancellationToken = default);

    /// <summary>Returns the association ID (<c>rtbassoc-…</c>).</summary>
    Task<string> AssociateRouteTableAsync(string routeTableId, string subnetId, CancellationToken cancellationToken = default);

    Task DisassociateRouteTableAsync(string associationId, CancellationToken cancellationToken = default);

    Task<InternetGateway> CreateInternetGatewayAsync(IReadOnlyList<Tag>? tags = null, CancellationToken cancellationToken = default);

    Task AttachInternetGatewayAsync(string internetGatewayId, string vpcId, CancellationToken cancellationToken = default);

    Task DetachInternetGatewayAsync(string internetGatewayId, string vpcId, CancellationToken cancellationToken = default);

    Task DeleteInternetGatewayAsync(string internetGatewayId, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<InternetGateway>> DescribeInternetGatewaysAsync(DescribeRequest? request = null, CancellationToken cancellationToken = default);

    /// <summary>CreateEgressOnlyInternetGateway: a gateway made for, and attached to, <paramref name="vpcId"/>.</summary>
    Task<EgressOnlyInternetGateway> CreateEgressOnlyInternetGatewayAsync(string vpcId, IReadOnlyList<Tag>? tags = null, CancellationToken cancellationToken = default);

    /// <summary>DeleteEgressOnlyInternetGateway; the routes naming it become blackholes.</summary>
    Task DeleteEgressOnlyInternetGatewayAsync(string egressOnlyInternetGatewayId, CancellationToken cancellationToken = default);

    /// <summary>DescribeEgressOnlyInternetGateways by ID and tag filters.</summary>
    Task<IReadOnlyList<EgressOnlyInternetGateway>> DescribeEgressOnlyInternetGatewaysAsync(DescribeRequest? request = null, CancellationToken cancellationToken = default);

    Task<Address> AllocateAddressAsync(string? domain = "vpc", IReadOnlyList<Tag>? tags = null, CancellationToken cancellationToken = default);

    Task ReleaseAddressAsync(string allocationId, CancellationToken cancellationToken = default);

    /// <summary>AssociateAddress: an Elastic IP on an instance's only interface or a given interface; the association ID (see <see cref="Ec2Backend.AssociateAddress"/>).</summary>
    Task<string> AssociateAddressAsync(string allocationId, string? instanceId, string? networkInterfaceId, string? privateIpAddress = null, bool allowReassociation = false, CancellationToken cancellationToken = default);

    /// <summary>DisassociateAddress by association ID (see <see cref="Ec2Backend.DisassociateAddress"/>).</summary>
    Task DisassociateAddressAsync(string associationId, CancellationToken cancellationToken = default);

    /// <summary>Addresses by allocation ID (the request's IDs), public IP, and filters.</summary>
    Task<IReadOnlyList<Address>> DescribeAddressesAsync(DescribeRequest? request = null, IReadOnlyList<string>? publicIps = null, CancellationToken cancellationToken = default);

    Task<NatGateway> CreateNatGatewayAsync(CreateNatGatewayRequest request, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<NatGateway>> DescribeNatGatewaysAsync(DescribeRequest? request = null, CancellationToken cancellationToken = default);

    /// <summary>Returns the gateway's ID.</summary>
    Task<string> DeleteNatGatewayAsync(string natGatewayId, CancellationToken cancellationToken = default);

    Task<ManagedPrefixList> CreateManagedPrefixListAsync(CreateManagedPrefixListRequest request, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<ManagedPrefixList>> DescribeManagedPrefixListsAsync(DescribeRequest? request = null, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<PrefixListEntry>> GetManagedPrefixListEntriesAsync(string prefixListId, CancellationToken cancellationToken = default);

    /// <summary>DescribePrefixLists: the region's AWS service lists (S3, DynamoDB) and their CIDR blocks.</summary>
    Task<IReadOnlyList<PrefixList>> DescribePrefixListsAsync(DescribeRequest? request = null, CancellationToken cancellationToken = default);

    /// <summary>ModifyManagedPrefixList: returns the list as EC2 answers, <c>modify-in-progress</c>.</summary>
    Task<ManagedPrefixList> ModifyManagedPrefixListAsync(ModifyManagedPrefixListRequest request, CancellationToken cancellationToken = default);

    /// <summary>Returns the list as EC2 answers, <c>delete-in-progress</c>.</summary>
    Task<ManagedPrefixList> DeleteManagedPrefixListAsync(string prefixListId, CancellationToken cancellationToken = default);

    /// <summary>CreateVpcEndpoint: a gateway endpoint and its routes (<see cref="Ec2Backend.CreateVpcEndpoint"/>).</summary>
    Task<VpcEndpoint> CreateVpcEndpointAsync(CreateVpcEndpointRequest request, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<VpcEndpoint>> DescribeVpcEndpointsAsync(DescribeRequest? request = null, CancellationToken cancellationToken = default);

    /// <summary>ModifyVpcEndpoint: route tables added or removed, the policy set or reset.</summary>
    Task ModifyVpcEndpointAsync(ModifyVpcEndpointRequest request, CancellationToken cancellationToken = default);

    /// <summary>DeleteVpcEndpoints: returns the IDs it could not delete, with EC2's error for each.</summary>
    Task<IReadOnlyList<UnsuccessfulItem>> DeleteVpcEndpointsAsync(IReadOnlyList<string> vpcEndpointIds, CancellationToken cancellationToken = default);
}

using Podnet.Aws.InstanceTypes;

namespace Podnet.Aws.Ec2;

/// <summary>
/// An <see cref="IEc2"/> that hands every call to another one through <see cref="Call{T}"/>, so that what stands
/// between a controller and EC2 — the SDK's retryer (<see cref="StandardRetryer"/>), injected faults
/// (<see cref="Faults.FaultInjectingEc2"/>) — is written once, not once per action. Every action is virtual, for a
/// layer that treats one action apart.
/// </summary>
public abstract class DelegatingEc2 : IEc2
{
    protected DelegatingEc2(IEc2 inner)
    {
        Inner = inner;
    }

    /// <summary>The EC2 the calls go on to.</summary>
    protected IEc2 Inner { get; }

    /// <summary>
    /// Makes one call: <paramref name="operation"/> is EC2's action name (<c>CreateNetworkInterface</c>),
    /// <paramref name="describe"/> the IDs and filters of a Describe action (null for others), <paramref name="call"/>
    /// the call on <see cref="Inner"/>. Errors are <see cref="AwsException"/>s in a faulted task.
    /// </summary>
    protected abstract Task<T> Call<T>(string operation, DescribeRequest? describe, Func<Task<T>> call);

    /// <inheritdoc/>
    public virtual Task<Vpc> CreateVpcAsync(CreateVpcRequest request, CancellationToken cancellationToken = default)
        => Call("CreateVpc", null, () => Inner.CreateVpcAsync(request, cancellationToken));

    /// <inheritdoc/>
    public virtual Task<VpcCidrBlockAssociation> AssociateVpcCidrBlockAsync(string vpcId, string cidrBlock, CancellationToken cancellationToken = default)
        => Call("AssociateVpcCidrBlock", null, () => Inner.AssociateVpcCidrBlockAsync(vpcId, cidrBlock, cancellationToken));

    /// <inheritdoc/>
    public virtual Task<VpcCidrBlockAssociation> DisassociateVpcCidrBlockAsync(string associationId, CancellationToken cancellationToken = default)
        => Call("DisassociateVpcCidrBlock", null, () => Inner.DisassociateVpcCidrBlockAsync(associationId, cancellationToken));

    /// <inheritdoc/>
    public virtual Task<IReadOnlyList<Vpc>> DescribeVpcsAsync(DescribeRequest? request = null, CancellationToken cancellationToken = default)
        => Call("DescribeVpcs", request, () => Inner.DescribeVpcsAsync(request, cancellationToken));

    /// <inheritdoc/>
    public virtual Task DeleteVpcAsync(string vpcId, CancellationToken cancellationToken = default)
        => Call("DeleteVpc", null, async () =>
        {
            await Inner.DeleteVpcAsync(vpcId, cancellationToken).ConfigureAwait(false);
            return true;
        });

    /// <inheritdoc/>
    public virtual Task<Subnet> CreateSubnetAsync(CreateSubnetRequest request, CancellationToken cancellationToken = default)
        => Call("CreateSubnet", null, () => Inner.CreateSubnetAsync(request, cancellationToken));

    /// <inheritdoc/>
    public virtual Task<IReadOnlyList<Subnet>> DescribeSubnetsAsync(DescribeRequest? request = null, CancellationToken cancellationToken = default)
        => Call("DescribeSubnets", request, () => Inner.DescribeSubnetsAsync(request, cancellationToken));

    /// <inheritdoc/>
    public virtual Task DeleteSubnetAsync(string subnetId, CancellationToken cancellationToken = default)
        => Call("DeleteSubnet", null, async () =>
        {
            await Inner.DeleteSubnetAsync(subnetId, cancellationToken).ConfigureAwait(false);
            return true;
        });

    /// <inheritdoc/>
    public virtual Task ModifySubnetAttributeAsync(string subnetId, bool? mapPublicIpOnLaunch, bool? assignIpv6AddressOnCreation, bool? enableDns64 = null, CancellationToken cancellationToken = default)
        => Call("ModifySubnetAttribute", null, async () =>
        {
            await Inner.ModifySubnetAttributeAsync(subnetId, mapPublicIpOnLaunch, assignIpv6AddressOnCreation, enableDns64, cancellationToken).ConfigureAwait(false);
            return true;
        });

    /// <inheritdoc/>
    public virtual Task<string> CreateSecurityGroupAsync(CreateSecurityGroupRequest request, CancellationToken cancellationToken = default)
        => Call("CreateSecurityGroup", null, () => Inner.CreateSecurityGroupAsync(request, cancellationToken));

    /// <inheritdoc/>
    public virtual Task<IReadOnlyList<SecurityGroup>> DescribeSecurityGroupsAsync(DescribeRequest? request = null, CancellationToken cancellationToken = default)
        => Call("DescribeSecurityGroups", request, () => Inner.DescribeSecurityGroupsAsync(request, cancellationToken));

    /// <inheritdoc/>
    public virtual Task<IReadOnlyList<SecurityGroupRule>> DescribeSecurityGroupRulesAsync(DescribeRequest? request = null, CancellationToken cancellationToken = default)
        => Call("DescribeSecurityGroupRules", request, () => Inner.DescribeSecurityGroupRulesAsync(request, cancellationToken));

    /// <inheritdoc/>
    public virtual Task<IReadOnlyList<SecurityGroupRule>> AuthorizeSecurityGroupIngressAsync(string groupId, IReadOnlyList<IpPermission> permissions, CancellationToken cancellationToken = default)
        => Call("AuthorizeSecurityGroupIngress", null, () => Inner.AuthorizeSecurityGroupIngressAsync(groupId, permissions, cancellationToken));

    /// <inheritdoc/>
    public virtual Task<IReadOnlyList<SecurityGroupRule>> AuthorizeSecurityGroupEgressAsync(string groupId, IReadOnlyList<IpPermission> permissions, CancellationToken cancellationToken = default)
        => Call("AuthorizeSecurityGroupEgress", null, () => Inner.AuthorizeSecurityGroupEgressAsync(groupId, permissions, cancellationToken));

    /// <inheritdoc/>
    public virtual Task<RevokeSecurityGroupResult> RevokeSecurityGroupIngressAsync(RevokeSecurityGroupRequest request, CancellationToken cancellationToken = default)
        => Call("RevokeSecurityGroupIngress", null, () => Inner.RevokeSecurityGroupIngressAsync(request, cancellationToken));

    /// <inheritdoc/>
    public virtual Task<RevokeSecurityGroupResult> RevokeSecurityGroupEgressAsync(RevokeSecurityGroupRequest request, CancellationToken cancellationToken = default)
        => Call("RevokeSecurityGroupEgress", null, () => Inner.RevokeSecurityGroupEgressAsync(request, cancellationToken));

    /// <inheritdoc/>
    public virtual Task DeleteSecurityGroupAsync(string groupId, CancellationToken cancellationToken = default)
        => Call("DeleteSecurityGroup", null, async () =>
        {
            await Inner.DeleteSecurityGroupAsync(groupId, cancellationToken).ConfigureAwait(false);
            return true;
        });

    /// <inheritdoc/>
    public virtual Task<NetworkInterface> CreateNetworkInterfaceAsync(CreateNetworkInterfaceRequest request, CancellationToken cancellationToken = default)
        => Call("CreateNetworkInterface", null, () => Inner.CreateNetworkInterfaceAsync(request, cancellationToken));

    /// <inheritdoc/>
    public virtual Task<IReadOnlyList<NetworkInterface>> DescribeNetworkInterfacesAsync(DescribeRequest? request = null, CancellationToken cancellationToken = default)
        => Call("DescribeNetworkInterfaces", request, () => Inner.DescribeNetworkInterfacesAsync(request, cancellationToken));

    /// <inheritdoc/>
    public virtual Task<string> AttachNetworkInterfaceAsync(AttachNetworkInterfaceRequest request, CancellationToken cancellationToken = default)
        => Call("AttachNetworkInterface", null, () => Inner.AttachNetworkInterfaceAsync(request, cancellationToken));

    /// <inheritdoc/>
    public virtual Task DetachNetworkInterfaceAsync(DetachNetworkInterfaceRequest request, CancellationToken cancellationToken = default)
        => Call("DetachNetworkInterface", null, async () =>
        {
            await Inner.DetachNetworkInterfaceAsync(request, cancellationToken).ConfigureAwait(false);
            return true;
        });

    /// <inheritdoc/>
    public virtual Task DeleteNetworkInterfaceAsync(string networkInterfaceId, CancellationToken cancellationToken = default)
        => Call("DeleteNetworkInterface", null, async () =>
        {
            await Inner.DeleteNetworkInterfaceAsync(networkInterfaceId, cancellationToken).ConfigureAwait(false);
            return true;
        });

    /// <inheritdoc/>
    public virtual Task ModifyNetworkInterfaceAttributeAsync(ModifyNetworkInterfaceAttributeRequest request, CancellationToken cancellationToken = default)
        => Call("ModifyNetworkInterfaceAttribute", null, async () =>
        {
            await Inner.ModifyNetworkInterfaceAttributeAsync(request, cancellationToken).ConfigureAwait(false);
            return true;
        });

    /// <inheritdoc/>
    public virtual Task<AssignPrivateIpAddressesResult> AssignPrivateIpAddressesAsync(AssignPrivateIpAddressesRequest request, CancellationToken cancellationToken = default)
        => Call("AssignPrivateIpAddresses", null, () => Inner.AssignPrivateIpAddressesAsync(request, cancellationToken));

    /// <inheritdoc/>
    public virtual Task UnassignPrivateIpAddressesAsync(UnassignPrivateIpAddressesRequest request, CancellationToken cancellationToken = default)
        => Call("UnassignPrivateIpAddresses", null, async () =>
        {
            await Inner.UnassignPrivateIpAddressesAsync(request, cancellationToken).ConfigureAwait(false);
            return true;
        });

    /// <inheritdoc/>
    public virtual Task<AssignIpv6AddressesResult> AssignIpv6AddressesAsync(AssignIpv6AddressesRequest request, CancellationToken cancellationToken = default)
        => Call("AssignIpv6Addresses", null, () => Inner.AssignIpv6AddressesAsync(request, cancellationToken));

    /// <inheritdoc/>
    public virtual Task<UnassignIpv6AddressesResult> UnassignIpv6AddressesAsync(UnassignIpv6AddressesRequest request, CancellationToken cancellationToken = default)
        => Call("UnassignIpv6Addresses", null, () => Inner.UnassignIpv6AddressesAsync(request, cancellationToken));

    /// <inheritdoc/>
    public virtual Task<TrunkInterfaceAssociation> AssociateTrunkInterfaceAsync(AssociateTrunkInterfaceRequest request, CancellationToken cancellationToken = default)
        => Call("AssociateTrunkInterface", null, () => Inner.AssociateTrunkInterfaceAsync(request, cancellationToken));

    /// <inheritdoc/>
    public virtual Task<TrunkInterfaceAssociation> DisassociateTrunkInterfaceAsync(string associationId, CancellationToken cancellationToken = default)
        => Call("DisassociateTrunkInterface", null, () => Inner.DisassociateTrunkInterfaceAsync(associationId, cancellationToken));

    /// <inheritdoc/>
    public virtual Task<IReadOnlyList<TrunkInterfaceAssociation>> DescribeTrunkInterfaceAssociationsAsync(DescribeRequest? request = null, CancellationToken cancellationToken = default)
        => Call("DescribeTrunkInterfaceAssociations", request, () => Inner.DescribeTrunkInterfaceAssociationsAsync(request, cancellationToken));

    /// <inheritdoc/>
    public virtual Task<Reservation> RunInstancesAsync(RunInstancesRequest request, CancellationToken cancellationToken = default)
        => Call("RunInstances", null, () => Inner.RunInstancesAsync(request, cancellationToken));

    /// <inheritdoc/>
    public virtual Task<IReadOnlyList<InstanceStateChange>> TerminateInstancesAsync(IReadOnlyList<string> instanceIds, CancellationToken cancellationToken = default)
        => Call("TerminateInstances", null, () => Inner.TerminateInstancesAsync(instanceIds, cancellationToken));

    /// <inheritdoc/>
    public virtual Task<IReadOnlyList<Reservation>> DescribeInstancesAsync(DescribeRequest? request = null, CancellationToken cancellationToken = default)
        => Call("DescribeInstances", request, () => Inner.DescribeInstancesAsync(request, cancellationToken));

    /// <inheritdoc/>
    public virtual Task<IReadOnlyList<InstanceTypeInfo>> DescribeInstanceTypesAsync(IReadOnlyList<string>? instanceTypes = null, CancellationToken cancellationToken = default)
        => Call("DescribeInstanceTypes", null, () => Inner.DescribeInstanceTypesAsync(instanceTypes, cancellationToken));

    /// <inheritdoc/>
    public virtual Task<IReadOnlyList<AvailabilityZone>> DescribeAvailabilityZonesAsync(DescribeAvailabilityZonesRequest? request = null, CancellationToken cancellationToken = default)
        => Call("DescribeAvailabilityZones", new DescribeRequest(null, request?.Filters), () => Inner.DescribeAvailabilityZonesAsync(request, cancellationToken));

    /// <inheritdoc/>
    public virtual Task CreateTagsAsync(IReadOnlyList<string> resourceIds, IReadOnlyList<Tag> tags, CancellationToken cancellationToken = default)
        => Call("CreateTags", null, async () =>
        {
            await Inner.CreateTagsAsync(resourceIds, tags, cancellationToken).ConfigureAwait(false);
            return true;
        });

    /// <inheritdoc/>
    public virtual Task DeleteTagsAsync(IReadOnlyList<string> resourceIds, IReadOnlyList<string> keys, CancellationToken cancellationToken = default)
        => Call("DeleteTags", null, async () =>
        {
            await Inner.DeleteTagsAsync(resourceIds, keys, cancellationToken).ConfigureAwait(false);
            return true;
        });

    /// <inheritdoc/>
    public virtual Task<RouteTable> CreateRouteTableAsync(string vpcId, IReadOnlyList<Tag>? tags = null, CancellationToken cancellationToken = default)
        => Call("CreateRouteTable", null, () => Inner.CreateRouteTableAsync(vpcId, tags, cancellationToken));

    /// <inheritdoc/>
    public virtual Task<IReadOnlyList<RouteTable>> DescribeRouteTablesAsync(DescribeRequest? request = null, CancellationToken cancellationToken = default)
        => Call("DescribeRouteTables", request, () => Inner.DescribeRouteTablesAsync(request, cancellationToken));

    /// <inheritdoc/>
    public virtual Task DeleteRouteTableAsync(string routeTableId, CancellationToken cancellationToken = default)
        => Call("DeleteRouteTable", null, async () =>
        {
            await Inner.DeleteRouteTableAsync(routeTableId, cancellationToken).ConfigureAwait(false);
            return true;
        });

    /// <inheritdoc/>
    public virtual Task CreateRouteAsync(CreateRouteRequest request, CancellationToken cancellationToken = default)
        => Call("CreateRoute", null, async () =>
        {
            await Inner.CreateRouteAsync(request, cancellationToken).ConfigureAwait(false);
            return true;
        });

    /// <inheritdoc/>
    public virtual Task DeleteRouteAsync(string routeTableId, string destination, CancellationToken cancellationToken = default)
        => Call("DeleteRoute", null, async () =>
        {
            await Inner.DeleteRouteAsync(routeTableId, destination, cancellationToken).ConfigureAwait(false);
            return true;
        });

    /// <inheritdoc/>
    public virtual Task<string> AssociateRouteTableAsync(string routeTableId, string subnetId, CancellationToken cancellationToken = default)
        => Call("AssociateRouteTable", null, () => Inner.AssociateRouteTableAsync(routeTableId, subnetId, cancellationToken));

    /// <inheritdoc/>
    public virtual Task DisassociateRouteTableAsync(string associationId, CancellationToken cancellationToken = default)
        => Call("DisassociateRouteTable", null, async () =>
        {
            await Inner.DisassociateRouteTableAsync(associationId, cancellationToken).ConfigureAwait(false);
            return true;
        });

    /// <inheritdoc/>
    public virtual Task<InternetGateway> CreateInternetGatewayAsync(IReadOnlyList<Tag>? tags = null, CancellationToken cancellationToken = default)
        => Call("CreateInternetGateway", null, () => Inner.CreateInternetGatewayAsync(tags, cancellationToken));

    /// <inheritdoc/>
    public virtual Task AttachInternetGatewayAsync(string internetGatewayId, string vpcId, CancellationToken cancellationToken = default)
        => Call("AttachInternetGateway", null, async () =>
        {
            await Inner.AttachInternetGatewayAsync(internetGatewayId, vpcId, cancellationToken).ConfigureAwait(false);
            return true;
        });

    /// <inheritdoc/>
    public virtual Task DetachInternetGatewayAsync(string internetGatewayId, string vpcId, CancellationToken cancellationToken = default)
        => Call("DetachInternetGateway", null, async () =>
        {
            await Inner.DetachInternetGatewayAsync(internetGatewayId, vpcId, cancellationToken).ConfigureAwait(false);
            return true;
        });

    /// <inheritdoc/>
    public virtual Task DeleteInternetGatewayAsync(string internetGatewayId, CancellationToken cancellationToken = default)
        => Call("DeleteInternetGateway", null, async () =>
        {
            await Inner.DeleteInternetGatewayAsync(internetGatewayId, cancellationToken).ConfigureAwait(false);
            return true;
        });

    /// <inheritdoc/>
    public virtual Task<IReadOnlyList<InternetGateway>> DescribeInternetGatewaysAsync(DescribeRequest? request = null, CancellationToken cancellationToken = default)
        => Call("DescribeInternetGateways", request, () => Inner.DescribeInternetGatewaysAsync(request, cancellationToken));

    /// <inheritdoc/>
    public virtual Task<EgressOnlyInternetGateway> CreateEgressOnlyInternetGatewayAsync(string vpcId, IReadOnlyList<Tag>? tags = null, CancellationToken cancellationToken = default)
        => Call("CreateEgressOnlyInternetGateway", null, () => Inner.CreateEgressOnlyInternetGatewayAsync(vpcId, tags, cancellationToken));

    /// <inheritdoc/>
    public virtual Task DeleteEgressOnlyInternetGatewayAsync(string egressOnlyInternetGatewayId, CancellationToken cancellationToken = default)
        => Call("DeleteEgressOnlyInternetGateway", null, async () =>
        {
            await Inner.DeleteEgressOnlyInternetGatewayAsync(egressOnlyInternetGatewayId, cancellationToken).ConfigureAwait(false);
            return true;
        });

    /// <inheritdoc/>
    public virtual Task<IReadOnlyList<EgressOnlyInternetGateway>> DescribeEgressOnlyInternetGatewaysAsync(DescribeRequest? request = null, CancellationToken cancellationToken = default)
        => Call("DescribeEgressOnlyInternetGateways", request, () => Inner.DescribeEgressOnlyInternetGatewaysAsync(request, cancellationToken));

    /// <inheritdoc/>
    public virtual Task<Address> AllocateAddressAsync(string? domain = "vpc", IReadOnlyList<Tag>? tags = null, CancellationToken cancellationToken = default)
        => Call("AllocateAddress", null, () => Inner.AllocateAddressAsync(domain, tags, cancellationToken));

    /// <inheritdoc/>
    public virtual Task ReleaseAddressAsync(string allocationId, CancellationToken cancellationToken = default)
        => Call("ReleaseAddress", null, async () =>
        {
            await Inner.ReleaseAddressAsync(allocationId, cancellationToken).ConfigureAwait(false);
            return true;
        });

    /// <inheritdoc/>
    public virtual Task<string> AssociateAddressAsync(string allocationId, string? instanceId, string? networkInterfaceId, string? privateIpAddress = null, bool allowReassociation = false, CancellationToken cancellationToken = default)
        => Call("AssociateAddress", null, () => Inner.AssociateAddressAsync(allocationId, instanceId, networkInterfaceId, privateIpAddress, allowReassociation, cancellationToken));

    /// <inheritdoc/>
    public virtual Task DisassociateAddressAsync(string associationId, CancellationToken cancellationToken = default)
        => Call("DisassociateAddress", null, async () =>
        {
            await Inner.DisassociateAddressAsync(associationId, cancellationToken).ConfigureAwait(false);
            return true;
        });

    /// <inheritdoc/>
    public virtual Task<IReadOnlyList<Address>> DescribeAddressesAsync(DescribeRequest? request = null, IReadOnlyList<string>? publicIps = null, CancellationToken cancellationToken = default)
        => Call("DescribeAddresses", request, () => Inner.DescribeAddressesAsync(request, publicIps, cancellationToken));

    /// <inheritdoc/>
    public virtual Task<NatGateway> CreateNatGatewayAsync(CreateNatGatewayRequest request, CancellationToken cancellationToken = default)
        => Call("CreateNatGateway", null, () => Inner.CreateNatGatewayAsync(request, cancellationToken));

    /// <inheritdoc/>
    public virtual Task<IReadOnlyList<NatGateway>> DescribeNatGatewaysAsync(DescribeRequest? request = null, CancellationToken cancellationToken = default)
        => Call("DescribeNatGateways", request, () => Inner.DescribeNatGatewaysAsync(request, cancellationToken));

    /// <inheritdoc/>
    public virtual Task<string> DeleteNatGatewayAsync(string natGatewayId, CancellationToken cancellationToken = default)
        => Call("DeleteNatGateway", null, () => Inner.DeleteNatGatewayAsync(natGatewayId, cancellationToken));

    /// <inheritdoc/>
    public virtual Task<ManagedPrefixList> CreateManagedPrefixListAsync(CreateManagedPrefixListRequest request, CancellationToken cancellationToken = default)
        => Call("CreateManagedPrefixList", null, () => Inner.CreateManagedPrefixListAsync(request, cancellationToken));

    /// <inheritdoc/>
    public virtual Task<IReadOnlyList<ManagedPrefixList>> DescribeManagedPrefixListsAsync(DescribeRequest? request = null, CancellationToken cancellationToken = default)
        => Call("DescribeManagedPrefixLists", request, () => Inner.DescribeManagedPrefixListsAsync(request, cancellationToken));

    /// <inheritdoc/>
    public virtual Task<IReadOnlyList<PrefixListEntry>> GetManagedPrefixListEntriesAsync(string prefixListId, CancellationToken cancellationToken = default)
        => Call("GetManagedPrefixListEntries", null, () => Inner.GetManagedPrefixListEntriesAsync(prefixListId, cancellationToken));

    /// <inheritdoc/>
    public virtual Task<IReadOnlyList<PrefixList>> DescribePrefixListsAsync(DescribeRequest? request = null, CancellationToken cancellationToken = default)
        => Call("DescribePrefixLists", request, () => Inner.DescribePrefixListsAsync(request, cancellationToken));

    /// <inheritdoc/>
    public virtual Task<ManagedPrefixList> ModifyManagedPrefixListAsync(ModifyManagedPrefixListRequest request, CancellationToken cancellationToken = default)
        => Call("ModifyManagedPrefixList", null, () => Inner.ModifyManagedPrefixListAsync(request, cancellationToken));

    /// <inheritdoc/>
    public virtual Task<ManagedPrefixList> DeleteManagedPrefixListAsync(string prefixListId, CancellationToken cancellationToken = default)
        => Call("DeleteManagedPrefixList", null, () => Inner.DeleteManagedPrefixListAsync(prefixListId, cancellationToken));

    /// <inheritdoc/>
    public virtual Task<VpcEndpoint> CreateVpcEndpointAsync(CreateVpcEndpointRequest request, CancellationToken cancellationToken = default)
        => Call("CreateVpcEndpoint", null, () => Inner.CreateVpcEndpointAsync(request, cancellationToken));

    /// <inheritdoc/>
    public virtual Task<IReadOnlyList<VpcEndpoint>> DescribeVpcEndpointsAsync(DescribeRequest? request = null, CancellationToken cancellationToken = default)
        => Call("DescribeVpcEndpoints", request, () => Inner.DescribeVpcEndpointsAsync(request, cancellationToken));

    /// <inheritdoc/>
    public virtual Task ModifyVpcEndpointAsync(ModifyVpcEndpointRequest request, CancellationToken cancellationToken = default)
        => Call("ModifyVpcEndpoint", null, async () =>
        {
            await Inner.ModifyVpcEndpointAsync(request, cancellationToken).ConfigureAwait(false);
            return true;
        });

    /// <inheritdoc/>
    public virtual Task<IReadOnlyList<UnsuccessfulItem>> DeleteVpcEndpointsAsync(IReadOnlyList<string> vpcEndpointIds, CancellationToken cancellationToken = default)
        => Call("DeleteVpcEndpoints", null, () => Inner.DeleteVpcEndpointsAsync(vpcEndpointIds, cancellationToken));
}

using System.Xml.Linq;
using Podnet.Aws.Ec2;
using static Podnet.Server.Aws.AwsXml;

namespace Podnet.Server.Aws;

/// <summary>
/// The XML of the EC2 shapes Podnet answers with, one writer per botocore shape (<c>Vpc</c>, <c>Subnet</c>,
/// <c>SecurityGroup</c>, <c>IpPermission</c>, <c>SecurityGroupRule</c>, <c>Reservation</c>, <c>Instance</c>,
/// <c>NetworkInterface</c>, <c>Tag</c>), element names being the model's <c>locationName</c>s
/// (botocore data/ec2/2016-11-15/service-2.json; EC2 API Reference, "Data Types"). A test checks every element
/// against the installed model.
/// </summary>
public static partial class Ec2Shapes
{
    /// <summary>
    /// <c>tagSet</c>: a list of <c>Tag</c> (<c>key</c>, <c>value</c>); left out when there are none, as EC2 does
    /// (the CLI then prints no <c>Tags</c> key, as in the seeds' outputs).
    /// </summary>
    public static XElement? TagSet(IReadOnlyCollection<Tag> tags) => tags.Count == 0 ? null : Items("tagSet", tags, t => [Text("key", t.Key), Text("value", t.Value)]);

    /// <summary>A <c>Vpc</c> (DescribeVpcs' <c>vpcSet</c> items, CreateVpc's <c>vpc</c>).</summary>
    public static object?[] Vpc(Vpc vpc) =>
    [
        Text("vpcId", vpc.VpcId),
        Text("ownerId", vpc.OwnerId),
        Text("state", vpc.State),
        Text("cidrBlock", vpc.CidrBlock),
        Text("dhcpOptionsId", vpc.DhcpOptionsId),
        Text("instanceTenancy", vpc.InstanceTenancy),
        Bool("isDefault", vpc.IsDefault),
        Items("cidrBlockAssociationSet", vpc.CidrBlockAssociationSet, CidrBlockAssociation),

        // Left out for a VPC without an IPv6 block: describe-vpcs then prints no Ipv6CidrBlockAssociationSet key.
        vpc.Ipv6CidrBlockAssociationSet.Count == 0 ? null : Items("ipv6CidrBlockAssociationSet", vpc.Ipv6CidrBlockAssociationSet, Ipv6CidrBlockAssociation),
        TagSet(vpc.Tags),
    ];

    /// <summary>
    /// A <c>VpcIpv6CidrBlockAssociation</c>: the /56, its association and state, network border group and pool, and
    /// for an Amazon-provided block its address attribute (<c>public</c>) and source (<c>amazon</c>).
    /// </summary>
    public static object?[] Ipv6CidrBlockAssociation(VpcIpv6CidrBlockAssociation association) =>
    [
        Text("associationId", association.AssociationId),
        Text("ipv6CidrBlock", association.Ipv6CidrBlock),
        Structure("ipv6CidrBlockState", Text("state", association.Ipv6CidrBlockState.State), Text("statusMessage", association.Ipv6CidrBlockState.StatusMessage)),
        Text("networkBorderGroup", association.NetworkBorderGroup),
        Text("ipv6Pool", association.Ipv6Pool),
        Text("ipv6AddressAttribute", AmazonIpv6Pool.AddressAttribute),
        Text("ipSource", AmazonIpv6Pool.IpSource),
    ];

    /// <summary>A <c>VpcCidrBlockAssociation</c> (<c>associationId</c>, <c>cidrBlock</c>, <c>cidrBlockState</c>).</summary>
    public static object?[] CidrBlockAssociation(VpcCidrBlockAssociation association) =>
    [
        Text("associationId", association.AssociationId),
        Text("cidrBlock", association.CidrBlock),
        Structure("cidrBlockState", Text("state", association.CidrBlockState.State), Text("statusMessage", association.CidrBlockState.StatusMessage)),
    ];

    /// <summary>A <c>Subnet</c> (DescribeSubnets' <c>subnetSet</c> items, CreateSubnet's <c>subnet</c>).</summary>
    public static object?[] Subnet(Subnet subnet) =>
    [
        Text("subnetId", subnet.SubnetId),
        Text("subnetArn", subnet.SubnetArn),
        Text("state", subnet.State),
        Text("vpcId", subnet.VpcId),
        Text("cidrBlock", subnet.CidrBlock),
        Int("availableIpAddressCount", subnet.AvailableIpAddressCount),
        Text("availabilityZone", subnet.AvailabilityZone),
        Text("availabilityZoneId", subnet.AvailabilityZoneId),
        Bool("defaultForAz", subnet.DefaultForAz),
        Bool("mapPublicIpOnLaunch", subnet.MapPublicIpOnLaunch),
        Text("ownerId", subnet.OwnerId),

        // The emulated subnets are IPv4 or dual stack, never IPv6-only (ipv6Native), and name hosts by address
        // (ip-10-0-0-1…), as EC2 prints such a subnet; an IPv4-only subnet's association set is there and empty.
        Bool("assignIpv6AddressOnCreation", subnet.AssignIpv6AddressOnCreation),
        Items("ipv6CidrBlockAssociationSet", subnet.Ipv6CidrBlockAssociationSet, a =>
        [
            Text("associationId", a.AssociationId),
            Text("ipv6CidrBlock", a.Ipv6CidrBlock),
            Structure("ipv6CidrBlockState", Text("state", a.Ipv6CidrBlockState.State), Text("statusMessage", a.Ipv6CidrBlockState.StatusMessage)),
            Text("ipv6AddressAttribute", AmazonIpv6Pool.AddressAttribute),
            Text("ipSource", AmazonIpv6Pool.IpSource),
        ]),
        Bool("ipv6Native", false),
        Bool("enableDns64", subnet.EnableDns64),
        Structure(
            "privateDnsNameOptionsOnLaunch",
            Text("hostnameType", "ip-name"),
            Bool("enableResourceNameDnsARecord", false),
            Bool("enableResourceNameDnsAAAARecord", false)),
        TagSet(subnet.Tags),
    ];

    /// <summary>A <c>SecurityGroup</c> (DescribeSecurityGroups' <c>securityGroupInfo</c> items).</summary>
    public static object?[] SecurityGroup(SecurityGroup group) =>
    [
        Text("ownerId", group.OwnerId),
        Text("groupId", group.GroupId),
        Text("groupName", group.GroupName),
        Text("groupDescription", group.Description),
        Text("vpcId", group.VpcId),
        Text("securityGroupArn", group.SecurityGroupArn),
        Items("ipPermissions", group.IpPermissions, IpPermission),
        Items("ipPermissionsEgress", group.IpPermissionsEgress, IpPermission),
        TagSet(group.Tags),
    ];

    /// <summary>An <c>IpPermission</c>: UserIdGroupPairs travel as <c>groups</c>.</summary>
    public static object?[] IpPermission(IpPermission permission) =>
    [
        Text("ipProtocol", permission.IpProtocol),
        Int("fromPort", permission.FromPort),
        Int("toPort", permission.ToPort),
        Items("groups", permission.UserIdGroupPairs ?? [], p => [Text("userId", p.UserId), Text("groupId", p.GroupId), Text("vpcId", p.VpcId), Text("description", p.Description)]),
        Items("ipRanges", permission.IpRanges ?? [], r => [Text("cidrIp", r.CidrIp), Text("description", r.Description)]),
        Items("ipv6Ranges", permission.Ipv6Ranges ?? [], r => [Text("cidrIpv6", r.CidrIpv6), Text("description", r.Description)]),
        Items("prefixListIds", permission.PrefixListIds ?? [], p => [Text("prefixListId", p.Id), Text("description", p.Description)]),
    ];

    /// <summary>A <c>SecurityGroupRule</c> (Authorize*'s <c>securityGroupRuleSet</c>, DescribeSecurityGroupRules).</summary>
    public static object?[] SecurityGroupRule(SecurityGroupRule rule) =>
    [
        Text("securityGroupRuleId", rule.SecurityGroupRuleId),
        Text("groupId", rule.GroupId),
        Text("groupOwnerId", rule.GroupOwnerId),
        Bool("isEgress", rule.IsEgress),
        Text("ipProtocol", rule.IpProtocol),
        Int("fromPort", rule.FromPort),
        Int("toPort", rule.ToPort),
        Text("cidrIpv4", rule.CidrIpv4),
        Text("cidrIpv6", rule.CidrIpv6),
        Text("prefixListId", rule.PrefixListId),
        rule.ReferencedGroupInfo is { } group ? Structure("referencedGroupInfo", Text("groupId", group.GroupId), Text("userId", group.UserId)) : null,
        Text("description", rule.Description),

        // A rule's tagSet is there when empty: describe-security-group-rules prints "Tags": [] for an untagged
        // rule (the AWS CLI reference's example), unlike describe-security-groups for an untagged group.
        Items("tagSet", rule.Tags, t => [Text("key", t.Key), Text("value", t.Value)]),
        Text("securityGroupRuleArn", rule.SecurityGroupRuleArn),
    ];

    /// <summary>A <c>RevokedSecurityGroupRule</c> (Revoke*'s <c>revokedSecurityGroupRuleSet</c>).</summary>
    public static object?[] RevokedSecurityGroupRule(SecurityGroupRule rule) =>
    [
        Text("securityGroupRuleId", rule.SecurityGroupRuleId),
        Text("groupId", rule.GroupId),
        Bool("isEgress", rule.IsEgress),
        Text("ipProtocol", rule.IpProtocol),
        Int("fromPort", rule.FromPort),
        Int("toPort", rule.ToPort),
        Text("cidrIpv4", rule.CidrIpv4),
        Text("cidrIpv6", rule.CidrIpv6),
        Text("prefixListId", rule.PrefixListId),
        Text("referencedGroupId", rule.ReferencedGroupInfo?.GroupId),
        Text("description", rule.Description),
    ];

    /// <summary>A <c>Reservation</c> (DescribeInstances' <c>reservationSet</c> items).</summary>
    public static object?[] Reservation(Reservation reservation) =>
    [
        Text("reservationId", reservation.ReservationId),
        Text("ownerId", reservation.OwnerId),
        Items("groupSet", Array.Empty<GroupIdentifier>(), GroupIdentifier),
        Items("instancesSet", reservation.Instances, Instance),
    ];

    /// <summary>A <c>GroupIdentifier</c> (<c>groupId</c>, <c>groupName</c>).</summary>
    public static object?[] GroupIdentifier(GroupIdentifier group) => [Text("groupId", group.GroupId), Text("groupName", group.GroupName)];

    /// <summary>An <c>Instance</c> (the fields the emulator models).</summary>
    public static object?[] Instance(Instance instance) =>
    [
        Text("instanceId", instance.InstanceId),
        Text("imageId", instance.ImageId),
        Structure("instanceState", Int("code", instance.State.Code), Text("name", instance.State.Name)),
        Text("privateDnsName", instance.PrivateDnsName),

        // Empty without a public address: the CLI prints "PublicDnsName": "".
        Text("dnsName", instance.PublicDnsName),

        // EC2 writes <reason/> while the instance is pending or running, which the aws CLI shows as "".
        Text("reason", instance.StateTransitionReason),

        // Given once an instance is shutting down or terminated (Client.UserInitiatedShutdown after TerminateInstances).
        instance.StateReason is { } stateReason ? Structure("stateReason", Text("code", stateReason.Code), Text("message", stateReason.Message)) : null,
        Text("instanceType", instance.InstanceType),
        Timestamp("launchTime", instance.LaunchTime),
        Structure("placement", Text("availabilityZone", instance.Placement.AvailabilityZone)),
        Text("subnetId", instance.SubnetId),
        Text("vpcId", instance.VpcId),
        Text("privateIpAddress", instance.PrivateIpAddress),
        Text("ipAddress", instance.PublicIpAddress),
        Items("groupSet", instance.SecurityGroups, GroupIdentifier),
        instance.IamInstanceProfile is { } profile ? Structure("iamInstanceProfile", Text("arn", profile.Arn)) : null,
        Items("networkInterfaceSet", instance.NetworkInterfaces, InstanceNetworkInterface),
        TagSet(instance.Tags),
    ];

    /// <summary>An <c>InstanceNetworkInterface</c> (an instance's <c>networkInterfaceSet</c> items).</summary>
    public static object?[] InstanceNetworkInterface(InstanceNetworkInterface eni) =>
    [
        Text("networkInterfaceId", eni.NetworkInterfaceId),
        Text("subnetId", eni.SubnetId),
        Text("vpcId", eni.VpcId),
        Text("macAddress", eni.MacAddress),
        Text("privateIpAddress", eni.PrivateIpAddress),
        Text("privateDnsName", eni.PrivateDnsName),
        Text("status", eni.Status),
        Text("interfaceType", eni.InterfaceType),
        Structure(
            "attachment",
            Text("attachmentId", eni.Attachment.AttachmentId),
            Int("deviceIndex", eni.Attachment.DeviceIndex),
            Int("networkCardIndex", eni.Attachment.NetworkCardIndex),
            Text("status", eni.Attachment.Status),
            Timestamp("attachTime", eni.Attachment.AttachTime),
            Bool("deleteOnTermination", eni.Attachment.DeleteOnTermination)),
        Items("groupSet", eni.Groups, GroupIdentifier),

        // An InstanceNetworkInterfaceAssociation, which has no allocation or association ID.
        eni.Association is { } association ? Structure("association", Text("ipOwnerId", association.IpOwnerId), Text("publicDnsName", association.PublicDnsName), Text("publicIp", association.PublicIp)) : null,
        Items("privateIpAddressesSet", eni.PrivateIpAddresses, PrivateIpAddress),
        Items("ipv4PrefixSet", eni.Ipv4Prefixes, p => [Text("ipv4Prefix", p.Ipv4Prefix)]),
    ];

    /// <summary>A <c>NetworkInterfaceAssociation</c>: an interface's <c>association</c> (its primary address's public IPv4 address), absent without one.</summary>
    public static object? Association(NetworkInterfaceAssociation? association) => association is null
        ? null
        : Structure(
            "association",
            Text("allocationId", association.AllocationId),
            Text("associationId", association.AssociationId),
            Text("ipOwnerId", association.IpOwnerId),
            Text("publicDnsName", association.PublicDnsName),
            Text("publicIp", association.PublicIp));

    /// <summary>A <c>NetworkInterfacePrivateIpAddress</c>.</summary>
    public static object?[] PrivateIpAddress(NetworkInterfacePrivateIpAddress address) =>
        [Text("privateIpAddress", address.PrivateIpAddress), Text("privateDnsName", address.PrivateDnsName), Bool("primary", address.Primary)];

    /// <summary>A <c>NetworkInterface</c> (DescribeNetworkInterfaces' <c>networkInterfaceSet</c> items).</summary>
    public static object?[] NetworkInterface(NetworkInterface eni) =>
    [
        Text("networkInterfaceId", eni.NetworkInterfaceId),
        Text("subnetId", eni.SubnetId),
        Text("vpcId", eni.VpcId),
        Text("availabilityZone", eni.AvailabilityZone),
        Text("description", eni.Description),
        Text("ownerId", eni.OwnerId),
        Bool("requesterManaged", eni.RequesterManaged),
        Text("status", eni.Status),
        Text("macAddress", eni.MacAddress),
        Text("privateIpAddress", eni.PrivateIpAddress),
        Text("privateDnsName", eni.PrivateDnsName),
        Bool("sourceDestCheck", eni.SourceDestCheck),
        Text("interfaceType", eni.InterfaceType),
        Items("groupSet", eni.Groups, GroupIdentifier),
        Association(eni.Association),
        eni.Attachment is { } attachment
            ? Structure(
                "attachment",
                Text("attachmentId", attachment.AttachmentId),
                Text("instanceId", attachment.InstanceId),
                Text("instanceOwnerId", attachment.InstanceOwnerId),
                Int("deviceIndex", attachment.DeviceIndex),
                Int("networkCardIndex", attachment.NetworkCardIndex),
                Text("status", attachment.Status),
                Timestamp("attachTime", attachment.AttachTime),
                Bool("deleteOnTermination", attachment.DeleteOnTermination))
            : null,
        Items("privateIpAddressesSet", eni.PrivateIpAddresses, PrivateIpAddress),
        Items("ipv4PrefixSet", eni.Ipv4Prefixes, p => [Text("ipv4Prefix", p.Ipv4Prefix)]),
        Items("ipv6AddressesSet", eni.Ipv6Addresses, a => [Text("ipv6Address", a.Ipv6Address), Bool("isPrimaryIpv6", a.IsPrimaryIpv6)]),
        eni.Ipv6Prefixes.Count == 0 ? null : Items("ipv6PrefixSet", eni.Ipv6Prefixes, p => [Text("ipv6Prefix", p.Ipv6Prefix)]),

        // Unlike a group's or a subnet's, an interface's tagSet is there when empty: the CLI prints "TagSet": [] for
        // an untagged interface (the create-network-interface and describe-network-interfaces examples of the
        // AWS CLI reference).
        Items("tagSet", eni.TagSet, t => [Text("key", t.Key), Text("value", t.Value)]),
    ];

    /// <summary>A <c>TrunkInterfaceAssociation</c> (DescribeTrunkInterfaceAssociations' <c>interfaceAssociationSet</c> items).</summary>
    public static object?[] TrunkInterfaceAssociation(TrunkInterfaceAssociation association) =>
    [
        Text("associationId", association.AssociationId),
        Text("branchInterfaceId", association.BranchInterfaceId),
        Text("trunkInterfaceId", association.TrunkInterfaceId),
        Text("interfaceProtocol", association.InterfaceProtocol),
        Int("vlanId", association.VlanId),
        Int("greKey", association.GreKey),
        TagSet(association.Tags),
    ];

    /// <summary>An <c>InstanceTypeInfo</c>: the fields the emulator has (vCPUs, memory, hypervisor, the network limits).</summary>
    public static object?[] InstanceTypeInfo(Podnet.Aws.InstanceTypes.InstanceTypeInfo type) =>
    [
        Text("instanceType", type.InstanceType),
        Bool("bareMetal", type.BareMetal),
        Text("hypervisor", type.Hypervisor),
        type.DefaultVCpus is { } cpus ? Structure("vCpuInfo", Int("defaultVCpus", cpus)) : null,
        type.MemoryMiB is { } memory ? Structure("memoryInfo", Text("sizeInMiB", memory.ToString(System.Globalization.CultureInfo.InvariantCulture))) : null,
        Structure(
            "networkInfo",
            Int("maximumNetworkInterfaces", type.MaximumNetworkInterfaces),
            Int("maximumNetworkCards", type.NetworkCards.Count > 0 ? type.NetworkCards.Count : null),
            Int("defaultNetworkCardIndex", type.DefaultNetworkCardIndex),
            Items("networkCards", type.NetworkCards, c => [Int("networkCardIndex", c.NetworkCardIndex), Int("maximumNetworkInterfaces", c.MaximumNetworkInterfaces)]),
            Int("ipv4AddressesPerInterface", type.Ipv4AddressesPerInterface),
            Int("ipv6AddressesPerInterface", type.Ipv6AddressesPerInterface),
            Bool("ipv6Supported", type.Ipv6Supported)),
    ];
}

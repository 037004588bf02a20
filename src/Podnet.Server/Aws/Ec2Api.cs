using System.Xml.Linq;
using Podnet.Aws;
using Podnet.Aws.Ec2;
using Podnet.Aws.Iam;
using static Podnet.Server.Aws.AwsXml;

namespace Podnet.Server.Aws;

/// <summary>
/// EC2 over the query protocol (<c>Action=…&amp;Version=2016-11-15</c>, answers in XML): each action's parameters
/// (names as botocore's <c>EC2Serializer</c> writes them: <c>queryName</c>, else the capitalised
/// <c>locationName</c>) become a call of <see cref="IEc2"/> as the caller's principal, under the served cluster's
/// gate, so the controllers see what changed; the result becomes the output shape's XML (<see cref="Ec2Shapes"/>).
/// Like moto's <c>moto/ec2/responses/*.py</c>: thin, the rules live in the EC2 backend behind <see cref="IEc2"/>.
/// </summary>
public sealed partial class Ec2Api
{
    /// <summary>The API version EC2 requests carry.</summary>
    public const string ApiVersion = "2016-11-15";

    private readonly ServedCluster _cluster;

    /// <summary>EC2 of <paramref name="cluster"/>'s world.</summary>
    public Ec2Api(ServedCluster cluster)
    {
        _cluster = cluster;
    }

    /// <summary>The actions served, in the API reference's names.</summary>
    public static IReadOnlyList<string> Actions { get; } =
    [
        .. RouteActions,
        .. PrefixListActions,
        .. VpcEndpointActions,
        "CreateVpc", "DescribeVpcs", "DeleteVpc", "AssociateVpcCidrBlock", "DisassociateVpcCidrBlock",
        "CreateSubnet", "DescribeSubnets", "DeleteSubnet", "ModifySubnetAttribute",
        "CreateSecurityGroup", "DescribeSecurityGroups", "DeleteSecurityGroup", "DescribeSecurityGroupRules",
        "AuthorizeSecurityGroupIngress", "AuthorizeSecurityGroupEgress", "RevokeSecurityGroupIngress", "RevokeSecurityGroupEgress",
        "DescribeInstances", "DescribeInstanceTypes", "DescribeNetworkInterfaces", "CreateNetworkInterface", "DeleteNetworkInterface",
        "AttachNetworkInterface", "DetachNetworkInterface", "ModifyNetworkInterfaceAttribute", "AssignPrivateIpAddresses", "UnassignPrivateIpAddresses",
        "AssignIpv6Addresses", "UnassignIpv6Addresses",
        "AssociateTrunkInterface", "DisassociateTrunkInterface", "DescribeTrunkInterfaceAssociations", "CreateTags", "DeleteTags",
        .. InstanceActions,
    ];

    /// <summary>Runs <paramref name="action"/> as <paramref name="principal"/>; returns the members of its answer.</summary>
    /// <exception cref="AwsException">EC2's error (<c>InvalidAction</c> for an action not served).</exception>
    public IReadOnlyList<XElement?> Handle(string action, QueryRequest query, AwsPrincipal principal)
    {
        var cloud = _cluster.World.Cloud ?? throw new AwsException("UnsupportedOperation", "This world has no AWS account (a policy-only world): EC2 is not served.");
        var ec2 = cloud.Ec2For(principal);
        var page = Ec2Pagination.Begin(action, query);
        var members = Answer(action, query, ec2);
        return page is null ? members : page.Cut(members);
    }

    private IReadOnlyList<XElement?> Answer(string action, QueryRequest query, IEc2 ec2)
    {
        return action switch
        {
            "CreateVpc" => Write(() => [Structure("vpc", Ec2Shapes.Vpc(Done(ec2.CreateVpcAsync(new CreateVpcRequest(
                Required(query, "CidrBlock"),
                TagsFor(query, "vpc"),
                query.Get("InstanceTenancy") ?? "default",
                AmazonProvidedIpv6CidrBlock: query.Bool("AmazonProvidedIpv6CidrBlock") ?? false)))))]),
            "DescribeVpcs" => Read(() => [Items("vpcSet", Done(ec2.DescribeVpcsAsync(Describe(query, "VpcId"))), Ec2Shapes.Vpc)]),
            "DeleteVpc" => Write(() => Empty(ec2.DeleteVpcAsync(Required(query, "VpcId")))),
            "AssociateVpcCidrBlock" => Write(() =>
            {
                var vpcId = Required(query, "VpcId");
                var association = Done(ec2.AssociateVpcCidrBlockAsync(vpcId, Required(query, "CidrBlock")));
                return [Text("vpcId", vpcId), Structure("cidrBlockAssociation", Ec2Shapes.CidrBlockAssociation(association))];
            }),
            "DisassociateVpcCidrBlock" => Write(() =>
            {
                var association = Done(ec2.DisassociateVpcCidrBlockAsync(Required(query, "AssociationId")));
                return [Structure("cidrBlockAssociation", Ec2Shapes.CidrBlockAssociation(association))];
            }),
            "CreateSubnet" => Write(() => [Structure("subnet", Ec2Shapes.Subnet(Done(ec2.CreateSubnetAsync(new CreateSubnetRequest(
                Required(query, "VpcId"),
                Required(query, "CidrBlock"),
                query.Get("AvailabilityZone"),
                query.Get("AvailabilityZoneId"),
                TagsFor(query, "subnet"),
                Ipv6CidrBlock: query.Get("Ipv6CidrBlock"))))))]),
            "DescribeSubnets" => Read(() => [Items("subnetSet", Done(ec2.DescribeSubnetsAsync(Describe(query, "SubnetId"))), Ec2Shapes.Subnet)]),
            "DeleteSubnet" => Write(() => Empty(ec2.DeleteSubnetAsync(Required(query, "SubnetId")))),
            // Each attribute is an AttributeBooleanValue: MapPublicIpOnLaunch.Value=true on the wire.
            "ModifySubnetAttribute" => Write(() => Empty(ec2.ModifySubnetAttributeAsync(
                Required(query, "SubnetId"),
                query.Bool("MapPublicIpOnLaunch.Value"),
                query.Bool("AssignIpv6AddressOnCreation.Value"),
                query.Bool("EnableDns64.Value")))),
            "CreateSecurityGroup" => Write(() =>
            {
                var groupId = Done(ec2.CreateSecurityGroupAsync(new CreateSecurityGroupRequest(
                    Required(query, "GroupName"),
                    Required(query, "GroupDescription"),
                    query.Get("VpcId") ?? DefaultVpcId(ec2),
                    TagsFor(query, "security-group"))));
                var group = Done(ec2.DescribeSecurityGroupsAsync(DescribeRequest.ForIds(groupId)))[0];
                return [Text("groupId", groupId), Ec2Shapes.TagSet(group.Tags), Text("securityGroupArn", group.SecurityGroupArn)];
            }),
            "DescribeSecurityGroups" => Read(() => [Items("securityGroupInfo", DescribeSecurityGroups(ec2, query), Ec2Shapes.SecurityGroup)]),
            "DescribeSecurityGroupRules" => Read(() => [Items("securityGroupRuleSet", Done(ec2.DescribeSecurityGroupRulesAsync(Describe(query, "SecurityGroupRuleId"))), Ec2Shapes.SecurityGroupRule)]),
            "DeleteSecurityGroup" => Write(() =>
            {
                var groupId = TargetGroupId(ec2, query);
                Done(ec2.DeleteSecurityGroupAsync(groupId));
                return [Bool("return", true), Text("groupId", groupId)];
            }),
            "AuthorizeSecurityGroupIngress" or "AuthorizeSecurityGroupEgress" => Write(() =>
            {
                var groupId = TargetGroupId(ec2, query);
                var permissions = IpPermissions(ec2, query, groupId);
                var rules = Done(action == "AuthorizeSecurityGroupIngress"
                    ? ec2.AuthorizeSecurityGroupIngressAsync(groupId, permissions)
                    : ec2.AuthorizeSecurityGroupEgressAsync(groupId, permissions));
                return [Bool("return", true), Items("securityGroupRuleSet", rules, Ec2Shapes.SecurityGroupRule)];
            }),
            "RevokeSecurityGroupIngress" or "RevokeSecurityGroupEgress" => Write(() =>
            {
                var groupId = TargetGroupId(ec2, query);
                var ruleIds = query.List("SecurityGroupRuleId");
                var request = new RevokeSecurityGroupRequest(groupId, ruleIds.Count > 0 ? null : IpPermissions(ec2, query, groupId), ruleIds.Count > 0 ? ruleIds : null);
                var result = Done(action == "RevokeSecurityGroupIngress" ? ec2.RevokeSecurityGroupIngressAsync(request) : ec2.RevokeSecurityGroupEgressAsync(request));
                return
                [
                    Bool("return", true),
                    result.UnknownIpPermissions.Count > 0 ? Items("unknownIpPermissionSet", result.UnknownIpPermissions, Ec2Shapes.IpPermission) : null,
                    Items("revokedSecurityGroupRuleSet", result.RevokedSecurityGroupRules, Ec2Shapes.RevokedSecurityGroupRule),
                ];
            }),
            "DescribeInstances" => Read(() => [Items("reservationSet", Done(ec2.DescribeInstancesAsync(Describe(query, "InstanceId"))), Ec2Shapes.Reservation)]),
            "DescribeNetworkInterfaces" => Read(() => [Items("networkInterfaceSet", Done(ec2.DescribeNetworkInterfacesAsync(Describe(query, "NetworkInterfaceId"))), Ec2Shapes.NetworkInterface)]),
            "DescribeInstanceTypes" => Read(() =>
            {
                var types = query.List("InstanceType");
                return [Items("instanceTypeSet", Done(ec2.DescribeInstanceTypesAsync(types.Count > 0 ? types : null)), Ec2Shapes.InstanceTypeInfo)];
            }),
            "CreateNetworkInterface" => Write(() =>
            {
                var addresses = query.Structures("PrivateIpAddresses");
                var primary = query.Get("PrivateIpAddress") ?? addresses.FirstOrDefault(a => a.Bool("Primary") == true)?.Get("PrivateIpAddress");
                var secondary = addresses.Select(a => a.Get("PrivateIpAddress")).Where(a => a is not null && a != primary).Select(a => a!).ToList();
                var prefixes = query.Structures("Ipv4Prefix").Select(p => p.Get("Ipv4Prefix")).Where(p => p is not null).Select(p => p!).ToList();
                var groups = query.List("SecurityGroupId");
                var eni = Done(ec2.CreateNetworkInterfaceAsync(new CreateNetworkInterfaceRequest(
                    Required(query, "SubnetId"),
                    groups.Count > 0 ? groups : null,
                    query.Get("Description"),
                    primary,
                    secondary.Count > 0 ? secondary : null,
                    query.Int("SecondaryPrivateIpAddressCount") ?? 0,
                    prefixes.Count > 0 ? prefixes : null,
                    query.Int("Ipv4PrefixCount") ?? 0,
                    query.Get("InterfaceType"),
                    TagsFor(query, "network-interface"))));
                return [Structure("networkInterface", Ec2Shapes.NetworkInterface(eni)), Text("clientToken", query.Get("ClientToken"))];
            }),
            "DeleteNetworkInterface" => Write(() => Empty(ec2.DeleteNetworkInterfaceAsync(Required(query, "NetworkInterfaceId")))),
            "AttachNetworkInterface" => Write(() =>
            {
                var cardIndex = query.Int("NetworkCardIndex") ?? 0;
                var attachmentId = Done(ec2.AttachNetworkInterfaceAsync(new AttachNetworkInterfaceRequest(
                    Required(query, "NetworkInterfaceId"),
                    Required(query, "InstanceId"),
                    query.Int("DeviceIndex") ?? throw Ec2Errors.MissingParameter("DeviceIndex"),
                    cardIndex)));
                return [Text("attachmentId", attachmentId), Int("networkCardIndex", cardIndex)];
            }),
            "DetachNetworkInterface" => Write(() => Empty(ec2.DetachNetworkInterfaceAsync(new DetachNetworkInterfaceRequest(Required(query, "AttachmentId"), query.Bool("Force") ?? false)))),
            "ModifyNetworkInterfaceAttribute" => Write(() =>
            {
                var groups = query.List("SecurityGroupId");
                return Empty(ec2.ModifyNetworkInterfaceAttributeAsync(new ModifyNetworkInterfaceAttributeRequest(
                    Required(query, "NetworkInterfaceId"),
                    query.Get("Description.Value"),
                    query.Bool("SourceDestCheck.Value"),
                    groups.Count > 0 ? groups : null,
                    query.Get("Attachment.AttachmentId"),
                    query.Bool("Attachment.DeleteOnTermination"))));
            }),
            "AssignPrivateIpAddresses" => Write(() =>
            {
                var addresses = query.List("PrivateIpAddress");
                var prefixes = query.List("Ipv4Prefix");
                var result = Done(ec2.AssignPrivateIpAddressesAsync(new AssignPrivateIpAddressesRequest(
                    Required(query, "NetworkInterfaceId"),
                    addresses.Count > 0 ? addresses : null,
                    query.Int("SecondaryPrivateIpAddressCount") ?? 0,
                    prefixes.Count > 0 ? prefixes : null,
                    query.Int("Ipv4PrefixCount") ?? 0,
                    query.Bool("AllowReassignment") ?? false)));
                return
                [
                    Text("networkInterfaceId", result.NetworkInterfaceId),
                    Items("assignedPrivateIpAddressesSet", result.AssignedPrivateIpAddresses, a => [Text("privateIpAddress", a)]),
                    Items("assignedIpv4PrefixSet", result.AssignedIpv4Prefixes, p => [Text("ipv4Prefix", p)]),
                ];
            }),
            "UnassignPrivateIpAddresses" => Write(() =>
            {
                var addresses = query.List("PrivateIpAddress");
                var prefixes = query.List("Ipv4Prefix");
                return Empty(ec2.UnassignPrivateIpAddressesAsync(new UnassignPrivateIpAddressesRequest(
                    Required(query, "NetworkInterfaceId"),
                    addresses.Count > 0 ? addresses : null,
                    prefixes.Count > 0 ? prefixes : null)));
            }),
            "AssignIpv6Addresses" => Write(() =>
            {
                var addresses = query.List("Ipv6Addresses");
                var prefixes = query.List("Ipv6Prefix");
                var result = Done(ec2.AssignIpv6AddressesAsync(new AssignIpv6AddressesRequest(
                    Required(query, "NetworkInterfaceId"),
                    addresses.Count > 0 ? addresses : null,
                    query.Int("Ipv6AddressCount") ?? 0,
                    prefixes.Count > 0 ? prefixes : null,
                    query.Int("Ipv6PrefixCount") ?? 0)));
                return
                [
                    ItemValues("assignedIpv6Addresses", result.AssignedIpv6Addresses),
                    ItemValues("assignedIpv6PrefixSet", result.AssignedIpv6Prefixes),
                    Text("networkInterfaceId", result.NetworkInterfaceId),
                ];
            }),
            "UnassignIpv6Addresses" => Write(() =>
            {
                var addresses = query.List("Ipv6Addresses");
                var prefixes = query.List("Ipv6Prefix");
                var result = Done(ec2.UnassignIpv6AddressesAsync(new UnassignIpv6AddressesRequest(
                    Required(query, "NetworkInterfaceId"),
                    addresses.Count > 0 ? addresses : null,
                    prefixes.Count > 0 ? prefixes : null)));
                return
                [
                    Text("networkInterfaceId", result.NetworkInterfaceId),
                    ItemValues("unassignedIpv6Addresses", result.UnassignedIpv6Addresses),
                    ItemValues("unassignedIpv6PrefixSet", result.UnassignedIpv6Prefixes),
                ];
            }),
            "AssociateTrunkInterface" => Write(() =>
            {
                var association = Done(ec2.AssociateTrunkInterfaceAsync(new AssociateTrunkInterfaceRequest(
                    Required(query, "BranchInterfaceId"),
                    Required(query, "TrunkInterfaceId"),
                    query.Int("VlanId") ?? throw Ec2Errors.MissingParameter("VlanId"),
                    query.Int("GreKey"))));
                return [Structure("interfaceAssociation", Ec2Shapes.TrunkInterfaceAssociation(association)), Text("clientToken", query.Get("ClientToken"))];
            }),
            "DisassociateTrunkInterface" => Write(() =>
            {
                Done(ec2.DisassociateTrunkInterfaceAsync(Required(query, "AssociationId")));
                return [Bool("return", true), Text("clientToken", query.Get("ClientToken"))];
            }),
            "DescribeTrunkInterfaceAssociations" => Read(() => [Items("interfaceAssociationSet", Done(ec2.DescribeTrunkInterfaceAssociationsAsync(Describe(query, "AssociationId"))), Ec2Shapes.TrunkInterfaceAssociation)]),
            "CreateTags" => Write(() =>
            {
                Done(ec2.CreateTagsAsync(query.List("ResourceId"), Tags(query.Structures("Tag"))));
                return [];
            }),
            "DeleteTags" => Write(() =>
            {
                Done(ec2.DeleteTagsAsync(query.List("ResourceId"), [.. query.Structures("Tag").Select(t => t.Get("Key") ?? string.Empty)]));
                return [];
            }),
            _ when InstanceActions.Contains(action) => AnswerInstances(action, query, ec2),
            _ => HandleRoutes(action, query, ec2) ?? HandlePrefixLists(action, query, ec2) ?? HandleVpcEndpoints(action, query, ec2) ?? throw new AwsException("InvalidAction", $"The action {action} is not valid for this web service."),
        };
    }

    private IReadOnlyList<XElement?> Write(Func<IReadOnlyList<XElement?>> action) => _cluster.Write(action);

    private IReadOnlyList<XElement?> Read(Func<IReadOnlyList<XElement?>> action) => _cluster.Read(action);

    // The emulated IEc2 completes its tasks before returning them (it runs in process, under the gate).
    private static T Done<T>(Task<T> task) => task.GetAwaiter().GetResult();

    private static void Done(Task task) => task.GetAwaiter().GetResult();

    private static IReadOnlyList<XElement?> Empty(Task task)
    {
        Done(task);
        return [];
    }

    private static string Required(QueryRequest query, string name) => query.Required(name, Ec2Errors.MissingParameter);

    /// <summary><c>Filter.N.Name</c>/<c>Filter.N.Value.M</c> and the IDs list <c>{idName}.N</c>.</summary>
    public static DescribeRequest Describe(QueryRequest query, string idName)
    {
        var ids = query.List(idName);
        var filters = query.Structures("Filter").Select(f => new Filter(f.Get("Name") ?? throw Ec2Errors.MissingParameter("Filter.Name"), f.List("Value"))).ToList();
        return new DescribeRequest(ids.Count > 0 ? ids : null, filters.Count > 0 ? filters : null);
    }

    /// <summary>The tags of <c>TagSpecification.N</c> items for <paramref name="resourceType"/> (<c>--tag-specifications</c>).</summary>
    public static IReadOnlyList<Tag>? TagsFor(QueryRequest query, string resourceType)
    {
        var specifications = query.Structures("TagSpecification");
        var wrong = specifications.FirstOrDefault(s => s.Get("ResourceType") is { } type && type != resourceType);
        if (wrong is not null)
        {
            throw Ec2Errors.InvalidParameterValue(wrong.Get("ResourceType")!, "resourceType", $"The resource type of a tag specification must be '{resourceType}' here.");
        }

        var tags = specifications.SelectMany(s => Tags(s.Structures("Tag"))).ToList();
        return tags.Count > 0 ? tags : null;
    }

    private static List<Tag> Tags(IEnumerable<QueryRequest> items) => [.. items.Select(t => new Tag(t.Get("Key") ?? throw Ec2Errors.MissingParameter("Tag.Key"), t.Get("Value") ?? string.Empty))];

    /// <summary>DescribeSecurityGroups: by IDs, by names (<c>GroupName.N</c>, each must exist) and filters.</summary>
    private static IReadOnlyList<SecurityGroup> DescribeSecurityGroups(IEc2 ec2, QueryRequest query)
    {
        var describe = Describe(query, "GroupId");
        var names = query.List("GroupName");
        var groups = Done(ec2.DescribeSecurityGroupsAsync(describe));
        if (names.Count == 0)
        {
            return groups;
        }

        var missing = names.FirstOrDefault(n => !groups.Any(g => g.GroupName == n));
        return missing is null ? [.. groups.Where(g => names.Contains(g.GroupName))] : throw Ec2Errors.GroupNotFound(missing);
    }

    /// <summary>The group an action is about: <c>GroupId</c>, else the group named <c>GroupName</c>.</summary>
    private static string TargetGroupId(IEc2 ec2, QueryRequest query)
    {
        if (query.Get("GroupId") is { Length: > 0 } id)
        {
            return id;
        }

        var name = query.Required("GroupName", _ => Ec2Errors.MissingParameter("GroupId"));
        return GroupIdByName(ec2, name, vpcId: null);
    }

    private static string GroupIdByName(IEc2 ec2, string name, string? vpcId)
    {
        var filters = new List<Filter> { new("group-name", name) };
        if (vpcId is not null)
        {
            filters.Add(new Filter("vpc-id", vpcId));
        }

        var found = Done(ec2.DescribeSecurityGroupsAsync(new DescribeRequest(null, filters)));
        return found.Count == 1 ? found[0].GroupId : throw Ec2Errors.GroupNotFound(name);
    }

    private static string DefaultVpcId(IEc2 ec2)
        => Done(ec2.DescribeVpcsAsync(DescribeRequest.Where(new Filter("is-default", "true")))) is [var vpc, ..]
            ? vpc.VpcId
            : throw new AwsException("VPCIdNotSpecified", "No default VPC for this user");

    /// <summary>
    /// <c>IpPermissions.N.*</c> (what <c>--ip-permissions</c> and the CLI's <c>--protocol/--port/--cidr/--source-group</c>
    /// become, awscli/customizations/ec2/secgroupsimplify.py), or the legacy top-level <c>IpProtocol</c>,
    /// <c>FromPort</c>, <c>ToPort</c>, <c>CidrIp</c>, <c>SourceSecurityGroupName</c>. A pair naming a group by
    /// name is resolved in the target group's VPC.
    /// </summary>
    private static List<IpPermission> IpPermissions(IEc2 ec2, QueryRequest query, string groupId)
    {
        string? vpcId = null;
        string ResolveName(string name)
        {
            vpcId ??= Done(ec2.DescribeSecurityGroupsAsync(DescribeRequest.ForIds(groupId)))[0].VpcId;
            return GroupIdByName(ec2, name, vpcId);
        }

        var permissions = query.Structures("IpPermissions").Select(p => new IpPermission(
            p.Get("IpProtocol") ?? throw Ec2Errors.MissingParameter("IpPermissions.IpProtocol"),
            p.Int("FromPort"),
            p.Int("ToPort"),
            [.. p.Structures("IpRanges").Select(r => new IpRange(r.Get("CidrIp") ?? throw Ec2Errors.MissingParameter("CidrIp"), r.Get("Description")))],
            [.. p.Structures("Ipv6Ranges").Select(r => new Ipv6Range(r.Get("CidrIpv6") ?? throw Ec2Errors.MissingParameter("CidrIpv6"), r.Get("Description")))],
            [.. p.Structures("PrefixListIds").Select(r => new PrefixListId(r.Get("PrefixListId") ?? throw Ec2Errors.MissingParameter("PrefixListId"), r.Get("Description")))],
            [.. p.Structures("Groups").Select(g => new UserIdGroupPair(
                g.Get("GroupId") ?? ResolveName(g.Get("GroupName") ?? throw Ec2Errors.MissingParameter("GroupId")),
                g.Get("UserId"),
                g.Get("VpcId"),
                g.Get("Description")))])).ToList();
        if (permissions.Count == 0 && query.Get("IpProtocol") is { } protocol)
        {
            var cidr = query.Get("CidrIp");
            var source = query.Get("SourceSecurityGroupName");
            permissions.Add(new IpPermission(
                protocol,
                query.Int("FromPort"),
                query.Int("ToPort"),
                cidr is null ? null : [new IpRange(cidr)],
                UserIdGroupPairs: source is null ? null : [new UserIdGroupPair(ResolveName(source))]));
        }

        return permissions;
    }
}

using System.Globalization;
using System.Text.Json.Nodes;
using Podnet.Aws.Ec2;
using Podnet.ResourceController;

namespace Podnet.World;

/// <summary>
/// The world kind <c>NetworkInterface</c>: an interface that exists already, in the fields of <c>aws ec2
/// describe-network-interfaces</c> — a snapshot of a real account keeps the VPC CNI's and the VPC resource
/// controller's interfaces as they are, so every pod keeps the interface, and so the security groups, that hold its
/// address:
/// <code>
/// kind: NetworkInterface
/// metadata: {name: eni-0a1b2c3d4e5f60718}
/// spec:
///   NetworkInterfaceId: eni-0a1b2c3d4e5f60718     # optional: EC2 draws one
///   SubnetId: subnet-… | a Subnet's name
///   InterfaceType: interface | trunk | branch    # default interface
///   Groups: [sg-…, a SecurityGroup's name, {GroupId: sg-…}]
///   PrivateIpAddresses: [{PrivateIpAddress: 10.0.1.20, Primary: true}, {PrivateIpAddress: 10.0.1.21}]
///   Ipv4Prefixes: [{Ipv4Prefix: 10.0.1.32/28}]
///   Ipv6Addresses: [{Ipv6Address: 2600:1f14:…}], Ipv6Prefixes: [{Ipv6Prefix: 2600:1f14:…::/80}]   # a subnet with an IPv6 /64
///   MacAddress: 02:…, Description: …, TagSet: [{Key, Value}] (or Tags as a map)
///   Attachment: {InstanceId: i-…, DeviceIndex: 1}
/// </code>
/// Attached at device index 0 it is the primary interface of a node group's instance (given in the NodeGroup's
/// <c>Instances</c>): its other addresses and prefixes are assigned to it. Attached at another index it is created
/// and attached there before aws-node starts, so ipamd's <c>nodeInit</c> reads it as it reads a real node's. A branch
/// whose tags name its trunk and VLAN (<c>vpcresources.k8s.aws/trunk-eni-id</c>, <c>vpcresources.k8s.aws/vlan-id</c>,
/// as the resource controller tags it) is associated with that trunk, so the controller finds it as it does after a
/// restart. Anything else is created detached (<c>available</c>).
/// </summary>
internal static class WorldNetworkInterface
{
    /// <summary>
    /// Creates the interface <paramref name="doc"/> describes, in EC2's state directly as the world builder writes
    /// the account (see <see cref="AwsWorldBuilder"/>): a snapshot's given ID and requester are no API call's to set.
    /// </summary>
    /// <param name="resolve">A <c>SubnetId</c> or <c>Groups</c> entry (name or ID) to its ID; the field is the first argument.</param>
    /// <exception cref="WorldException">A field is malformed or missing, naming it.</exception>
    /// <exception cref="Aws.AwsException">EC2 refused (an address taken, an ID in use, an unknown instance).</exception>
    public static void Create(WorldDocument doc, Ec2Backend ec2, Func<string, string, string> resolve)
    {
        var spec = DocumentFields.Spec(doc);
        var subnetId = resolve("SubnetId", DocumentFields.RequiredString(doc, "SubnetId"));
        var type = DocumentFields.String(doc, "InterfaceType") ?? NetworkInterfaceTypes.Interface;
        if (type is not (NetworkInterfaceTypes.Interface or NetworkInterfaceTypes.Trunk or NetworkInterfaceTypes.Branch))
        {
            throw doc.Error("spec.InterfaceType", $"Unsupported value: \"{type}\": supported values: \"interface\", \"trunk\", \"branch\"");
        }

        var groups = Groups(doc, spec).Select(g => resolve("Groups", g)).ToList();
        var (primary, secondaries) = Addresses(doc, spec);
        var prefixes = List(doc, spec, "Ipv4Prefixes", "Ipv4Prefix");
        var ipv6Addresses = List(doc, spec, "Ipv6Addresses", "Ipv6Address");
        var ipv6Prefixes = List(doc, spec, "Ipv6Prefixes", "Ipv6Prefix");
        var tags = spec["TagSet"] is not null ? DocumentFields.Tags(doc, "TagSet") : DocumentFields.Tags(doc);
        (string InstanceId, int DeviceIndex, int NetworkCardIndex)? attachment = spec["Attachment"] switch
        {
            null => null,
            JsonObject a => (InstanceId: DocumentFields.StringAt(doc, a["InstanceId"], "spec.Attachment.InstanceId") ?? throw doc.Error("spec.Attachment.InstanceId", "Required value"),
                             DeviceIndex: DocumentFields.IntAt(doc, a["DeviceIndex"], "spec.Attachment.DeviceIndex") ?? throw doc.Error("spec.Attachment.DeviceIndex", "Required value"),
                             NetworkCardIndex: DocumentFields.IntAt(doc, a["NetworkCardIndex"], "spec.Attachment.NetworkCardIndex") ?? 0),
            _ => throw doc.Error("spec.Attachment", "must be a map with InstanceId and DeviceIndex"),
        };

        if (attachment is { DeviceIndex: 0 } primaryOf)
        {
            var primaryId = AddToPrimary(doc, ec2, primaryOf.InstanceId, primary, secondaries, prefixes, groups);
            AssignIpv6(ec2, primaryId, ipv6Addresses, ipv6Prefixes);
            return;
        }

        var eni = ec2.CreateNetworkInterface(new CreateNetworkInterfaceRequest(
            subnetId,
            groups.Count > 0 ? groups : null,
            DocumentFields.String(doc, "Description"),
            primary,
            secondaries.Count > 0 ? secondaries : null,
            Ipv4Prefixes: prefixes.Count > 0 ? prefixes : null,
            InterfaceType: type == NetworkInterfaceTypes.Interface ? null : type,
            Tags: tags,
            NetworkInterfaceId: DocumentFields.String(doc, "NetworkInterfaceId"),
            MacAddress: DocumentFields.String(doc, "MacAddress")));
        AssignIpv6(ec2, eni.NetworkInterfaceId, ipv6Addresses, ipv6Prefixes);
        if (attachment is { } attach)
        {
            ec2.AttachNetworkInterface(new AttachNetworkInterfaceRequest(eni.NetworkInterfaceId, attach.InstanceId, attach.DeviceIndex, attach.NetworkCardIndex));
        }
        else if (type == NetworkInterfaceTypes.Branch
                 && tags.FirstOrDefault(t => t.Key == ResourceControllerNames.TrunkEniIdTag)?.Value is { Length: > 0 } trunk
                 && int.TryParse(tags.FirstOrDefault(t => t.Key == ResourceControllerNames.VlanIdTag)?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var vlan))
        {
            ec2.AssociateTrunkInterface(new AssociateTrunkInterfaceRequest(eni.NetworkInterfaceId, trunk, vlan));
        }
    }

    /// <summary>The primary interface RunInstances made for a node group's instance gets the snapshot's other addresses.</summary>
    private static string AddToPrimary(WorldDocument doc, Ec2Backend ec2, string instanceId, string? primary, IReadOnlyList<string> secondaries, IReadOnlyList<string> prefixes, IReadOnlyList<string> groups)
    {
        var eni = ec2.DescribeNetworkInterfaces(DescribeRequest.Where(new Filter("attachment.instance-id", instanceId), new Filter("attachment.device-index", "0"))) is [var found, ..]
            ? found
            : throw doc.Error("spec.Attachment.InstanceId", $"no instance {instanceId} in the world: the primary interface (DeviceIndex 0) belongs to an instance a NodeGroup's Instances gives");
        if (DocumentFields.String(doc, "NetworkInterfaceId") is { } id && id != eni.NetworkInterfaceId)
        {
            throw doc.Error("spec.NetworkInterfaceId", $"Invalid value: \"{id}\": the primary interface of {instanceId} is {eni.NetworkInterfaceId} (give its ID as the NodeGroup instance's NetworkInterfaceId)");
        }

        if (primary is not null && primary != eni.PrivateIpAddress)
        {
            throw doc.Error("spec.PrivateIpAddresses", $"Invalid value: \"{primary}\": the primary address of {instanceId} is {eni.PrivateIpAddress}");
        }

        if (secondaries.Count + prefixes.Count > 0)
        {
            ec2.AssignPrivateIpAddresses(new AssignPrivateIpAddressesRequest(eni.NetworkInterfaceId, secondaries.Count > 0 ? secondaries : null, Ipv4Prefixes: prefixes.Count > 0 ? prefixes : null));
        }

        if (groups.Count > 0)
        {
            ec2.ModifyNetworkInterfaceAttribute(new ModifyNetworkInterfaceAttributeRequest(eni.NetworkInterfaceId, Groups: groups));
        }

        return eni.NetworkInterfaceId;
    }

    /// <summary>The interface's IPv6 addresses and /80 prefixes, as the snapshot read them (EC2's errors for a subnet without IPv6).</summary>
    private static void AssignIpv6(Ec2Backend ec2, string eniId, IReadOnlyList<string> addresses, IReadOnlyList<string> prefixes)
    {
        if (addresses.Count + prefixes.Count > 0)
        {
            ec2.AssignIpv6Addresses(new AssignIpv6AddressesRequest(eniId, addresses.Count > 0 ? addresses : null, Ipv6Prefixes: prefixes.Count > 0 ? prefixes : null));
        }
    }

    /// <summary>Groups as IDs or names, or as EC2 lists them (<c>{GroupId, GroupName}</c>).</summary>
    private static IEnumerable<string> Groups(WorldDocument doc, JsonObject spec)
        => spec["Groups"] switch
        {
            null => [],
            JsonArray list => list.Select((item, i) => item switch
            {
                JsonObject pair => DocumentFields.StringAt(doc, pair["GroupId"], $"spec.Groups[{i}].GroupId") ?? throw doc.Error($"spec.Groups[{i}].GroupId", "Required value"),
                _ => DocumentFields.StringAt(doc, item, $"spec.Groups[{i}]") ?? throw doc.Error($"spec.Groups[{i}]", "Required value"),
            }),
            _ => throw doc.Error("spec.Groups", "must be a list of security groups"),
        };

    /// <summary>The primary address (the entry marked <c>Primary</c>, else <c>PrivateIpAddress</c>) and the others, in order.</summary>
    private static (string? Primary, List<string> Secondaries) Addresses(WorldDocument doc, JsonObject spec)
    {
        var primary = DocumentFields.String(doc, "PrivateIpAddress");
        var secondaries = new List<string>();
        if (spec["PrivateIpAddresses"] is { } node)
        {
            if (node is not JsonArray list)
            {
                throw doc.Error("spec.PrivateIpAddresses", "must be a list of {PrivateIpAddress, Primary}");
            }

            for (var i = 0; i < list.Count; i++)
            {
                if (list[i] is not JsonObject entry)
                {
                    throw doc.Error($"spec.PrivateIpAddresses[{i}]", "must be a map with PrivateIpAddress");
                }

                var address = DocumentFields.StringAt(doc, entry["PrivateIpAddress"], $"spec.PrivateIpAddresses[{i}].PrivateIpAddress") ?? throw doc.Error($"spec.PrivateIpAddresses[{i}].PrivateIpAddress", "Required value");
                var isPrimary = entry["Primary"] is JsonValue v && v.TryGetValue<bool>(out var b) && b;
                if (isPrimary && primary is not null && primary != address)
                {
                    throw doc.Error($"spec.PrivateIpAddresses[{i}].Primary", $"Invalid value: \"{address}\": the primary address is {primary}");
                }

                if (isPrimary)
                {
                    primary = address;
                }
                else if (address != primary)
                {
                    secondaries.Add(address);
                }
            }
        }

        return (primary, secondaries);
    }

    /// <summary>A list of maps with one field each (<c>[{Ipv4Prefix: 10.0.1.32/28}]</c>) as the field's values.</summary>
    private static List<string> List(WorldDocument doc, JsonObject spec, string field, string key)
        => spec[field] switch
        {
            null => [],
            JsonArray list => [.. list.Select((item, i) => item is JsonObject entry
                ? DocumentFields.StringAt(doc, entry[key], $"spec.{field}[{i}].{key}") ?? throw doc.Error($"spec.{field}[{i}].{key}", "Required value")
                : throw doc.Error($"spec.{field}[{i}]", $"must be a map with {key}"))],
            _ => throw doc.Error($"spec.{field}", $"must be a list of {{{key}}}"),
        };
}

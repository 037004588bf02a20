using System.Text.Json.Nodes;

namespace Podnet.ResourceController;

/// <summary>
/// One branch interface of a pod, as the controller writes it into the pod's <c>vpc.amazonaws.com/pod-eni</c>
/// annotation: the keys of the Go struct ENIDetails, always all of them, in this order.
/// </summary>
public sealed record BranchEni(
    string EniId,
    string IfAddress,
    string PrivateIp,
    string Ipv6Addr,
    int VlanId,
    string SubnetCidr,
    string SubnetV6Cidr,
    string AssociationId)
{
    public JsonObject ToJson() => new()
    {
        ["eniId"] = EniId,
        ["ifAddress"] = IfAddress,
        ["privateIp"] = PrivateIp,
        ["ipv6Addr"] = Ipv6Addr,
        ["vlanId"] = VlanId,
        ["subnetCidr"] = SubnetCidr,
        ["subnetV6Cidr"] = SubnetV6Cidr,
        ["associationID"] = AssociationId,
    };

    /// <summary>
    /// The branch as <c>CreateAndAssociateBranchENIs</c> (pkg/provider/branch/trunk/trunk.go) records a new interface:
    /// "Branch ENI can have an IPv4 address, IPv6 address, or both" — its private IPv4 address and the IPv6 address
    /// EC2 gave it (one when the subnet assigns IPv6 addresses on creation, else empty), the trunk's subnet's blocks,
    /// and no association yet.
    /// </summary>
    public static BranchEni Of(Aws.Ec2.NetworkInterface eni, int vlanId, TrunkState trunk)
    {
        ArgumentNullException.ThrowIfNull(eni);
        ArgumentNullException.ThrowIfNull(trunk);
        return new BranchEni(
            eni.NetworkInterfaceId,
            eni.MacAddress,
            eni.PrivateIpAddress,
            eni.Ipv6Addresses.Count > 0 ? eni.Ipv6Addresses[0].Ipv6Address : string.Empty,
            vlanId,
            trunk.SubnetCidr,
            trunk.SubnetV6Cidr,
            string.Empty);
    }

    /// <summary>The annotation's value: a compact JSON array, as Go's json.Marshal writes it.</summary>
    public static string Annotation(IEnumerable<BranchEni> branches)
        => new JsonArray([.. branches.Select(b => (JsonNode)b.ToJson())]).ToJsonString();

    /// <summary>Reads an annotation back; keys are matched without regard to case, as Go's decoder does.</summary>
    public static IReadOnlyList<BranchEni> Parse(string annotation)
    {
        if (JsonNode.Parse(annotation) is not JsonArray items)
        {
            return [];
        }

        string Text(JsonObject o, string key) => o.FirstOrDefault(p => string.Equals(p.Key, key, StringComparison.OrdinalIgnoreCase)).Value?.ToString() ?? string.Empty;
        return [.. items.OfType<JsonObject>().Select(o => new BranchEni(
            Text(o, "eniId"),
            Text(o, "ifAddress"),
            Text(o, "privateIp"),
            Text(o, "ipv6Addr"),
            int.TryParse(Text(o, "vlanId"), out var vlan) ? vlan : 0,
            Text(o, "subnetCidr"),
            Text(o, "subnetV6Cidr"),
            Text(o, "associationID")))];
    }
}

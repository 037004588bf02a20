using System.Text.Json.Nodes;
using Podnet.Aws;
using Podnet.Aws.Ec2;
using Podnet.Net;

namespace Podnet.World;

/// <summary>
/// A world's routes: the kinds <c>InternetGateway</c>, <c>EgressOnlyInternetGateway</c>, <c>NatGateway</c> and
/// <c>RouteTable</c> with the fields <c>aws ec2 describe-internet-gateways</c>,
/// <c>describe-egress-only-internet-gateways</c>, <c>describe-nat-gateways</c> and <c>describe-route-tables</c>
/// print, and the tables a fresh EKS VPC has for a world that declares none of them.
/// </summary>
internal sealed partial class AwsWorldBuilder
{
    /// <summary>The kinds that make a world's routes: a world with any of them declares all its routes itself.</summary>
    private static readonly string[] RouteKinds = ["InternetGateway", "EgressOnlyInternetGateway", "NatGateway", "RouteTable"];

    /// <summary>The fields of a NAT gateway's address that are its Elastic IP's, which a private NAT gateway has none of.</summary>
    private static readonly string[] ElasticIpFields = ["AllocationId", "PublicIp"];

    /// <summary>
    /// An <c>InternetGateway</c>: <c>InternetGatewayId</c> (an existing gateway's, as <c>podnet snapshot</c> reads it;
    /// else drawn from its identity), <c>Attachments</c> (at most one <c>{VpcId}</c>, a name from the world or an ID),
    /// and <c>Tags</c>. Created and attached as <c>aws ec2 create-internet-gateway</c> and <c>attach-internet-gateway</c> do.
    /// </summary>
    private void CreateInternetGateway(WorldDocument doc)
    {
        var ec2 = _cloud.Ec2Backend;
        var attachments = Entries(doc, DocumentFields.Spec(doc), "spec", "Attachments").ToList();
        if (attachments.Count > 1)
        {
            throw doc.Error("spec.Attachments", $"Too many: {attachments.Count}: an internet gateway is attached to at most one VPC");
        }

        var gateway = ec2.CreateInternetGateway(WithName(DocumentFields.Tags(doc), doc.Name), DocumentFields.String(doc, "InternetGatewayId"));
        Remember(doc, gateway.InternetGatewayId);
        foreach (var (entry, path) in attachments)
        {
            Known(doc, entry, path, "VpcId");
            ec2.AttachInternetGateway(gateway.InternetGatewayId, Resolve(doc, path[5..] + ".VpcId", "Vpc", "vpc", Required(doc, entry, path, "VpcId")));
        }
    }

    /// <summary>
    /// An <c>EgressOnlyInternetGateway</c>: <c>Attachments</c> (exactly one <c>{VpcId}</c>, a name from the world or
    /// an ID: EC2 makes the gateway for one VPC, <c>aws ec2 create-egress-only-internet-gateway --vpc-id</c>),
    /// <c>EgressOnlyInternetGatewayId</c> (an existing gateway's; else drawn from its identity) and <c>Tags</c>.
    /// </summary>
    private void CreateEgressOnlyInternetGateway(WorldDocument doc)
    {
        var attachments = Entries(doc, DocumentFields.Spec(doc), "spec", "Attachments").ToList();
        if (attachments.Count != 1)
        {
            throw doc.Error("spec.Attachments", attachments.Count == 0
                ? "Required value: an egress-only internet gateway is made for one VPC ([{VpcId: …}])"
                : $"Too many: {attachments.Count}: an egress-only internet gateway is attached to exactly one VPC");
        }

        var (entry, path) = attachments[0];
        Known(doc, entry, path, "VpcId");
        var vpcId = Resolve(doc, path[5..] + ".VpcId", "Vpc", "vpc", Required(doc, entry, path, "VpcId"));
        var gateway = _cloud.Ec2Backend.CreateEgressOnlyInternetGateway(vpcId, WithName(DocumentFields.Tags(doc), doc.Name), DocumentFields.String(doc, "EgressOnlyInternetGatewayId"));
        Remember(doc, gateway.EgressOnlyInternetGatewayId);
    }

    /// <summary>
    /// A <c>NatGateway</c>: <c>SubnetId</c> (a name from the world or an ID), <c>ConnectivityType</c> (<c>public</c>,
    /// the default, or <c>private</c>), <c>Tags</c>, and what <c>aws ec2 describe-nat-gateways</c> shows of an existing
    /// gateway (as <c>podnet snapshot</c> reads it): <c>NatGatewayId</c> and one <c>NatGatewayAddresses</c> entry
    /// <c>{AllocationId, PublicIp, PrivateIp, NetworkInterfaceId}</c>, each optional. It is <c>available</c>, as a
    /// gateway that exists already. A public one gets its Elastic IP (that one, else a new one), and its VPC needs an
    /// internet gateway: EC2 would let it fail (<c>Gateway.NotAttached</c>), and a world cannot hold a gateway that
    /// never worked. A private one has no Elastic IP (an <c>AllocationId</c> or <c>PublicIp</c> is EC2's
    /// <c>InvalidParameterCombination</c>) and needs no internet gateway.
    /// </summary>
    private void CreateNatGateway(WorldDocument doc)
    {
        var ec2 = _cloud.Ec2Backend;
        var type = DocumentFields.String(doc, "ConnectivityType") ?? "public";
        if (type is not ("public" or "private"))
        {
            throw doc.Error("spec.ConnectivityType", $"Unsupported value: \"{type}\": supported values: \"private\", \"public\"");
        }

        var subnetId = Resolve(doc, "SubnetId", "Subnet", "subnet");
        var addresses = Entries(doc, DocumentFields.Spec(doc), "spec", "NatGatewayAddresses").ToList();
        if (addresses.Count > 1)
        {
            throw doc.Error("spec.NatGatewayAddresses", $"Too many: {addresses.Count}: Podnet emulates a NAT gateway's primary address only");
        }

        var (given, path) = addresses.Count == 1 ? addresses[0] : (new JsonObject(), "spec.NatGatewayAddresses[0]");
        Known(doc, given, path, "AllocationId", "PublicIp", "PrivateIp", "NetworkInterfaceId");
        string? Given(string field) => DocumentFields.StringAt(doc, given[field], $"{path}.{field}");
        string? allocationId = null;
        if (type == "private")
        {
            if (ElasticIpFields.FirstOrDefault(f => given[f] is not null) is { } elastic)
            {
                var refused = Ec2Errors.PrivateNatGatewayAllocation();
                throw doc.Error($"{path}.{elastic}", $"{refused.Code}: {refused.Message}");
            }
        }
        else
        {
            allocationId = ec2.AllocateAddress("vpc", [new Tag("Name", doc.Name)], Given("AllocationId"), Given("PublicIp")).AllocationId;
        }

        var nat = ec2.CreateNatGateway(new CreateNatGatewayRequest(
            subnetId,
            allocationId,
            WithName(DocumentFields.Tags(doc), doc.Name),
            Existing: true,
            PrivateIpAddress: Given("PrivateIp"),
            NatGatewayId: DocumentFields.String(doc, "NatGatewayId"),
            NetworkInterfaceId: Given("NetworkInterfaceId"),
            ConnectivityType: type));
        if (nat.State == "failed")
        {
            throw doc.Error("spec.SubnetId", $"{nat.FailureCode}: {nat.FailureMessage} (declare an InternetGateway attached to the VPC)");
        }

        Remember(doc, nat.NatGatewayId);
    }

    /// <summary>
    /// A <c>RouteTable</c>: <c>RouteTableId</c> (an existing table's, as <c>podnet snapshot</c> reads it; else drawn
    /// from its identity), <c>VpcId</c>, <c>Routes</c> (<c>{DestinationCidrBlock | DestinationIpv6CidrBlock |
    /// DestinationPrefixListId, GatewayId | NatGatewayId | EgressOnlyInternetGatewayId}</c>, a prefix list or gateway
    /// by its document's name or ID; the VPC's <c>local</c> routes, its IPv6 block's too, are always there and may be listed) and <c>Associations</c> (<c>{SubnetId}</c>, or
    /// <c>{Main: true}</c> for the VPC's main table, which EC2 made with the VPC: its routes are added to that table;
    /// either with its <c>RouteTableAssociationId</c>). A subnet no table names is implicitly associated with the main table.
    /// </summary>
    private void CreateRouteTable(WorldDocument doc)
    {
        var ec2 = _cloud.Ec2Backend;
        var vpcId = Resolve(doc, "VpcId", "Vpc", "vpc");
        var spec = DocumentFields.Spec(doc);
        var associations = Entries(doc, spec, "spec", "Associations").ToList();
        foreach (var (entry, path) in associations)
        {
            Known(doc, entry, path, "SubnetId", "Main", "RouteTableAssociationId");
            if ((entry["SubnetId"] is not null) == IsMain(entry))
            {
                throw doc.Error(path, "Invalid value: an association names a SubnetId, or is {Main: true} for the VPC's main route table");
            }
        }

        string tableId;
        if (associations.Any(a => IsMain(a.Entry)))
        {
            var mainTable = ec2.DescribeRouteTables(DescribeRequest.Where(new Filter("vpc-id", vpcId), new Filter("association.main", "true")))[0];
            if (_ids.ContainsValue(mainTable.RouteTableId))
            {
                throw doc.Error("spec.Associations", $"Duplicate value: the main route table of {vpcId} is described by another RouteTable");
            }

            tableId = mainTable.RouteTableId;

            // The VPC was made with the IDs this document gives its main table (GivenMainRouteTable); a table of a VPC
            // the world does not make cannot take them.
            if (DocumentFields.String(doc, "RouteTableId") is { } givenId && givenId != tableId)
            {
                throw doc.Error("spec.RouteTableId", $"Invalid value: \"{givenId}\": the main route table of {vpcId} is {tableId}, made with the VPC (give the VPC as a Vpc document of the world)");
            }

            if (DocumentFields.Tags(doc) is { Count: > 0 } tags)
            {
                ec2.CreateTags([tableId], tags);
            }
        }
        else
        {
            tableId = ec2.CreateRouteTable(vpcId, WithName(DocumentFields.Tags(doc), doc.Name), DocumentFields.String(doc, "RouteTableId")).RouteTableId;
        }

        Remember(doc, tableId);
        var vpc = ec2.DescribeVpcs(DescribeRequest.ForIds(vpcId))[0];
        var vpcBlocks = vpc.CidrBlockAssociationSet.Select(b => b.CidrBlock)
            .Concat(vpc.Ipv6CidrBlockAssociationSet.Select(b => b.Ipv6CidrBlock))
            .ToHashSet(StringComparer.Ordinal);
        foreach (var (entry, path) in Entries(doc, spec, "spec", "Routes"))
        {
            Known(doc, entry, path, "DestinationCidrBlock", "DestinationIpv6CidrBlock", "DestinationPrefixListId", "GatewayId", "NatGatewayId", "EgressOnlyInternetGatewayId");
            var destination = DocumentFields.StringAt(doc, entry["DestinationCidrBlock"], $"{path}.DestinationCidrBlock");
            var ipv6Destination = DocumentFields.StringAt(doc, entry["DestinationIpv6CidrBlock"], $"{path}.DestinationIpv6CidrBlock");
            var prefixList = DocumentFields.StringAt(doc, entry["DestinationPrefixListId"], $"{path}.DestinationPrefixListId");
            if (new[] { destination, ipv6Destination, prefixList }.Count(d => d is not null) != 1)
            {
                throw doc.Error(path, "Invalid value: a route names one of DestinationCidrBlock, DestinationIpv6CidrBlock and DestinationPrefixListId");
            }

            var gateway = DocumentFields.StringAt(doc, entry["GatewayId"], $"{path}.GatewayId");
            if (gateway == "local" && (destination ?? ipv6Destination) is { } localDestination)
            {
                // describe-route-tables lists the local routes; they are the VPC's CIDR blocks, not routes one adds.
                if (!vpcBlocks.Contains(localDestination))
                {
                    var field = destination is null ? "DestinationIpv6CidrBlock" : "DestinationCidrBlock";
                    throw doc.Error($"{path}.{field}", $"Invalid value: \"{localDestination}\": a local route's destination is one of the VPC's CIDR blocks ({string.Join(", ", vpcBlocks)})");
                }

                continue;
            }

            var nat = DocumentFields.StringAt(doc, entry["NatGatewayId"], $"{path}.NatGatewayId");
            var eigw = DocumentFields.StringAt(doc, entry["EgressOnlyInternetGatewayId"], $"{path}.EgressOnlyInternetGatewayId");
            var request = new CreateRouteRequest(
                tableId,
                destination,
                gateway is null ? null : Resolve(doc, path[5..] + ".GatewayId", "InternetGateway", "igw", gateway),
                nat is null ? null : Resolve(doc, path[5..] + ".NatGatewayId", "NatGateway", "nat", nat),
                prefixList is null ? null : Resolve(doc, path[5..] + ".DestinationPrefixListId", "ManagedPrefixList", "pl", prefixList),
                ipv6Destination,
                eigw is null ? null : Resolve(doc, path[5..] + ".EgressOnlyInternetGatewayId", "EgressOnlyInternetGateway", "eigw", eigw));
            try
            {
                ec2.CreateRoute(request);
            }
            catch (AwsException e) when (e.Code is "InvalidParameterCombination" or Ec2Errors.Codes.InvalidParameterValue)
            {
                // EC2's refusal of this route (an egress-only gateway for an IPv4 destination, a block of the other
                // family, two targets), said at the route in EC2's words.
                throw doc.Error(path, $"{e.Code}: {e.Message}");
            }
        }

        foreach (var (entry, path) in associations.Where(a => a.Entry["SubnetId"] is not null))
        {
            var subnetId = Resolve(doc, path[5..] + ".SubnetId", "Subnet", "subnet", Required(doc, entry, path, "SubnetId"));
            ec2.AssociateRouteTable(tableId, subnetId, DocumentFields.StringAt(doc, entry["RouteTableAssociationId"], $"{path}.RouteTableAssociationId"));
        }
    }

    /// <summary>
    /// The routes of a world that declares none (no <c>InternetGateway</c>, <c>NatGateway</c> or <c>RouteTable</c>):
    /// each VPC gets what the EKS sample VPC template (<c>amazon-eks-vpc-private-subnets.yaml</c>, the VPC of the EKS
    /// User Guide's "Create an Amazon VPC for your Amazon EKS cluster") gives it. An internet gateway; a public table
    /// (<c>0.0.0.0/0</c> → the internet gateway) associated with the subnets that map public IPs on launch; a NAT
    /// gateway in a public subnet of each zone with private subnets (the first public subnet's when the zone has
    /// none); and a table per private subnet (<c>0.0.0.0/0</c> → its zone's NAT gateway). Only subnets of the VPC's
    /// primary CIDR block are the template's: a subnet of a secondary block (the custom-networking subnets users add,
    /// seed 003) keeps the implicit association with the main table, which has only the local routes — no way out of
    /// the VPC. Without a public subnet there is nowhere for a NAT gateway, so private subnets have no way out either.
    /// A VPC with an IPv6 block (a cluster of the IPv6 family) gets what eksctl's IPv6 VPC stack adds
    /// (<c>IPv6VPCResourceSet.CreateTemplate</c>, pkg/cfn/builder/vpc_ipv6.go): <c>::/0</c> → the internet gateway in
    /// the public table, an egress-only internet gateway, and <c>::/0</c> → it in each private table (eksctl makes both
    /// with the public resources, so a VPC without a public subnet has neither).
    /// </summary>
    private void CreateFreshEksVpcRoutes(IReadOnlyList<WorldDocument> documents)
    {
        if (documents.Any(d => RouteKinds.Contains(d.Kind)))
        {
            return;
        }

        var ec2 = _cloud.Ec2Backend;
        foreach (var vpcDoc in documents.Where(d => d.Kind == "Vpc"))
        {
            var vpc = ec2.DescribeVpcs(DescribeRequest.ForIds(_ids[("Vpc", vpcDoc.Name)]))[0];
            var primary = CidrBlock.Parse(vpc.CidrBlock);
            var subnets = documents.Where(d => d.Kind == "Subnet" && _ids.ContainsKey(("Subnet", d.Name)))
                .Select(d => ec2.DescribeSubnets(DescribeRequest.ForIds(_ids[("Subnet", d.Name)]))[0])
                .Where(s => s.VpcId == vpc.VpcId && primary.Contains(CidrBlock.Parse(s.CidrBlock)))
                .ToList();
            var gateway = ec2.CreateInternetGateway([new Tag("Name", $"{vpcDoc.Name}/InternetGateway")]);
            ec2.AttachInternetGateway(gateway.InternetGatewayId, vpc.VpcId);
            var publicSubnets = subnets.Where(s => s.MapPublicIpOnLaunch).ToList();
            if (publicSubnets.Count == 0)
            {
                continue;
            }

            var publicTable = ec2.CreateRouteTable(vpc.VpcId, [new Tag("Name", $"{vpcDoc.Name}/PublicRouteTable")]);
            ec2.CreateRoute(new CreateRouteRequest(publicTable.RouteTableId, "0.0.0.0/0", GatewayId: gateway.InternetGatewayId));
            string? egressOnly = null;
            if (vpc.Ipv6CidrBlockAssociationSet.Count > 0)
            {
                ec2.CreateRoute(new CreateRouteRequest(publicTable.RouteTableId, null, GatewayId: gateway.InternetGatewayId, DestinationIpv6CidrBlock: "::/0"));
                egressOnly = ec2.CreateEgressOnlyInternetGateway(vpc.VpcId, [new Tag("Name", $"{vpcDoc.Name}/EgressOnlyInternetGateway")]).EgressOnlyInternetGatewayId;
            }

            foreach (var subnet in publicSubnets)
            {
                ec2.AssociateRouteTable(publicTable.RouteTableId, subnet.SubnetId);
            }

            var natByZone = new Dictionary<string, string>(StringComparer.Ordinal);
            var privateSubnets = subnets.Where(s => !s.MapPublicIpOnLaunch).ToList();
            for (var i = 0; i < privateSubnets.Count; i++)
            {
                var subnet = privateSubnets[i];
                var natSubnet = publicSubnets.FirstOrDefault(p => p.AvailabilityZone == subnet.AvailabilityZone) ?? publicSubnets[0];
                if (!natByZone.TryGetValue(natSubnet.SubnetId, out var natId))
                {
                    var name = $"{vpcDoc.Name}/NatGateway{natByZone.Count + 1:00}";
                    var address = ec2.AllocateAddress("vpc", [new Tag("Name", name)]);
                    natId = ec2.CreateNatGateway(new CreateNatGatewayRequest(natSubnet.SubnetId, address.AllocationId, [new Tag("Name", name)], Existing: true)).NatGatewayId;
                    natByZone.Add(natSubnet.SubnetId, natId);
                }

                var table = ec2.CreateRouteTable(vpc.VpcId, [new Tag("Name", $"{vpcDoc.Name}/PrivateRouteTable{i + 1:00}")]);
                ec2.CreateRoute(new CreateRouteRequest(table.RouteTableId, "0.0.0.0/0", NatGatewayId: natId));
                if (egressOnly is not null)
                {
                    ec2.CreateRoute(new CreateRouteRequest(table.RouteTableId, null, DestinationIpv6CidrBlock: "::/0", EgressOnlyInternetGatewayId: egressOnly));
                }

                ec2.AssociateRouteTable(table.RouteTableId, subnet.SubnetId);
            }
        }
    }

    /// <summary>
    /// The IDs a <c>RouteTable</c> document of the VPC <paramref name="vpcName"/> (named so, or by its given
    /// <paramref name="vpcId"/>) gives the VPC's main table (<c>{Main: true}</c>): its <c>RouteTableId</c> and the main
    /// association's <c>RouteTableAssociationId</c>. EC2 makes the main table with the VPC, so they are given then.
    /// </summary>
    private (string? RouteTableId, string? AssociationId) GivenMainRouteTable(string vpcName, string? vpcId)
    {
        foreach (var doc in _documents.Where(d => d.Kind == "RouteTable"))
        {
            var spec = DocumentFields.Spec(doc);
            var vpc = spec["VpcId"] is JsonValue v && v.TryGetValue<string>(out var text) ? text : null;
            if (vpc is null || (vpc != vpcName && vpc != vpcId))
            {
                continue;
            }

            // A malformed document is left for CreateRouteTable to refuse, naming its field.
            var main = (spec["Associations"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(IsMain);
            if (main is not null)
            {
                return (DocumentFields.String(doc, "RouteTableId"), main["RouteTableAssociationId"] is JsonValue a && a.TryGetValue<string>(out var id) ? id : null);
            }
        }

        return (null, null);
    }

    /// <summary>Whether an association is the main one (<c>Main: true</c>).</summary>
    private static bool IsMain(JsonObject association) => association["Main"] is JsonValue value && value.TryGetValue<bool>(out var main) && main;

    /// <summary>A map of a list entry may hold only the fields its kind has (the aws CLI's names).</summary>
    private static void Known(WorldDocument doc, JsonObject entry, string path, params string[] fields)
    {
        if (entry.Select(p => p.Key).FirstOrDefault(k => !fields.Contains(k)) is { } unknown)
        {
            throw doc.Error($"{path}.{unknown}", $"unknown field: supported fields: {string.Join(", ", fields)}");
        }
    }
}

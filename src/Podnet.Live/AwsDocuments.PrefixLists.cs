using System.Text.Json.Nodes;
using Amazon.EC2.Model;
using AwsManagedPrefixLists = Podnet.Aws.Ec2.AwsManagedPrefixLists;

namespace Podnet.Live;

/// <summary>
/// The managed prefix lists and gateway VPC endpoints of a snapshot: a <c>ManagedPrefixList</c> per list of the
/// account's own (<c>OwnerId</c> = the VPCs' owner), with <c>aws ec2 create-managed-prefix-list</c>'s fields and the
/// entries <c>get-managed-prefix-list-entries</c> printed, and a <c>VpcEndpoint</c> per gateway endpoint of a VPC read,
/// with <c>aws ec2 create-vpc-endpoint</c>'s fields, its route tables among them (the world's endpoint adds the route
/// <c>pl-… → vpce-…</c> to each, as EC2 did). AWS-managed lists are not written: every world region has them built in
/// (<see cref="AwsManagedPrefixLists"/>), so a rule or route naming one keeps its ID when Podnet's list of that name
/// has it, and names the list by its name (<c>com.amazonaws.us-west-2.s3</c>, which the loader resolves) when
/// Podnet's ID there is another one.
/// </summary>
public static partial class AwsDocuments
{
    /// <summary>The services that have gateway endpoints (Amazon VPC User Guide, "Gateway endpoints"): S3 and DynamoDB.</summary>
    private static readonly string[] GatewayServices = ["s3", "dynamodb"];

    /// <summary>
    /// How a snapshot's documents name the prefix lists the account sees: the account's own lists by ID (they are
    /// written), the region's AWS-managed lists by ID or name (Podnet has them), none other.
    /// </summary>
    private sealed class PrefixListNames
    {
        private readonly Dictionary<string, ManagedPrefixList> _seen;
        private readonly HashSet<string> _written;
        private readonly Dictionary<string, AwsManagedPrefixLists.Definition> _podnetByName;
        private readonly HashSet<string> _podnetIds;
        private readonly HashSet<string> _told = new(StringComparer.Ordinal);

        public PrefixListNames(Ec2Inventory inventory, IEnumerable<string> written)
        {
            _seen = inventory.ManagedPrefixLists.GroupBy(l => l.PrefixListId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
            _written = written.ToHashSet(StringComparer.Ordinal);
            var podnet = AwsManagedPrefixLists.For(inventory.Region);
            _podnetByName = podnet.ToDictionary(d => d.Name, StringComparer.Ordinal);
            _podnetIds = podnet.Select(d => d.PrefixListId).OfType<string>().ToHashSet(StringComparer.Ordinal);
        }

        /// <summary>
        /// What a document writes for the list <paramref name="id"/> that <paramref name="user"/> names: the ID, an
        /// AWS-managed list's name, or null when the world cannot have the list (said in <paramref name="notes"/>).
        /// </summary>
        public string? Name(string id, string user, List<string> notes)
        {
            if (_written.Contains(id))
            {
                return id;
            }

            _seen.TryGetValue(id, out var list);
            if (list?.OwnerId == AwsManagedPrefixLists.Owner || (list is null && _podnetIds.Contains(id)))
            {
                if (list is null || (_podnetByName.TryGetValue(list.PrefixListName, out var same) && same.PrefixListId == id))
                {
                    Tell(id, notes, $"prefix list {id} is AWS-managed{(list is null ? string.Empty : $" ({list.PrefixListName})")}: not written, the world's region has it built in, with Podnet's sample of the service's ranges rather than the account's current entries");
                    return id;
                }

                if (_podnetByName.ContainsKey(list.PrefixListName))
                {
                    Tell(id, notes, $"prefix list {id} is AWS-managed ({list.PrefixListName}): not written; Podnet's list of that name has another ID in {list.PrefixListName.Split('.')[2]}, so the world names it by its name (with Podnet's sample of the service's ranges)");
                    return list.PrefixListName;
                }

                notes.Add($"{user} names the AWS-managed prefix list {id} ({list.PrefixListName}), which Podnet does not have (only the region's s3, dynamodb and CloudFront origin-facing lists); left out");
                return null;
            }

            notes.Add(list is null
                ? $"{user} names the prefix list {id}, which describe-managed-prefix-lists did not list; left out"
                : $"{user} names the prefix list {id} ({list.PrefixListName}) of account {list.OwnerId}, shared with this one: a world has only its own account's lists; left out");
            return null;
        }

        private void Tell(string id, List<string> notes, string note)
        {
            if (_told.Add(id))
            {
                notes.Add(note);
            }
        }
    }

    /// <summary>
    /// A <c>ManagedPrefixList</c> per list of the account's own, in ID order (its document named by its ID); a list
    /// being deleted is left out. Returns the IDs written.
    /// </summary>
    private static HashSet<string> AddPrefixLists(List<JsonObject> documents, List<string> notes, Ec2Inventory inventory)
    {
        var written = new HashSet<string>(StringComparer.Ordinal);
        if (inventory.AccountId is null)
        {
            return written;
        }

        foreach (var list in inventory.ManagedPrefixLists.Where(l => l.OwnerId == inventory.AccountId).OrderBy(l => l.PrefixListId, StringComparer.Ordinal))
        {
            var state = list.State?.Value ?? "create-complete";
            // A list whose deletion failed (delete-failed: still named by a rule or route) or whose last change failed is still there.
            if (state is "create-failed" or "delete-in-progress" or "delete-complete")
            {
                notes.Add($"prefix list {list.PrefixListId} ({list.PrefixListName}) is {state}: left out, and the rules and routes naming it");
                continue;
            }

            // In the order get-managed-prefix-list-entries gave them.
            var entries = new JsonArray();
            foreach (var entry in inventory.PrefixListEntries.GetValueOrDefault(list.PrefixListId) ?? [])
            {
                entries.Add(Described(new JsonObject { ["Cidr"] = entry.Cidr }, entry.Description));
            }

            var spec = new JsonObject
            {
                ["PrefixListId"] = list.PrefixListId,
                ["PrefixListName"] = list.PrefixListName,
                ["AddressFamily"] = list.AddressFamily,
                ["MaxEntries"] = list.MaxEntries,
            };
            if (entries.Count > 0)
            {
                spec["Entries"] = entries;
            }

            AddTags(spec, list.Tags, list.PrefixListId, notes);
            documents.Add(Document("ManagedPrefixList", list.PrefixListId, spec));
            written.Add(list.PrefixListId);
        }

        return written;
    }

    /// <summary>
    /// A <c>VpcEndpoint</c> per gateway endpoint of the VPCs (<c>available</c> or <c>pending</c>; the world's is
    /// available) for the region's <c>s3</c> or <c>dynamodb</c>, in ID order, with the route tables of
    /// <paramref name="tables"/> it routes. Interface, Gateway Load Balancer and other endpoints are not emulated and
    /// are said. Returns the (endpoint, table) pairs whose <c>pl-… → vpce-…</c> route the world's endpoint makes.
    /// </summary>
    private static HashSet<(string Endpoint, string Table)> AddVpcEndpoints(List<JsonObject> documents, List<string> notes, Ec2Inventory inventory, HashSet<string> tables)
    {
        var routed = new HashSet<(string, string)>();
        var vpcIds = inventory.Vpcs.Select(v => v.VpcId).ToHashSet(StringComparer.Ordinal);
        foreach (var endpoint in inventory.VpcEndpoints.Where(e => vpcIds.Contains(e.VpcId)).OrderBy(e => e.VpcEndpointId, StringComparer.Ordinal))
        {
            var type = endpoint.VpcEndpointType?.Value ?? "Gateway";
            // EC2 answers in camel case (available, pendingAcceptance); the SDK's constant may be capitalised.
            var state = endpoint.State?.Value is { Length: > 0 } given ? char.ToLowerInvariant(given[0]) + given[1..] : "available";
            var services = GatewayServices.Select(s => AwsManagedPrefixLists.GatewayListName(inventory.Region, s));
            var why = !string.Equals(type, "Gateway", StringComparison.OrdinalIgnoreCase) ? $"an {type} endpoint, which Podnet does not emulate (gateway endpoints only)"
                : state is not ("available" or "pending") ? state
                : !services.Contains(endpoint.ServiceName, StringComparer.Ordinal) ? $"for {endpoint.ServiceName}, not a gateway service of {inventory.Region}"
                : null;
            if (why is not null)
            {
                notes.Add($"VPC endpoint {endpoint.VpcEndpointId} ({endpoint.ServiceName}) is {why}: left out, and its routes");
                continue;
            }

            var endpointTables = (endpoint.RouteTableIds ?? []).Where(tables.Contains).Order(StringComparer.Ordinal).ToList();
            var spec = new JsonObject
            {
                ["VpcEndpointId"] = endpoint.VpcEndpointId,
                ["VpcId"] = endpoint.VpcId,
                ["ServiceName"] = endpoint.ServiceName,
                ["VpcEndpointType"] = "Gateway",
            };
            if (endpointTables.Count > 0)
            {
                spec["RouteTableIds"] = new JsonArray([.. endpointTables.Select(t => (JsonNode)t)]);
            }

            if (!string.IsNullOrEmpty(endpoint.PolicyDocument))
            {
                spec["PolicyDocument"] = endpoint.PolicyDocument;
            }

            AddTags(spec, endpoint.Tags, endpoint.VpcEndpointId, notes);
            documents.Add(Document("VpcEndpoint", endpoint.VpcEndpointId, spec));
            foreach (var table in endpointTables)
            {
                routed.Add((endpoint.VpcEndpointId, table));
            }
        }

        return routed;
    }
}

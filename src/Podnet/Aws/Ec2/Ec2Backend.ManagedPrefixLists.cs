using Podnet.Net;

namespace Podnet.Aws.Ec2;

public sealed partial class Ec2Backend
{
    /// <summary>The most entries one CreateManagedPrefixList request may carry (EC2 API Reference, "CreateManagedPrefixList": "You can specify up to 100 entries").</summary>
    public const int PrefixListEntriesPerRequest = 100;

    /// <summary>The largest MaxEntries a prefix list may have (Amazon VPC quotas, "Managed prefix lists": 1,000).</summary>
    public const int PrefixListMaxEntries = 1000;

    private readonly Dictionary<string, PrefixListEntity> _prefixLists = new(StringComparer.Ordinal);

    /// <summary>
    /// Creates a customer-managed prefix list, <c>create-complete</c> at version 1, with its entries in the order given.
    /// </summary>
    /// <exception cref="AwsException">
    /// <c>InvalidParameterValue</c>: a name EC2 reserves for its own lists (<c>com.amazonaws.</c>, <c>com.amazon.</c>,
    /// <c>com.aws.</c>), an address family other than <c>IPv4</c>/<c>IPv6</c>, MaxEntries outside
    /// 1–1000, more than 100 entries, more entries than MaxEntries, an entry that is not a CIDR block of the family or
    /// repeats one; a given ID malformed (<c>InvalidPrefixListId.Malformed</c>) or in use.
    /// </exception>
    public ManagedPrefixList CreateManagedPrefixList(CreateManagedPrefixListRequest request)
    {
        if (AwsManagedPrefixLists.IsReservedName(request.PrefixListName))
        {
            throw Ec2Errors.PrefixListNameReserved();
        }

        if (request.AddressFamily is not ("IPv4" or "IPv6"))
        {
            throw Ec2Errors.PrefixListAddressFamily(request.AddressFamily);
        }

        if (request.MaxEntries is < 1 or > PrefixListMaxEntries)
        {
            throw Ec2Errors.PrefixListMaxSize();
        }

        var entries = request.Entries ?? [];
        if (entries.Count > PrefixListEntriesPerRequest)
        {
            throw Ec2Errors.PrefixListEntriesPerRequest();
        }

        if (entries.Count > request.MaxEntries)
        {
            throw Ec2Errors.PrefixListTooManyEntries(entries.Count, request.MaxEntries);
        }

        var seen = new HashSet<CidrBlock>();
        foreach (var entry in entries)
        {
            if (!CidrBlock.TryParse(entry.Cidr, out var block, out var error))
            {
                throw Ec2Errors.PrefixListEntryCidr(entry.Cidr, error);
            }

            if (block.IsIPv4 != (request.AddressFamily == "IPv4"))
            {
                throw Ec2Errors.PrefixListEntryCidr(entry.Cidr, $"The prefix list's address family is {request.AddressFamily}.");
            }

            if (!seen.Add(block))
            {
                throw Ec2Errors.PrefixListEntryCidr(entry.Cidr, "The entry is given more than once.");
            }
        }

        lock (_lock)
        {
            var tags = TagsOf(request.Tags);
            // EC2's code for a malformed pl- ID ("Error codes for the Amazon EC2 API": InvalidPrefixListId.Malformed).
            var id = NewId("pl", request.PrefixListId, "InvalidPrefixListId.Malformed", $"{request.PrefixListName}|{Identity(tags)}");
            var list = new PrefixListEntity(id, request.PrefixListName, request.AddressFamily, request.MaxEntries, AccountId)
            {
                Entries = [.. entries],
                Tags = [.. tags],
            };
            _prefixLists.Add(id, list);
            return ToManagedPrefixList(list);
        }
    }

    /// <summary>
    /// The prefix lists the account sees, AWS-managed ones (owner <c>AWS</c>) first, then the customer's, by ID and
    /// filters (<c>prefix-list-id</c>, <c>prefix-list-name</c>, <c>owner-id</c>, tags); as EC2 lists them beside each other.
    /// </summary>
    /// <exception cref="AwsException"><c>InvalidPrefixListID.NotFound</c>; an unknown filter.</exception>
    public IReadOnlyList<ManagedPrefixList> DescribeManagedPrefixLists(DescribeRequest? request = null)
    {
        request ??= DescribeRequest.All;
        lock (_lock)
        {
            var selected = Select(request.Ids, id => _prefixLists.GetValueOrDefault(id), Ec2Errors.PrefixListNotFound, _prefixLists.Values);
            return [.. PrefixListFilters.Apply(selected.Select(ToManagedPrefixList), request.Filters)];
        }
    }

    /// <summary>
    /// DescribePrefixLists: the region's gateway-endpoint service lists (S3, DynamoDB) with their CIDR blocks, as the
    /// older API lists them — the AWS services' lists only, not the CloudFront list nor customer-managed ones (the
    /// API Reference: "Describes available Amazon Web Services services in a prefix list format"; every region's answer
    /// holds its <c>s3</c> and <c>dynamodb</c> lists, sharadchhetri/aws's describe-prefix-lists in each region).
    /// Filters <c>prefix-list-id</c>, <c>prefix-list-name</c>.
    /// </summary>
    /// <exception cref="AwsException"><c>InvalidPrefixListID.NotFound</c> for an ID not among them; an unknown filter.</exception>
    public IReadOnlyList<PrefixList> DescribePrefixLists(DescribeRequest? request = null)
    {
        request ??= DescribeRequest.All;
        lock (_lock)
        {
            var services = _prefixLists.Values.Where(l => l.OwnerId == AwsManagedPrefixLists.Owner && l.Name != AwsManagedPrefixLists.CloudFrontOriginFacing).ToList();
            var selected = Select(request.Ids, id => services.Find(l => l.Id == id), Ec2Errors.ReferencedPrefixListNotFound, services);
            return [.. ServicePrefixListFilters.Apply(selected.Select(l => new PrefixList(l.Id, l.Name, [.. l.Entries.Select(e => e.Cidr)])), request.Filters)];
        }
    }

    /// <summary>A prefix list's entries, in the order they were given.</summary>
    /// <exception cref="AwsException"><c>InvalidPrefixListID.NotFound</c>.</exception>
    public IReadOnlyList<PrefixListEntry> GetManagedPrefixListEntries(string prefixListId)
    {
        lock (_lock)
        {
            return [.. FindPrefixList(prefixListId).Entries];
        }
    }

    /// <summary>
    /// Modifies a customer-managed prefix list as <c>aws ec2 modify-managed-prefix-list</c> does: removes the CIDRs of
    /// <see cref="ModifyManagedPrefixListRequest.RemoveCidrs"/>, then adds <see cref="ModifyManagedPrefixListRequest.AddEntries"/>,
    /// renames it or changes its MaxEntries; a change of the entries makes a new version ("Adding or removing entries in
    /// a prefix list creates a new version of the prefix list. Changing the name of the prefix list does not affect the
    /// version", API Reference). EC2 answers <c>modify-in-progress</c>; the list is <c>modify-complete</c> after.
    /// </summary>
    /// <exception cref="AwsException">
    /// <c>InvalidPrefixListID.NotFound</c>; an AWS-managed list (<c>UnsupportedOperation</c>); a
    /// <see cref="ModifyManagedPrefixListRequest.CurrentVersion"/> that is not the list's (<c>PrefixListVersionMismatch</c>);
    /// entries and MaxEntries in one request; an entry added that is there already, or a CIDR removed that is not
    /// (<c>InvalidPrefixListModification</c>); a reserved name; more entries than MaxEntries; a CIDR of the other family.
    /// </exception>
    public ManagedPrefixList ModifyManagedPrefixList(ModifyManagedPrefixListRequest request)
    {
        lock (_lock)
        {
            var list = FindPrefixList(request.PrefixListId);
            if (list.OwnerId == AwsManagedPrefixLists.Owner)
            {
                throw Ec2Errors.AwsManagedPrefixListReadOnly(list.Id, "modified");
            }

            if (request.CurrentVersion is { } current && current != list.Version)
            {
                throw Ec2Errors.PrefixListVersionMismatch();
            }

            var adds = request.AddEntries ?? [];
            var removes = request.RemoveCidrs ?? [];
            var changesEntries = adds.Count > 0 || removes.Count > 0;
            if (changesEntries && request.MaxEntries is not null)
            {
                throw Ec2Errors.PrefixListEntriesAndSize();
            }

            if (request.PrefixListName is { } name && AwsManagedPrefixLists.IsReservedName(name))
            {
                throw Ec2Errors.PrefixListNameReserved();
            }

            if (request.MaxEntries is < 1 or > PrefixListMaxEntries)
            {
                throw Ec2Errors.PrefixListMaxSize();
            }

            if (adds.Count > PrefixListEntriesPerRequest || removes.Count > PrefixListEntriesPerRequest)
            {
                throw Ec2Errors.PrefixListEntriesPerRequest();
            }

            var entries = list.Entries.ToList();
            foreach (var cidr in removes)
            {
                var index = entries.FindIndex(e => SameBlock(e.Cidr, cidr));
                if (index < 0)
                {
                    throw Ec2Errors.PrefixListEntryNotFound(cidr);
                }

                entries.RemoveAt(index);
            }

            foreach (var entry in adds)
            {
                if (!CidrBlock.TryParse(entry.Cidr, out var block, out var error))
                {
                    throw Ec2Errors.PrefixListEntryCidr(entry.Cidr, error);
                }

                if (block.IsIPv4 != (list.AddressFamily == "IPv4"))
                {
                    throw Ec2Errors.PrefixListEntryCidr(entry.Cidr, $"The prefix list's address family is {list.AddressFamily}.");
                }

                if (entries.Exists(e => SameBlock(e.Cidr, entry.Cidr)))
                {
                    throw Ec2Errors.PrefixListEntryExists(entry.Cidr, entry.Description);
                }

                entries.Add(entry);
            }

            var maxEntries = request.MaxEntries ?? list.MaxEntries;
            if (entries.Count > maxEntries)
            {
                throw Ec2Errors.PrefixListTooManyEntries(entries.Count, maxEntries);
            }

            list.Entries = entries;
            list.MaxEntries = maxEntries;
            list.Name = request.PrefixListName ?? list.Name;
            if (changesEntries)
            {
                list.Version++;
                // What a rule naming the list admits has changed.
                _securityRevision++;
            }

            list.State = "modify-complete";
            list.StateMessage = null;
            return ToManagedPrefixList(list) with { State = "modify-in-progress" };
        }
    }

    private static bool SameBlock(string a, string b)
        => CidrBlock.TryParse(a, out var x) && CidrBlock.TryParse(b, out var y) ? x == y : string.Equals(a, b, StringComparison.Ordinal);

    /// <summary>
    /// Deletes a customer-managed prefix list; EC2 answers with the list in state <c>delete-in-progress</c>. A list no
    /// security group rule or route names is gone for the calls that follow. One still named stays, in state
    /// <c>delete-failed</c> with a <c>StateMessage</c> naming the first ten resources that reference it: EC2 deletes
    /// asynchronously and reports the failure in the list's state, which is what terraform-provider-aws waits on
    /// (<c>waitManagedPrefixListDeleted</c> turns <c>delete-failed</c> into an error with the list's StateMessage;
    /// hashicorp/terraform-provider-aws#20991, a list still used by security groups and route tables ending
    /// <c>delete-failed</c>). The message's wording is not public; the ten resource IDs follow the API Reference's
    /// "Check the state message for the IDs of the first ten resources" (ModifyManagedPrefixList).
    /// </summary>
    /// <exception cref="AwsException">
    /// <c>InvalidPrefixListID.NotFound</c>; an AWS-managed list (<see cref="Ec2Errors.AwsManagedPrefixListReadOnly"/>).
    /// </exception>
    public ManagedPrefixList DeleteManagedPrefixList(string prefixListId)
    {
        lock (_lock)
        {
            var list = FindPrefixList(prefixListId);
            if (list.OwnerId == AwsManagedPrefixLists.Owner)
            {
                throw Ec2Errors.AwsManagedPrefixListReadOnly(list.Id, "deleted");
            }

            var answer = ToManagedPrefixList(list) with { State = "delete-in-progress", StateMessage = null };
            var users = PrefixListUsers(list.Id);
            if (users.Count > 0)
            {
                list.State = "delete-failed";
                list.StateMessage = $"The prefix list {list.Id} is referenced by: {string.Join(", ", users.Take(10))}.";
                return answer;
            }

            _prefixLists.Remove(list.Id);
            // A rule that named the list now stands for nothing: what security groups let through may change.
            _securityRevision++;
            return answer;
        }
    }

    /// <summary>The security groups whose rules and the route tables whose routes name the list, in ID order.</summary>
    private List<string> PrefixListUsers(string prefixListId)
    {
        var groups = _groups.Values.Where(g => g.Rules.Exists(r => r.PrefixListId == prefixListId)).Select(g => g.Id);
        var tables = _routeTables.Values.Where(t => t.Routes.Exists(r => r.Destination.PrefixListId == prefixListId)).Select(t => t.Id);
        return [.. groups.Concat(tables).Order(StringComparer.Ordinal)];
    }

    /// <summary>
    /// The region's AWS-managed lists (<see cref="AwsManagedPrefixLists"/>), made with the backend: their real IDs
    /// where known (reserved, so no drawn ID takes them), else drawn from their names.
    /// </summary>
    private void AddAwsManagedPrefixLists()
    {
        foreach (var definition in AwsManagedPrefixLists.For(Options.Region))
        {
            var id = definition.PrefixListId is { } known && _ids.Reserve(known) ? known : _ids.Next("pl", $"aws|{definition.Name}");
            var maxEntries = definition.Name == AwsManagedPrefixLists.CloudFrontOriginFacing ? AwsManagedPrefixLists.CloudFrontWeight : Math.Max(1, definition.Entries.Count);
            _prefixLists.Add(id, new PrefixListEntity(id, definition.Name, "IPv4", maxEntries, AwsManagedPrefixLists.Owner)
            {
                Entries = [.. definition.Entries.Select(e => new PrefixListEntry(e))],
            });
        }
    }

    /// <summary>The AWS-managed list of the region named <paramref name="name"/> (<c>com.amazonaws.us-west-2.s3</c>); null when there is none.</summary>
    private PrefixListEntity? AwsPrefixListNamed(string name)
        => _prefixLists.Values.FirstOrDefault(l => l.OwnerId == AwsManagedPrefixLists.Owner && l.Name == name);

    private PrefixListEntity FindPrefixList(string id) => _prefixLists.GetValueOrDefault(id) ?? throw Ec2Errors.PrefixListNotFound(id);

    private ManagedPrefixList ToManagedPrefixList(PrefixListEntity list)
        => new(list.Id, list.AddressFamily, list.State, PrefixListArn(list), list.Name, list.MaxEntries, list.Version, [.. list.Tags], list.OwnerId) { StateMessage = list.StateMessage };

    /// <summary>A list's ARN: an AWS-managed list's names the account <c>aws</c> (<c>arn:aws:ec2:us-west-2:aws:prefix-list/pl-68a54001</c>).</summary>
    private string PrefixListArn(PrefixListEntity list)
        => list.OwnerId == AwsManagedPrefixLists.Owner ? $"arn:aws:ec2:{Options.Region}:aws:prefix-list/{list.Id}" : Arn("prefix-list", list.Id);

    private static readonly FilterMatcher<ManagedPrefixList> PrefixListFilters = new(
        new Dictionary<string, Func<ManagedPrefixList, IEnumerable<string?>>>(StringComparer.Ordinal)
        {
            ["owner-id"] = p => Field.One(p.OwnerId),
            ["prefix-list-id"] = p => Field.One(p.PrefixListId),
            ["prefix-list-name"] = p => Field.One(p.PrefixListName),
        },
        p => p.Tags);

    private static readonly FilterMatcher<PrefixList> ServicePrefixListFilters = new(
        new Dictionary<string, Func<PrefixList, IEnumerable<string?>>>(StringComparer.Ordinal)
        {
            ["prefix-list-id"] = p => Field.One(p.PrefixListId),
            ["prefix-list-name"] = p => Field.One(p.PrefixListName),
        },
        _ => []);

    /// <summary>A prefix list as EC2 keeps it; <see cref="OwnerId"/> is the account's, or <c>AWS</c> for an AWS-managed list.</summary>
    private sealed class PrefixListEntity(string id, string name, string addressFamily, int maxEntries, string ownerId)
    {
        public string OwnerId { get; } = ownerId;

        /// <summary><c>create-complete</c>, or <c>delete-failed</c> after a delete refused because the list is in use.</summary>
        public string State { get; set; } = "create-complete";

        public string? StateMessage { get; set; }

        public string Id { get; } = id;

        public string Name { get; set; } = name;

        public string AddressFamily { get; } = addressFamily;

        public int MaxEntries { get; set; } = maxEntries;

        /// <summary>1 at creation, one more for each modification of the entries (ModifyManagedPrefixList).</summary>
        public long Version { get; set; } = 1;

        public List<PrefixListEntry> Entries { get; set; } = [];

        public List<Tag> Tags { get; set; } = [];
    }
}

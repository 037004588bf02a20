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
    /// <c>InvalidParameterValue</c>: an address family other than <c>IPv4</c>/<c>IPv6</c>, MaxEntries outside
    /// 1–1000, more than 100 entries, more entries than MaxEntries, an entry that is not a CIDR block of the family or
    /// repeats one; a given ID malformed (<c>InvalidPrefixListId.Malformed</c>) or in use.
    /// </exception>
    public ManagedPrefixList CreateManagedPrefixList(CreateManagedPrefixListRequest request)
    {
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
            var list = new PrefixListEntity(id, request.PrefixListName, request.AddressFamily, request.MaxEntries)
            {
                Entries = [.. entries],
                Tags = [.. tags],
            };
            _prefixLists.Add(id, list);
            return ToManagedPrefixList(list);
        }
    }

    /// <summary>Customer-managed prefix lists by ID and filters (<c>prefix-list-id</c>, <c>prefix-list-name</c>, <c>owner-id</c>, tags).</summary>
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
    /// Deletes a prefix list; EC2 answers with the list in state <c>delete-in-progress</c>, and it is gone for the
    /// calls that follow.
    /// </summary>
    /// <exception cref="AwsException"><c>InvalidPrefixListID.NotFound</c>.</exception>
    public ManagedPrefixList DeleteManagedPrefixList(string prefixListId)
    {
        lock (_lock)
        {
            var list = FindPrefixList(prefixListId);
            _prefixLists.Remove(list.Id);
            // A rule that named the list now stands for nothing: what security groups let through may change.
            _securityRevision++;
            return ToManagedPrefixList(list) with { State = "delete-in-progress" };
        }
    }

    private PrefixListEntity FindPrefixList(string id) => _prefixLists.GetValueOrDefault(id) ?? throw Ec2Errors.PrefixListNotFound(id);

    private ManagedPrefixList ToManagedPrefixList(PrefixListEntity list)
        => new(list.Id, list.AddressFamily, "create-complete", Arn("prefix-list", list.Id), list.Name, list.MaxEntries, 1, [.. list.Tags], AccountId);

    private static readonly FilterMatcher<ManagedPrefixList> PrefixListFilters = new(
        new Dictionary<string, Func<ManagedPrefixList, IEnumerable<string?>>>(StringComparer.Ordinal)
        {
            ["owner-id"] = p => Field.One(p.OwnerId),
            ["prefix-list-id"] = p => Field.One(p.PrefixListId),
            ["prefix-list-name"] = p => Field.One(p.PrefixListName),
        },
        p => p.Tags);

    /// <summary>A prefix list as EC2 keeps it.</summary>
    private sealed class PrefixListEntity(string id, string name, string addressFamily, int maxEntries)
    {
        public string Id { get; } = id;

        public string Name { get; } = name;

        public string AddressFamily { get; } = addressFamily;

        public int MaxEntries { get; } = maxEntries;

        public List<PrefixListEntry> Entries { get; set; } = [];

        public List<Tag> Tags { get; set; } = [];
    }
}

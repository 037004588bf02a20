using Podnet.Aws.Ec2;
using Podnet.Net;

namespace Podnet.Policy;

/// <summary>
/// The account's managed prefix lists — AWS-managed and the customer's — as a rule or a route meets them: each list's
/// name and entries by ID (<c>pl-…</c>), read once. The one reading of prefix lists for analysis: security group rules
/// that name a list (<see cref="SecurityGroups.SecurityGroupEvaluator"/>) and routes whose destination is one
/// (<see cref="VpcRouter"/>) see the same entries. A list that does not exist stands for nothing.
/// </summary>
internal sealed class PrefixListTable
{
    private readonly Dictionary<string, (string Name, CidrBlock[] Entries)> _lists;

    /// <param name="lists">Each list with its entries (EC2's <c>GetManagedPrefixListEntries</c>).</param>
    public PrefixListTable(IEnumerable<(ManagedPrefixList List, IReadOnlyList<PrefixListEntry> Entries)> lists)
        => _lists = lists.ToDictionary(
            l => l.List.PrefixListId,
            l => (l.List.PrefixListName, l.Entries.Select(e => CidrBlock.Parse(e.Cidr)).ToArray()),
            StringComparer.Ordinal);

    /// <summary>The lists as they are now, read through <paramref name="ec2"/> (no API call).</summary>
    public static PrefixListTable For(IEc2View ec2)
    {
        ArgumentNullException.ThrowIfNull(ec2);
        return new([.. ec2.DescribeManagedPrefixLists().Select(l => (l, ec2.GetManagedPrefixListEntries(l.PrefixListId)))]);
    }

    /// <summary>The list's name and entries; false for an ID no list has.</summary>
    public bool TryGet(string prefixListId, out (string Name, CidrBlock[] Entries) list) => _lists.TryGetValue(prefixListId, out list);
}

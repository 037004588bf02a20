using System.Xml.Linq;
using Podnet.Aws.Ec2;
using static Podnet.Server.Aws.AwsXml;

namespace Podnet.Server.Aws;

/// <summary>
/// EC2's managed prefix list actions (<c>aws ec2 create-managed-prefix-list</c>, <c>describe-managed-prefix-lists</c>,
/// <c>get-managed-prefix-list-entries</c>, <c>modify-managed-prefix-list</c>, <c>delete-managed-prefix-list</c>), parameters by botocore's wire names,
/// answers by <see cref="Ec2PrefixListShapes"/>.
/// </summary>
public sealed partial class Ec2Api
{
    // A property, not a field: Actions (in the other part) reads it during static initialisation.
    private static IReadOnlyList<string> PrefixListActions =>
        ["CreateManagedPrefixList", "DescribeManagedPrefixLists", "GetManagedPrefixListEntries", "ModifyManagedPrefixList", "DeleteManagedPrefixList", "DescribePrefixLists"];

    /// <summary>Runs a prefix list action; null for an action that is not one.</summary>
    private IReadOnlyList<XElement?>? HandlePrefixLists(string action, QueryRequest query, IEc2 ec2) => action switch
    {
        "CreateManagedPrefixList" => Write(() =>
        {
            var list = Done(ec2.CreateManagedPrefixListAsync(new CreateManagedPrefixListRequest(
                Required(query, "PrefixListName"),
                Required(query, "AddressFamily"),
                query.Int("MaxEntries") ?? throw Ec2Errors.MissingParameter("MaxEntries"),
                [.. query.Structures("Entry").Select(e => new PrefixListEntry(e.Get("Cidr") ?? throw Ec2Errors.MissingParameter("Entry.Cidr"), e.Get("Description")))],
                TagsFor(query, "prefix-list"))));
            return [Structure("prefixList", Ec2PrefixListShapes.ManagedPrefixList(list))];
        }),
        "DescribeManagedPrefixLists" => Read(() => [Items("prefixListSet", Done(ec2.DescribeManagedPrefixListsAsync(Describe(query, "PrefixListId"))), Ec2PrefixListShapes.ManagedPrefixList)]),
        "GetManagedPrefixListEntries" => Read(() => [Items("entrySet", Done(ec2.GetManagedPrefixListEntriesAsync(Required(query, "PrefixListId"))), Ec2PrefixListShapes.Entry)]),
        "DescribePrefixLists" => Read(() => [Items("prefixListSet", Done(ec2.DescribePrefixListsAsync(Describe(query, "PrefixListId"))), Ec2PrefixListShapes.PrefixList)]),
        "ModifyManagedPrefixList" => Write(() =>
        {
            var list = Done(ec2.ModifyManagedPrefixListAsync(new ModifyManagedPrefixListRequest(
                Required(query, "PrefixListId"),
                query.Long("CurrentVersion"),
                query.Get("PrefixListName"),
                [.. query.Structures("AddEntry").Select(e => new PrefixListEntry(e.Get("Cidr") ?? throw Ec2Errors.MissingParameter("AddEntry.Cidr"), e.Get("Description")))],
                [.. query.Structures("RemoveEntry").Select(e => e.Get("Cidr") ?? throw Ec2Errors.MissingParameter("RemoveEntry.Cidr"))],
                query.Int("MaxEntries"))));
            return [Structure("prefixList", Ec2PrefixListShapes.ManagedPrefixList(list))];
        }),
        "DeleteManagedPrefixList" => Write(() => [Structure("prefixList", Ec2PrefixListShapes.ManagedPrefixList(Done(ec2.DeleteManagedPrefixListAsync(Required(query, "PrefixListId")))))]),
        _ => null,
    };
}

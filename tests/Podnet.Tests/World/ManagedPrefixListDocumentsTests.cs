using Podnet.Aws.Ec2;
using Podnet.Tests.TestSupport;
using Podnet.World;

namespace Podnet.Tests.World;

/// <summary>The world kind ManagedPrefixList, with <c>aws ec2 create-managed-prefix-list</c>'s field names and EC2's errors.</summary>
public class ManagedPrefixListDocumentsTests
{
    private const string Vpc = """
        apiVersion: aws.podnet.dev/v1alpha1
        kind: Vpc
        metadata: {name: v}
        spec: {CidrBlock: 10.0.0.0/16}
        ---
        apiVersion: aws.podnet.dev/v1alpha1

        """;

    [Fact]
    public void ManagedPrefixList_WithTheCliFields_IsDescribedAsEc2DescribesIt()
    {
        var ec2 = WorldLoader.Load([new WorldSource("w.yaml", Vpc + """
            kind: ManagedPrefixList
            metadata: {name: corp}
            spec:
              PrefixListId: pl-0a1b2c3d4e5f60718
              AddressFamily: IPv4
              MaxEntries: 5
              Entries:
              - {Cidr: 10.1.0.0/16, Description: office}
              - {Cidr: 198.51.100.0/24}
            """)]).Cloud!.Ec2Backend;

        var list = Assert.Single(ec2.DescribeManagedPrefixLists(DescribeRequest.Where(new Filter("owner-id", ec2.Options.AccountId))));

        Assert.Equal(("pl-0a1b2c3d4e5f60718", "corp", "IPv4", 5), (list.PrefixListId, list.PrefixListName, list.AddressFamily, list.MaxEntries));
        Assert.Equal(new Tag("Name", "corp"), Assert.Single(list.Tags));
        Assert.Equal([new PrefixListEntry("10.1.0.0/16", "office"), new PrefixListEntry("198.51.100.0/24")], ec2.GetManagedPrefixListEntries(list.PrefixListId));
    }

    [Theory]
    [InlineData(
        "kind: ManagedPrefixList\nmetadata: {name: p}\nspec: {AddressFamily: IPv4, MaxEntries: 1, Entries: [{Cidr: 10.0.0.0/8}, {Cidr: 10.1.0.0/16}]}",
        "ManagedPrefixList p): InvalidParameterValue: Value (2) for parameter Entries is invalid. The prefix list can have at most 1 entries (MaxEntries).")]
    [InlineData(
        "kind: ManagedPrefixList\nmetadata: {name: p}\nspec: {AddressFamily: IPv4, MaxEntries: 2, Entries: [{Cidr: 2001:db8::/32}]}",
        "InvalidParameterValue: Value (2001:db8::/32) for parameter Cidr is invalid. The prefix list's address family is IPv4.")]
    [InlineData(
        "kind: ManagedPrefixList\nmetadata: {name: p}\nspec: {AddressFamily: IPv4, Entries: [{Cidr: 10.0.0.0/8}]}",
        "spec.MaxEntries: Required value")]
    [InlineData(
        "kind: ManagedPrefixList\nmetadata: {name: p}\nspec: {AddressFamily: IPv4, MaxEntries: 2, Entries: [{CidrBlock: 10.0.0.0/8}]}",
        "spec.Entries[0].CidrBlock: unknown field: supported fields: Cidr, Description")]
    public void BadManagedPrefixList_IsAnError(string document, string message)
    {
        var error = BadWorlds.LoadError(Vpc + document + "\n");

        Assert.Contains(message, error, StringComparison.Ordinal);
    }
}

using Podnet.Aws.Ec2;
using Podnet.Tests.TestSupport;
using static Podnet.Tests.TestSupport.TestCloud;

namespace Podnet.Tests.Aws.Ec2;

/// <summary>
/// Customer-managed prefix lists as <c>aws ec2 create-managed-prefix-list</c> and its siblings show them: created at
/// once, their entries in order, found by ID, name and tags, and EC2's errors for bad input.
/// </summary>
public class ManagedPrefixListTests
{
    private readonly TestCloud _cloud = new();

    private Ec2Backend Ec2 => _cloud.Ec2;

    [Fact]
    public void CreateManagedPrefixList_IsCreateComplete_WithItsEntries_AndDeleteRemovesIt()
    {
        var list = Ec2.CreateManagedPrefixList(new CreateManagedPrefixListRequest(
            "corp", "IPv4", 3, [new PrefixListEntry("10.1.0.0/16", "office"), new PrefixListEntry("203.0.113.0/24")], [new Tag("team", "net")]));

        Assert.Matches("^pl-[0-9a-f]{17}$", list.PrefixListId);
        Assert.Equal(("corp", "IPv4", 3, "create-complete", 1L), (list.PrefixListName, list.AddressFamily, list.MaxEntries, list.State, list.Version));
        Assert.Equal($"arn:aws:ec2:us-west-2:{list.OwnerId}:prefix-list/{list.PrefixListId}", list.PrefixListArn);
        Assert.Equal([new PrefixListEntry("10.1.0.0/16", "office"), new PrefixListEntry("203.0.113.0/24")], Ec2.GetManagedPrefixListEntries(list.PrefixListId));
        Assert.Equal(list.PrefixListId, Assert.Single(Ec2.DescribeManagedPrefixLists(DescribeRequest.Where(new Filter("prefix-list-name", "corp")))).PrefixListId);
        Assert.Equal([new Tag("team", "net")], list.Tags);
        Assert.Single(Ec2.DescribeManagedPrefixLists(DescribeRequest.Where(new Filter("tag:team", "net"))));
        Assert.Empty(Ec2.DescribeManagedPrefixLists(DescribeRequest.Where(new Filter("prefix-list-name", "other"))));

        var deleted = Ec2.DeleteManagedPrefixList(list.PrefixListId);

        Assert.Equal("delete-in-progress", deleted.State);
        Assert.Empty(Ec2.DescribeManagedPrefixLists());
        var gone = Throws(() => Ec2.GetManagedPrefixListEntries(list.PrefixListId));
        Assert.Equal(("InvalidPrefixListID.NotFound", $"The prefix list ({list.PrefixListId}) does not exist."), (gone.Code, gone.Message));
    }

    [Fact]
    public void CreateManagedPrefixList_IPv6_TakesIPv6BlocksOnly()
    {
        var list = Ec2.CreateManagedPrefixList(new CreateManagedPrefixListRequest("v6", "IPv6", 1, [new PrefixListEntry("2001:db8::/32")]));

        Assert.Equal("IPv6", list.AddressFamily);
        Assert.Equal("2001:db8::/32", Assert.Single(Ec2.GetManagedPrefixListEntries(list.PrefixListId)).Cidr);
    }

    [Theory]
    [InlineData("IPv4", 0, "10.0.0.0/8", "Must specify a max size between 1 and 1000")]
    [InlineData("IPv4", 1001, "10.0.0.0/8", "Must specify a max size between 1 and 1000")]
    [InlineData("IPv5", 2, "10.0.0.0/8", "Value (IPv5) for parameter AddressFamily is invalid. Valid values: IPv4, IPv6.")]
    [InlineData("IPv4", 2, "2001:db8::/32", "Value (2001:db8::/32) for parameter Cidr is invalid. The prefix list's address family is IPv4.")]
    [InlineData("IPv6", 2, "10.0.0.0/8", "Value (10.0.0.0/8) for parameter Cidr is invalid. The prefix list's address family is IPv6.")]
    public void CreateManagedPrefixList_BadInput_IsInvalidParameterValue(string family, int maxEntries, string cidr, string message)
    {
        var error = Throws(() => Ec2.CreateManagedPrefixList(new CreateManagedPrefixListRequest("bad", family, maxEntries, [new PrefixListEntry(cidr)])));

        Assert.Equal(("InvalidParameterValue", message), (error.Code, error.Message));
        Assert.Empty(Ec2.DescribeManagedPrefixLists());
    }

    [Fact]
    public void CreateManagedPrefixList_EntriesBeyondMaxEntriesOrPerRequestLimit_AreRefused()
    {
        var two = new[] { new PrefixListEntry("10.0.0.0/8"), new PrefixListEntry("172.16.0.0/12") };
        var many = Enumerable.Range(0, 101).Select(i => new PrefixListEntry($"10.{i}.0.0/16")).ToList();

        var overMax = Throws(() => Ec2.CreateManagedPrefixList(new CreateManagedPrefixListRequest("small", "IPv4", 1, two)));
        var overRequest = Throws(() => Ec2.CreateManagedPrefixList(new CreateManagedPrefixListRequest("big", "IPv4", 1000, many)));
        var twice = Throws(() => Ec2.CreateManagedPrefixList(new CreateManagedPrefixListRequest("twice", "IPv4", 5, [two[0], two[0]])));

        Assert.Equal(("InvalidParameterValue", "Value (2) for parameter Entries is invalid. The prefix list can have at most 1 entries (MaxEntries)."), (overMax.Code, overMax.Message));
        Assert.Equal(("InvalidParameterValue", "The number of entries per request cannot exceeds limit (100)."), (overRequest.Code, overRequest.Message));
        Assert.Equal(("InvalidParameterValue", "Value (10.0.0.0/8) for parameter Cidr is invalid. The entry is given more than once."), (twice.Code, twice.Message));
        Assert.Equal("InvalidPrefixListID.NotFound", Throws(() => Ec2.DescribeManagedPrefixLists(DescribeRequest.ForIds("pl-0123456789abcdef0"))).Code);
    }
}

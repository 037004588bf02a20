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

    /// <summary>The account's own lists: DescribeManagedPrefixLists lists the AWS-managed ones beside them.</summary>
    private IReadOnlyList<ManagedPrefixList> CustomerLists() => Ec2.DescribeManagedPrefixLists(DescribeRequest.Where(new Filter("owner-id", Ec2.Options.AccountId)));

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
        Assert.Empty(CustomerLists());
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
        Assert.Empty(CustomerLists());
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

    [Fact]
    public void DescribeManagedPrefixLists_ListsTheRegionsAwsManagedLists_BesideTheCustomers()
    {
        var own = Ec2.CreateManagedPrefixList(new CreateManagedPrefixListRequest("corp", "IPv4", 1, [new PrefixListEntry("10.1.0.0/16")]));

        var aws = Ec2.DescribeManagedPrefixLists(DescribeRequest.Where(new Filter("owner-id", "AWS")));

        Assert.Equal(
            [("pl-68a54001", "com.amazonaws.us-west-2.s3"), ("pl-00a54069", "com.amazonaws.us-west-2.dynamodb"), ("pl-82a045eb", "com.amazonaws.global.cloudfront.origin-facing")],
            aws.Select(l => (l.PrefixListId, l.PrefixListName)));
        Assert.All(aws, l => Assert.Equal(("IPv4", "create-complete", "AWS"), (l.AddressFamily, l.State, l.OwnerId)));
        Assert.Equal("arn:aws:ec2:us-west-2:aws:prefix-list/pl-68a54001", aws[0].PrefixListArn);
        Assert.Equal(55, aws[2].MaxEntries);
        Assert.Equal(["54.231.160.0/19", "52.218.128.0/17", "52.92.32.0/22"], Ec2.GetManagedPrefixListEntries("pl-68a54001").Select(e => e.Cidr));
        Assert.Equal(["pl-68a54001", "pl-00a54069", "pl-82a045eb", own.PrefixListId], Ec2.DescribeManagedPrefixLists().Select(l => l.PrefixListId));
    }

    [Fact]
    public void AwsManagedPrefixLists_AreTheWorldsRegions()
    {
        var ec2 = new Podnet.Aws.AwsCloud(new Podnet.Aws.AwsOptions { Region = "eu-west-1" }, new ManualTimeProvider()).Ec2Backend;

        var s3 = Assert.Single(ec2.DescribeManagedPrefixLists(DescribeRequest.Where(new Filter("prefix-list-name", "com.amazonaws.eu-west-1.s3"))));

        Assert.Equal("pl-6da54004", s3.PrefixListId);
        Assert.Equal(["52.218.0.0/17", "54.231.128.0/19"], ec2.GetManagedPrefixListEntries(s3.PrefixListId).Select(e => e.Cidr));
        Assert.Empty(ec2.DescribeManagedPrefixLists(DescribeRequest.Where(new Filter("prefix-list-name", "com.amazonaws.us-west-2.s3"))));
    }

    [Fact]
    public void DeleteManagedPrefixList_OfAnAwsManagedList_IsUnsupportedOperation()
    {
        var error = Throws(() => Ec2.DeleteManagedPrefixList("pl-68a54001"));

        Assert.Equal(("UnsupportedOperation", "The prefix list pl-68a54001 is an AWS-managed prefix list and cannot be deleted."), (error.Code, error.Message));
        Assert.Single(Ec2.DescribeManagedPrefixLists(DescribeRequest.ForIds("pl-68a54001")));
    }

    [Theory]
    [InlineData("com.amazonaws.probe")]
    [InlineData("com.amazon.probe")]
    [InlineData("com.aws.probe")]
    public void CreateManagedPrefixList_NameAwsReserves_IsInvalidParameterValue(string name)
    {
        var error = Throws(() => Ec2.CreateManagedPrefixList(new CreateManagedPrefixListRequest(name, "IPv4", 1)));

        Assert.Equal(("InvalidParameterValue", "The prefix list name cannot begin with (com.amazonaws., com.amazon., com.aws.)."), (error.Code, error.Message));
    }

    [Fact]
    public void CreateManagedPrefixList_NameLikeButNotAReservedPrefix_IsAccepted()
    {
        // The dot is part of each reserved prefix (floci-io/floci#2273, checked against AWS).
        Assert.Equal("create-complete", Ec2.CreateManagedPrefixList(new CreateManagedPrefixListRequest("com.amazonaws-probe", "IPv4", 1)).State);
    }

    [Fact]
    public void DeleteManagedPrefixList_ARuleOrRouteStillNames_IsDeleteFailed_NamingThem_UntilTheyAreGone()
    {
        var list = Ec2.CreateManagedPrefixList(new CreateManagedPrefixListRequest("corp", "IPv4", 1, [new PrefixListEntry("10.1.0.0/16")])).PrefixListId;
        var group = _cloud.NewGroup("db");
        Ec2.AuthorizeSecurityGroupIngress(group, [new IpPermission("tcp", 5432, 5432, PrefixListIds: [new PrefixListId(list)])]);
        var table = Ec2.CreateRouteTable(_cloud.Vpc.VpcId).RouteTableId;
        var gateway = Ec2.CreateInternetGateway().InternetGatewayId;
        Ec2.AttachInternetGateway(gateway, _cloud.Vpc.VpcId);
        Ec2.CreateRoute(new CreateRouteRequest(table, null, GatewayId: gateway, DestinationPrefixListId: list));

        var answer = Ec2.DeleteManagedPrefixList(list);

        Assert.Equal("delete-in-progress", answer.State);
        var failed = Assert.Single(Ec2.DescribeManagedPrefixLists(DescribeRequest.ForIds(list)));
        Assert.Equal("delete-failed", failed.State);
        Assert.Equal($"The prefix list {list} is referenced by: {string.Join(", ", new[] { group, table }.Order(StringComparer.Ordinal))}.", failed.StateMessage);

        Ec2.DeleteRoute(table, list);
        Ec2.RevokeSecurityGroupIngress(new RevokeSecurityGroupRequest(group, [new IpPermission("tcp", 5432, 5432, PrefixListIds: [new PrefixListId(list)])]));
        Ec2.DeleteManagedPrefixList(list);

        Assert.Empty(CustomerLists());
    }

    [Fact]
    public void ModifyManagedPrefixList_RemovesThenAdds_ANewVersion_ARenameKeepsTheVersion()
    {
        var list = Ec2.CreateManagedPrefixList(new CreateManagedPrefixListRequest("corp", "IPv4", 2, [new PrefixListEntry("10.1.0.0/16", "office")])).PrefixListId;

        var answer = Ec2.ModifyManagedPrefixList(new ModifyManagedPrefixListRequest(list, CurrentVersion: 1, AddEntries: [new PrefixListEntry("10.1.0.0/16", "moved"), new PrefixListEntry("203.0.113.0/24")], RemoveCidrs: ["10.1.0.0/16"]));
        Ec2.ModifyManagedPrefixList(new ModifyManagedPrefixListRequest(list, PrefixListName: "corporate"));

        Assert.Equal(("modify-in-progress", 2L), (answer.State, answer.Version));
        var described = Ec2.DescribeManagedPrefixLists(DescribeRequest.ForIds(list))[0];
        Assert.Equal(("corporate", "modify-complete", 2L), (described.PrefixListName, described.State, described.Version));
        Assert.Equal([new PrefixListEntry("10.1.0.0/16", "moved"), new PrefixListEntry("203.0.113.0/24")], Ec2.GetManagedPrefixListEntries(list));
    }

    [Fact]
    public void ModifyManagedPrefixList_EachRefusal_IsEc2sError_AndChangesNothing()
    {
        var list = Ec2.CreateManagedPrefixList(new CreateManagedPrefixListRequest("corp", "IPv4", 2, [new PrefixListEntry("10.1.0.0/16", "office")])).PrefixListId;

        var stale = Throws(() => Ec2.ModifyManagedPrefixList(new ModifyManagedPrefixListRequest(list, CurrentVersion: 7, AddEntries: [new PrefixListEntry("10.2.0.0/16")])));
        var twice = Throws(() => Ec2.ModifyManagedPrefixList(new ModifyManagedPrefixListRequest(list, AddEntries: [new PrefixListEntry("10.1.0.0/16", "office")])));
        var absent = Throws(() => Ec2.ModifyManagedPrefixList(new ModifyManagedPrefixListRequest(list, RemoveCidrs: ["10.9.0.0/16"])));
        var both = Throws(() => Ec2.ModifyManagedPrefixList(new ModifyManagedPrefixListRequest(list, AddEntries: [new PrefixListEntry("10.2.0.0/16")], MaxEntries: 5)));
        var full = Throws(() => Ec2.ModifyManagedPrefixList(new ModifyManagedPrefixListRequest(list, AddEntries: [new PrefixListEntry("10.2.0.0/16"), new PrefixListEntry("10.3.0.0/16")])));
        var aws = Throws(() => Ec2.ModifyManagedPrefixList(new ModifyManagedPrefixListRequest("pl-68a54001", AddEntries: [new PrefixListEntry("10.2.0.0/16")])));

        Assert.Equal(("PrefixListVersionMismatch", "The prefix list has the incorrect version number."), (stale.Code, stale.Message));
        Assert.Equal(("InvalidPrefixListModification", "An entry with the CIDR (10.1.0.0/16) and description (office) already exists."), (twice.Code, twice.Message));
        Assert.Equal(("InvalidPrefixListModification", "The prefix list has no entry with the CIDR (10.9.0.0/16)."), (absent.Code, absent.Message));
        Assert.Equal(("InvalidParameterCombination", "You cannot modify the entries and the maximum number of entries for the prefix list in the same request."), (both.Code, both.Message));
        Assert.Equal("InvalidParameterValue", full.Code);
        Assert.Equal(("UnsupportedOperation", "The prefix list pl-68a54001 is an AWS-managed prefix list and cannot be modified."), (aws.Code, aws.Message));
        Assert.Equal([new PrefixListEntry("10.1.0.0/16", "office")], Ec2.GetManagedPrefixListEntries(list));
        Assert.Equal(1L, Ec2.DescribeManagedPrefixLists(DescribeRequest.ForIds(list))[0].Version);
        Assert.Equal(3, Ec2.GetManagedPrefixListEntries("pl-68a54001").Count);
    }

    [Fact]
    public void DescribePrefixLists_IsTheRegionsServiceLists_WithTheirCidrs()
    {
        Ec2.CreateManagedPrefixList(new CreateManagedPrefixListRequest("corp", "IPv4", 1, [new PrefixListEntry("10.1.0.0/16")]));

        var lists = Ec2.DescribePrefixLists();
        var unknown = Throws(() => Ec2.DescribePrefixLists(DescribeRequest.ForIds("pl-82a045eb")));

        Assert.Equal(
            ["pl-68a54001 com.amazonaws.us-west-2.s3 54.231.160.0/19,52.218.128.0/17,52.92.32.0/22", "pl-00a54069 com.amazonaws.us-west-2.dynamodb 52.94.28.0/23"],
            lists.Select(l => $"{l.PrefixListId} {l.PrefixListName} {string.Join(",", l.Cidrs)}"));
        Assert.Equal(("InvalidPrefixListID.NotFound", "The prefix list ID 'pl-82a045eb' does not exist."), (unknown.Code, unknown.Message));
        Assert.Single(Ec2.DescribePrefixLists(DescribeRequest.Where(new Filter("prefix-list-name", "com.amazonaws.us-west-2.dynamodb"))));
    }
}

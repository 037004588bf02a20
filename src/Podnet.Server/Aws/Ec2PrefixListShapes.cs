using System.Globalization;
using System.Xml.Linq;
using Podnet.Aws.Ec2;
using static Podnet.Server.Aws.AwsXml;

namespace Podnet.Server.Aws;

/// <summary>
/// The XML of EC2's prefix list shapes (<c>ManagedPrefixList</c>, <c>PrefixListEntry</c>), element names being the
/// <c>locationName</c>s of botocore's data/ec2/2016-11-15/service-2.json; ServiceModelTests checks them.
/// </summary>
public static class Ec2PrefixListShapes
{
    /// <summary>A <c>ManagedPrefixList</c> (DescribeManagedPrefixLists' <c>prefixListSet</c> items, Create/DeleteManagedPrefixList's <c>prefixList</c>).</summary>
    public static object?[] ManagedPrefixList(ManagedPrefixList list) =>
    [
        Text("prefixListId", list.PrefixListId),
        Text("addressFamily", list.AddressFamily),
        Text("state", list.State),
        Text("stateMessage", list.StateMessage),
        Text("prefixListArn", list.PrefixListArn),
        Text("prefixListName", list.PrefixListName),
        Int("maxEntries", list.MaxEntries),
        new XElement("version", list.Version.ToString(CultureInfo.InvariantCulture)),
        Ec2Shapes.TagSet(list.Tags),
        Text("ownerId", list.OwnerId),
    ];

    /// <summary>A <c>PrefixList</c> (DescribePrefixLists' <c>prefixListSet</c> items): its CIDR blocks as <c>cidrSet</c>.</summary>
    public static object?[] PrefixList(PrefixList list) =>
    [
        ItemValues("cidrSet", list.Cidrs),
        Text("prefixListId", list.PrefixListId),
        Text("prefixListName", list.PrefixListName),
    ];

    /// <summary>A <c>PrefixListEntry</c> (GetManagedPrefixListEntries' <c>entrySet</c> items).</summary>
    public static object?[] Entry(PrefixListEntry entry) =>
    [
        Text("cidr", entry.Cidr),
        Text("description", entry.Description),
    ];
}

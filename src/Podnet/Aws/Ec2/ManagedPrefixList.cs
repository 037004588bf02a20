namespace Podnet.Aws.Ec2;

/// <summary>
/// A managed prefix list — the customer's, or an AWS-managed one (<see cref="OwnerId"/> <c>AWS</c>,
/// <see cref="AwsManagedPrefixLists"/>) — in the shape <c>aws ec2 describe-managed-prefix-lists</c> prints: a named set of
/// CIDR blocks of one <see cref="AddressFamily"/> (<c>IPv4</c> or <c>IPv6</c>), at most <see cref="MaxEntries"/> of
/// them, that routes and security group rules may name by <see cref="PrefixListId"/> (<c>pl-…</c>). EC2 makes it at
/// once (<see cref="State"/> <c>create-complete</c>, <see cref="Version"/> 1; Amazon VPC User Guide, "Managed
/// prefix lists").
/// </summary>
public sealed record ManagedPrefixList(
    string PrefixListId,
    string AddressFamily,
    string State,
    string PrefixListArn,
    string PrefixListName,
    int MaxEntries,
    long Version,
    IReadOnlyList<Tag> Tags,
    string OwnerId)
{
    /// <summary>Why the list is in a failed state (<c>delete-failed</c>: the resources that still reference it); null otherwise.</summary>
    public string? StateMessage { get; init; }
}

/// <summary>An entry of a prefix list: a CIDR block and an optional description (at most 255 characters).</summary>
public sealed record PrefixListEntry(string Cidr, string? Description = null);

/// <summary>
/// CreateManagedPrefixList's arguments, as <c>aws ec2 create-managed-prefix-list</c> takes them:
/// <c>--prefix-list-name</c>, <c>--address-family</c>, <c>--max-entries</c> (1 to 1000), <c>--entries</c> (at most
/// 100 per request and no more than <see cref="MaxEntries"/>), <c>--tag-specifications</c>.
/// <see cref="PrefixListId"/> keeps an existing list's ID (a world's); else one is drawn from its name.
/// </summary>
public sealed record CreateManagedPrefixListRequest(
    string PrefixListName,
    string AddressFamily,
    int MaxEntries,
    IReadOnlyList<PrefixListEntry>? Entries = null,
    IReadOnlyList<Tag>? Tags = null,
    string? PrefixListId = null);

/// <summary>
/// ModifyManagedPrefixList's arguments, as <c>aws ec2 modify-managed-prefix-list</c> takes them:
/// <c>--current-version</c>, <c>--prefix-list-name</c>, <c>--add-entries</c>, <c>--remove-entries</c> (by CIDR) and
/// <c>--max-entries</c> (not with entries, EC2 refuses both in one request).
/// </summary>
public sealed record ModifyManagedPrefixListRequest(
    string PrefixListId,
    long? CurrentVersion = null,
    string? PrefixListName = null,
    IReadOnlyList<PrefixListEntry>? AddEntries = null,
    IReadOnlyList<string>? RemoveCidrs = null,
    int? MaxEntries = null);

/// <summary>
/// A prefix list as the older <c>aws ec2 describe-prefix-lists</c> prints it: the AWS service lists a gateway
/// endpoint routes to (<c>com.amazonaws.&lt;region&gt;.s3</c>, <c>.dynamodb</c>), their ID, name and CIDR blocks
/// (<see cref="Cidrs"/>, botocore's <c>cidrSet</c>).
/// </summary>
public sealed record PrefixList(string PrefixListId, string PrefixListName, IReadOnlyList<string> Cidrs);

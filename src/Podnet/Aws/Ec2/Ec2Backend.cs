using System.Net;
using Podnet.Aws.InstanceTypes;

namespace Podnet.Aws.Ec2;

/// <summary>
/// The state of the emulated EC2 in one account and region, and the rules EC2 applies to changing it. One partial
/// file per resource, like moto's backends. Every operation validates everything before it changes anything, so a
/// failed call leaves no trace. Callers go through <see cref="Ec2Client"/>, which adds authorization and
/// throttling.
/// </summary>
public sealed partial class Ec2Backend : IEc2View
{
    private static readonly System.Buffers.SearchValues<char> LowerHex = System.Buffers.SearchValues.Create("0123456789abcdef");

    private readonly Lock _lock = new();
    private readonly ResourceIdGenerator _ids;
    private readonly TimeProvider _time;

    public Ec2Backend(AwsOptions options, ResourceIdGenerator ids, TimeProvider time, InstanceTypeCatalog? instanceTypes = null)
    {
        options.Validate();
        Options = options;
        _ids = ids;
        _time = time;
        InstanceTypes = instanceTypes ?? InstanceTypeCatalog.Default;
        AddAwsManagedPrefixLists();
    }

    public AwsOptions Options { get; }

    public InstanceTypeCatalog InstanceTypes { get; }

    private string AccountId => Options.AccountId;

    private string Arn(string resourceType, string id) => $"arn:aws:ec2:{Options.Region}:{AccountId}:{resourceType}/{id}";

    private string PrivateDnsName(IPAddress address) => AddressEntries(address).Primary.PrivateDnsName;

    // How every describe shows an address (its text, its private DNS name ip-10-0-1-5.us-west-2.compute.internal), made
    // once per address: ipamd and the resource controller describe their interfaces again and again, and each address
    // of each interface was two new strings every time.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<IPAddress, (NetworkInterfacePrivateIpAddress Primary, NetworkInterfacePrivateIpAddress Secondary)> _addressEntries = new();

    /// <summary>The address as a describe lists it, as the interface's primary address and as a secondary one.</summary>
    private (NetworkInterfacePrivateIpAddress Primary, NetworkInterfacePrivateIpAddress Secondary) AddressEntries(IPAddress address)
        => _addressEntries.GetOrAdd(address, static (a, suffix) =>
        {
            var text = a.ToString();
            var dns = $"ip-{text.Replace('.', '-')}.{suffix}";
            return (new NetworkInterfacePrivateIpAddress(text, dns, true), new NetworkInterfacePrivateIpAddress(text, dns, false));
        }, _privateDnsSuffix ??= Options.PrivateDnsSuffix);

    private string? _privateDnsSuffix;

    /// <summary>Takes a user-given ID (checked for shape) or generates one from <paramref name="identity"/> (see <see cref="ResourceIdGenerator"/>).</summary>
    private string NewId(string prefix, string? given, string malformedCode, string identity)
    {
        if (given is null)
        {
            return _ids.Next(prefix, identity);
        }

        if (!IsWellFormedId(given, prefix))
        {
            throw Ec2Errors.MalformedId(malformedCode, prefix, given);
        }

        if (!_ids.Reserve(given))
        {
            throw Ec2Errors.InvalidParameterValue(given, "id", "An object with this ID already exists.");
        }

        return given;
    }

    /// <summary>AWS IDs are the prefix, a dash, and 8 or 17 lowercase hex digits.</summary>
    public static bool IsWellFormedId(string id, string prefix)
    {
        if (!id.StartsWith(prefix + "-", StringComparison.Ordinal))
        {
            return false;
        }

        var hex = id.AsSpan(prefix.Length + 1);
        return hex.Length is 8 or 17 && hex.IndexOfAnyExcept(LowerHex) < 0;
    }

    /// <summary>
    /// Tags as part of an object's identity for its ID (<see cref="ResourceIdGenerator.Next"/>): sorted, so the order
    /// a caller lists them in does not matter. Owners mark what they create with tags (<c>Name</c>, ipamd's
    /// <c>node.k8s.amazonaws.com/instance_id</c>, the resource controller's trunk and VLAN), so these tell apart
    /// objects that otherwise look alike.
    /// </summary>
    private static string Identity(IEnumerable<Tag>? tags)
        => string.Join(",", (tags ?? []).Select(t => $"{t.Key}={t.Value}").Order(StringComparer.Ordinal));

    private static IReadOnlyList<Tag> TagsOf(IReadOnlyList<Tag>? tags) => tags is null ? [] : ValidateTags([.. tags]);

    private static List<T> Select<T>(IReadOnlyList<string>? ids, Func<string, T?> find, Func<string, AwsException> notFound, IEnumerable<T> all)
        where T : class
    {
        if (ids is null || ids.Count == 0)
        {
            return [.. all];
        }

        var result = new List<T>(ids.Count);
        foreach (var id in ids.Distinct(StringComparer.Ordinal))
        {
            result.Add(find(id) ?? throw notFound(id));
        }

        return result;
    }
}

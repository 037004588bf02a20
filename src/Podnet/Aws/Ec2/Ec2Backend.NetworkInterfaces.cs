using System.Globalization;
using System.Net;
using Podnet.Net;

namespace Podnet.Aws.Ec2;

public sealed partial class Ec2Backend
{
    private readonly Dictionary<string, InterfaceEntity> _interfaces = new(StringComparer.Ordinal);

    public NetworkInterface CreateNetworkInterface(CreateNetworkInterfaceRequest request)
    {
        lock (_lock)
        {
            var subnet = FindSubnet(request.SubnetId);
            var type = request.InterfaceType ?? NetworkInterfaceTypes.Interface;
            if (request.InterfaceType is not null && !NetworkInterfaceTypes.Creatable.Contains(type))
            {
                throw Ec2Errors.InvalidParameterValue(type, "InterfaceType", $"Valid values are {string.Join(", ", NetworkInterfaceTypes.Creatable)}.");
            }

            var groups = ResolveInterfaceGroups(request.Groups, subnet, Ec2Errors.SecurityGroupIdNotFound);
            var tags = TagsOf(request.Tags);
            // An interface is its subnet, type, description and tags: ipamd's carry the instance in both, the resource
            // controller's trunk and branch interfaces their instance, trunk and VLAN; the nth alike is told by n.
            var identity = $"{subnet.Id}|{type}|{request.Description}|{Identity(tags)}";
            var entity = CreateInterfaceEntity(subnet, type, groups, request.Description ?? string.Empty, tags, request.PrivateIpAddress, claims =>
            {
                ClaimAddresses(subnet, claims, request.SecondaryPrivateIpAddresses, request.SecondaryPrivateIpAddressCount, request.Ipv4Prefixes, request.Ipv4PrefixCount);
            }, identity, request.NetworkInterfaceId, request.MacAddress);
            return ToNetworkInterface(entity);
        }
    }

    public IReadOnlyList<NetworkInterface> DescribeNetworkInterfaces(DescribeRequest? request = null)
    {
        request ??= DescribeRequest.All;
        lock (_lock)
        {
            SettleNatGateways();
            SettleInstances();

            // ipamd and the resource controller ask for one instance's interfaces: read those from the attachment
            // index, not every interface of the account (the other filters still apply, to these alone).
            var byInstance = request.Ids is null or { Count: 0 }
                ? request.Filters?.FirstOrDefault(f => f.Name == "attachment.instance-id" && f.Values.All(v => v.IndexOfAny(['*', '?']) < 0))
                : null;
            IEnumerable<InterfaceEntity> candidates = byInstance is null
                ? _interfaces.Values
                : byInstance.Values.Distinct(StringComparer.Ordinal).SelectMany(AttachedTo).OrderBy(e => e.Sequence);

            // Tag filters (the resource controller finds a trunk's branches by tag) narrow the interfaces before each
            // is converted; the converted ones are filtered again by every filter, so the answer is the same.
            candidates = EntityTagFilters.Apply(candidates, request.Filters?.Where(IsTagFilter).ToList());
            var selected = Select(request.Ids, id => _interfaces.GetValueOrDefault(id), Ec2Errors.NetworkInterfaceNotFound, candidates);
            return [.. InterfaceFilters.Apply(selected.Select(ToNetworkInterface), request.Filters)];
        }
    }

    public string AttachNetworkInterface(AttachNetworkInterfaceRequest request)
    {
        lock (_lock)
        {
            var eni = FindInterface(request.NetworkInterfaceId);
            var instance = FindInstance(request.InstanceId);
            var state = StateOf(instance);
            if (state != InstanceState.Running && state != InstanceState.Pending)
            {
                // A shutting-down instance takes no interface either: only pending, running (or stopped) ones do.
                throw Ec2Errors.IncorrectInstanceState(instance.Id, state.Name);
            }

            if (eni.Attachment is not null)
            {
                throw Ec2Errors.InterfaceAlreadyAttached(eni.Id);
            }

            if (eni.Type == NetworkInterfaceTypes.Branch)
            {
                throw Ec2Errors.InvalidParameterValue($"Network interface '{eni.Id}' is a branch interface: associate it with a trunk interface instead of attaching it.");
            }

            if (eni.AvailabilityZone != instance.AvailabilityZone)
            {
                throw Ec2Errors.DifferentAvailabilityZone();
            }

            if (request.DeviceIndex < 0)
            {
                throw Ec2Errors.InvalidParameterValue(request.DeviceIndex.ToString(CultureInfo.InvariantCulture), "DeviceIndex", "The device index must be 0 or greater.");
            }

            var card = instance.Type.NetworkCards.FirstOrDefault(c => c.NetworkCardIndex == request.NetworkCardIndex)
                       ?? throw Ec2Errors.NetworkCardIndexInvalid(request.NetworkCardIndex, instance.Type.InstanceType);
            var onCard = AttachedTo(instance.Id).Where(e => e.Attachment!.NetworkCardIndex == card.NetworkCardIndex).ToList();
            if (onCard.Exists(e => e.Attachment!.DeviceIndex == request.DeviceIndex))
            {
                throw Ec2Errors.DeviceIndexInUse(instance.Id, request.DeviceIndex);
            }

            if (onCard.Count + 1 > card.MaximumNetworkInterfaces)
            {
                throw Ec2Errors.AttachmentLimitExceeded(onCard.Count + 1, instance.Type.InstanceType);
            }

            if (eni.AddressSlots > instance.Type.Ipv4AddressesPerInterface)
            {
                throw Ec2Errors.PrivateIpAddressLimitExceeded();
            }

            if (eni.VpcId != instance.VpcId)
            {
                throw Ec2Errors.InvalidParameterValue($"Network interface '{eni.Id}' and instance '{instance.Id}' are in different VPCs.");
            }

            eni.Attachment = new AttachmentState(_ids.Next("eni-attach", $"{eni.Id}|{instance.Id}|{request.NetworkCardIndex}|{request.DeviceIndex}"), instance.Id, request.DeviceIndex, card.NetworkCardIndex, _time.GetUtcNow(), DeleteOnTermination: false);
            return eni.Attachment.Id;
        }
    }

    public void DetachNetworkInterface(DetachNetworkInterfaceRequest request)
    {
        lock (_lock)
        {
            var eni = _interfaces.Values.FirstOrDefault(e => e.Attachment?.Id == request.AttachmentId)
                      ?? throw Ec2Errors.AttachmentNotFound(request.AttachmentId);
            if (eni.Attachment!.DeviceIndex == 0 && eni.Attachment.NetworkCardIndex == 0)
            {
                throw Ec2Errors.PrimaryInterfaceNotDetachable();
            }

            eni.Attachment = null;
        }
    }

    public void DeleteNetworkInterface(string networkInterfaceId)
    {
        lock (_lock)
        {
            var eni = FindInterface(networkInterfaceId);
            if (eni.Attachment is not null || eni.ManagedBy is not null || _associationOfBranch.ContainsKey(eni.Id) || AssociationsOf(eni.Id).Count > 0)
            {
                throw Ec2Errors.InterfaceInUse(eni.Id);
            }

            RemoveInterface(eni);
        }
    }

    public void ModifyNetworkInterfaceAttribute(ModifyNetworkInterfaceAttributeRequest request)
    {
        lock (_lock)
        {
            var eni = FindInterface(request.NetworkInterfaceId);
            var given = new object?[] { request.Description, request.SourceDestCheck, request.Groups, request.DeleteOnTermination }.Count(v => v is not null);
            if (given != 1)
            {
                throw Ec2Errors.InvalidParameterValue("Exactly one attribute may be modified at a time: Description, SourceDestCheck, Groups or Attachment.DeleteOnTermination.");
            }

            if (request.Groups is not null)
            {
                eni.GroupIds = ResolveInterfaceGroups(request.Groups, FindSubnet(eni.SubnetId), Ec2Errors.SecurityGroupIdNotFound);
                _securityRevision++;
            }
            else if (request.DeleteOnTermination is { } deleteOnTermination)
            {
                if (request.AttachmentId is null)
                {
                    throw Ec2Errors.MissingParameter("attachment.attachmentId");
                }

                if (eni.Attachment is null || eni.Attachment.Id != request.AttachmentId)
                {
                    throw Ec2Errors.AttachmentNotFound(request.AttachmentId);
                }

                eni.Attachment = eni.Attachment with { DeleteOnTermination = deleteOnTermination };
            }
            else if (request.Description is not null)
            {
                eni.Description = request.Description;
            }
            else
            {
                eni.SourceDestCheck = request.SourceDestCheck!.Value;
            }
        }
    }

    public AssignPrivateIpAddressesResult AssignPrivateIpAddresses(AssignPrivateIpAddressesRequest request)
    {
        lock (_lock)
        {
            var eni = FindInterface(request.NetworkInterfaceId);
            var subnet = FindSubnet(eni.SubnetId);
            var wantsAddresses = request.PrivateIpAddresses is { Count: > 0 } || request.SecondaryPrivateIpAddressCount > 0;
            var wantsPrefixes = request.Ipv4Prefixes is { Count: > 0 } || request.Ipv4PrefixCount > 0;
            if (!wantsAddresses && !wantsPrefixes)
            {
                throw Ec2Errors.MissingParameter("privateIpAddress, secondaryPrivateIpAddressCount, ipv4Prefix or ipv4PrefixCount");
            }

            var adding = (request.PrivateIpAddresses is { Count: > 0 } addresses ? addresses.Count : request.SecondaryPrivateIpAddressCount)
                         + (request.Ipv4Prefixes is { Count: > 0 } prefixes ? prefixes.Count : request.Ipv4PrefixCount);
            var limit = LimitFor(eni);
            if (limit is { } max && eni.AddressSlots + adding > max)
            {
                throw Ec2Errors.PrivateIpAddressLimitExceeded();
            }

            // Reassignment moves a secondary address from another interface in the same subnet.
            var moved = new List<(InterfaceEntity From, IPAddress Address)>();
            if (request.AllowReassignment)
            {
                foreach (var text in request.PrivateIpAddresses ?? [])
                {
                    if (IPAddress.TryParse(text, out var address)
                        && _interfaces.Values.FirstOrDefault(e => e != eni && e.SubnetId == eni.SubnetId && e.SecondaryAddresses.Contains(address)) is { } holder)
                    {
                        moved.Add((holder, address));
                    }
                }
            }

            var claims = new AddressClaims(subnet);
            foreach (var (from, address) in moved)
            {
                from.SecondaryAddresses.Remove(address);
                subnet.Pool.Release(address);
            }

            try
            {
                ClaimAddresses(subnet, claims, request.PrivateIpAddresses, request.SecondaryPrivateIpAddressCount, request.Ipv4Prefixes, request.Ipv4PrefixCount);
            }
            catch (AwsException)
            {
                claims.Rollback();
                foreach (var (from, address) in moved)
                {
                    subnet.Pool.TryAllocate(address);
                    from.SecondaryAddresses.Add(address);
                }

                throw;
            }

            eni.SecondaryAddresses.AddRange(claims.Addresses);
            eni.Prefixes.AddRange(claims.Prefixes);
            return new AssignPrivateIpAddressesResult(eni.Id, [.. claims.Addresses.Select(a => a.ToString())], [.. claims.Prefixes.Select(p => p.ToString())]);
        }
    }

    public void UnassignPrivateIpAddresses(UnassignPrivateIpAddressesRequest request)
    {
        lock (_lock)
        {
            var eni = FindInterface(request.NetworkInterfaceId);
            var subnet = FindSubnet(eni.SubnetId);
            var addresses = new List<IPAddress>();
            foreach (var text in request.PrivateIpAddresses ?? [])
            {
                if (!IPAddress.TryParse(text, out var address))
                {
                    throw Ec2Errors.InvalidParameterValue(text, "PrivateIpAddress", "This is not a valid IPv4 address.");
                }

                if (address.Equals(eni.PrimaryAddress))
                {
                    throw Ec2Errors.PrimaryAddressNotUnassignable(text);
                }

                if (!eni.SecondaryAddresses.Contains(address))
                {
                    throw Ec2Errors.AddressNotAssigned(text, eni.Id);
                }

                addresses.Add(address);
            }

            var prefixes = HeldPrefixes(request.Ipv4Prefixes, eni.Prefixes, eni.Id);

            if (addresses.Count == 0 && prefixes.Count == 0)
            {
                throw Ec2Errors.MissingParameter("privateIpAddress or ipv4Prefix");
            }

            foreach (var address in addresses)
            {
                eni.SecondaryAddresses.Remove(address);
                subnet.Pool.Release(address);
            }

            foreach (var prefix in prefixes)
            {
                eni.Prefixes.Remove(prefix);
                subnet.Pool.Release(prefix);
            }
        }
    }

    private InterfaceEntity FindInterface(string id) => _interfaces.GetValueOrDefault(id) ?? throw Ec2Errors.NetworkInterfaceNotFound(id);

    /// <summary>The interfaces attached to an instance, in the order they were made, from the attachment index.</summary>
    private IEnumerable<InterfaceEntity> AttachedTo(string instanceId) => (_attachedTo.GetValueOrDefault(instanceId) ?? []).OrderBy(e => e.Sequence);

    /// <summary>Interfaces by the instance they are attached to, kept by <see cref="InterfaceEntity.Attachment"/>.</summary>
    private readonly Dictionary<string, List<InterfaceEntity>> _attachedTo = new(StringComparer.Ordinal);
    private long _interfaceSequence;

    /// <summary>The instance type's address limit for an attached interface; none for one not attached.</summary>
    private int? LimitFor(InterfaceEntity eni)
        => eni.Attachment is { } attachment ? _instances[attachment.InstanceId].Type.Ipv4AddressesPerInterface : null;

    /// <summary>
    /// Creates an interface and its primary address, then lets <paramref name="more"/> claim the rest; all or nothing.
    /// Its ID comes from <paramref name="identity"/> (<see cref="ResourceIdGenerator.Next"/>), its MAC address from its ID.
    /// </summary>
    /// <remarks>
    /// <paramref name="givenId"/> and <paramref name="givenMac"/> are an existing interface's (a world's); checked
    /// before any address is claimed, so a bad one leaves nothing behind.
    /// </remarks>
    private InterfaceEntity CreateInterfaceEntity(
        SubnetEntity subnet, string type, List<string> groups, string description, IReadOnlyList<Tag> tags, string? primaryAddress, Action<AddressClaims> more, string identity,
        string? givenId = null, string? givenMac = null)
    {
        if (givenMac is not null && !MacAddressPattern().IsMatch(givenMac))
        {
            throw Ec2Errors.InvalidParameterValue(givenMac, "MacAddress", "A MAC address is six two-digit hex numbers separated by colons.");
        }

        if (givenId is not null && !IsWellFormedId(givenId, "eni"))
        {
            throw Ec2Errors.MalformedId("InvalidNetworkInterfaceID.Malformed", "eni", givenId);
        }

        if (givenId is not null && _interfaces.ContainsKey(givenId))
        {
            throw Ec2Errors.InvalidParameterValue(givenId, "id", "An object with this ID already exists.");
        }

        var claims = new AddressClaims(subnet);
        IPAddress primary;
        try
        {
            primary = primaryAddress is null ? claims.Lowest() : claims.Specific(primaryAddress);
            more(claims);
        }
        catch (AwsException)
        {
            claims.Rollback();
            throw;
        }

        // The ID is taken once the addresses are claimed, so a refused create takes none.
        var id = NewId("eni", givenId, "InvalidNetworkInterfaceID.Malformed", identity);
        var entity = new InterfaceEntity(id, subnet.Id, subnet.VpcId, subnet.AvailabilityZone, type, givenMac is null ? _ids.MacAddress(id) : ReserveMac(givenMac), primary, _attachedTo, ++_interfaceSequence)
        {
            Description = description,
            GroupIds = groups,
            Tags = [.. tags],
        };
        entity.SecondaryAddresses.AddRange(claims.Addresses.Skip(1));
        entity.Prefixes.AddRange(claims.Prefixes);

        // A subnet with AssignIpv6AddressOnCreation gives every new interface an address of its /64 (an instance's,
        // and the resource controller's trunk and branches, which ask for none: CreateNetworkInterface in
        // pkg/aws/ec2/api/helper.go passes no IPv6 count, and trunk.go reads the branch's Ipv6Address back). An
        // interface a world or snapshot gives by ID has the addresses its document lists; a NAT gateway's is IPv4.
        if (subnet.AssignIpv6AddressOnCreation && subnet.Ipv6 is { } ipv6 && givenId is null && type != "nat_gateway")
        {
            entity.Ipv6Addresses.Add(DrawIpv6Address(ipv6, id));
        }

        _interfaces.Add(entity.Id, entity);
        return entity;
    }

    private static void ClaimAddresses(
        SubnetEntity subnet, AddressClaims claims, IReadOnlyList<string>? addresses, int addressCount, IReadOnlyList<string>? prefixes, int prefixCount)
    {
        if ((addresses is { Count: > 0 } && addressCount > 0) || (prefixes is { Count: > 0 } && prefixCount > 0))
        {
            throw Ec2Errors.AddressesAndCount();
        }

        if (addressCount < 0 || prefixCount < 0)
        {
            throw Ec2Errors.InvalidParameterValue("The number of addresses or prefixes to assign must not be negative.");
        }

        foreach (var text in addresses ?? [])
        {
            claims.Specific(text);
        }

        for (var i = 0; i < addressCount; i++)
        {
            claims.Lowest();
        }

        foreach (var text in prefixes ?? [])
        {
            claims.SpecificPrefix(text);
        }

        for (var i = 0; i < prefixCount; i++)
        {
            claims.LowestPrefix();
        }
    }

    private List<string> ResolveInterfaceGroups(IReadOnlyList<string>? groupIds, SubnetEntity subnet, Func<string, AwsException> notFound)
    {
        var ids = groupIds is { Count: > 0 } ? groupIds.Distinct(StringComparer.Ordinal).ToList() : [_vpcs[subnet.VpcId].DefaultGroupId];
        if (ids.Count > Options.SecurityGroupsPerNetworkInterface)
        {
            throw Ec2Errors.InterfaceSecurityGroupLimit(AccountId, Options.SecurityGroupsPerNetworkInterface);
        }

        foreach (var id in ids)
        {
            var group = _groups.GetValueOrDefault(id) ?? throw notFound(id);
            if (group.VpcId != subnet.VpcId)
            {
                throw Ec2Errors.GroupInOtherNetwork(id, subnet.Id);
            }
        }

        return ids;
    }

    private void RemoveInterface(InterfaceEntity eni)
    {
        var subnet = _subnets[eni.SubnetId];
        subnet.Pool.Release(eni.PrimaryAddress);
        foreach (var address in eni.SecondaryAddresses)
        {
            subnet.Pool.Release(address);
        }

        foreach (var prefix in eni.Prefixes)
        {
            subnet.Pool.Release(prefix);
        }

        ReleaseIpv6(subnet, eni);
        eni.Attachment = null;
        _interfaces.Remove(eni.Id);
    }

    private string StatusOf(InterfaceEntity eni)
        => eni.Attachment is not null || eni.ManagedBy is not null || _associationOfBranch.ContainsKey(eni.Id) ? "in-use" : "available";

    private NetworkInterface ToNetworkInterface(InterfaceEntity eni) => new(
        eni.Id,
        eni.SubnetId,
        eni.VpcId,
        eni.AvailabilityZone,
        eni.Description,
        AccountId,
        RequesterManaged: eni.ManagedBy is not null,
        StatusOf(eni),
        eni.MacAddress,
        eni.PrimaryAddress.ToString(),
        PrivateDnsName(eni.PrimaryAddress),
        eni.SourceDestCheck,
        eni.Type,
        GroupIdentifiers(eni.GroupIds),
        PrivateAddressesOf(eni),
        [.. eni.Prefixes.Select(p => new Ipv4PrefixSpecification(p.ToString()))],
        [.. eni.Ipv6Addresses.Select(a => new NetworkInterfaceIpv6Address(a.ToString()))],
        eni.Attachment is { } a ? new NetworkInterfaceAttachment(a.Id, a.InstanceId, AccountId, a.DeviceIndex, a.NetworkCardIndex, "attached", a.AttachTime, a.DeleteOnTermination) : null,
        [.. eni.Tags])
    {
        Ipv6Prefixes = [.. eni.Ipv6Prefixes.Select(p => new Ipv6PrefixSpecification(p.ToString()))],
        Association = AssociationOf(eni),
    };

    /// <summary>
    /// The public address of the interface's primary private address: an Elastic IP associated with it, else the one
    /// EC2 gave it at launch (an associated Elastic IP takes the place of that one, as on EC2).
    /// </summary>
    private NetworkInterfaceAssociation? AssociationOf(InterfaceEntity eni)
    {
        var primary = eni.PrimaryAddress.ToString();
        if (_addresses.Values.FirstOrDefault(a => a.NetworkInterfaceId == eni.Id && a.PrivateIpAddress == primary) is { } elastic)
        {
            return new NetworkInterfaceAssociation(elastic.PublicIp, PublicDnsName(IPAddress.Parse(elastic.PublicIp)), AccountId)
            {
                AllocationId = elastic.AllocationId,
                AssociationId = elastic.AssociationId,
            };
        }

        return eni.PublicIp is { } launched ? new NetworkInterfaceAssociation(launched.ToString(), PublicDnsName(launched), "amazon") : null;
    }

    /// <summary>A public address's DNS name: <c>ec2-198-18-7-21.us-west-2.compute.amazonaws.com</c>.</summary>
    private string PublicDnsName(IPAddress address) => $"ec2-{address.ToString().Replace('.', '-')}.{Options.PublicDnsSuffix}";

    private List<NetworkInterfacePrivateIpAddress> PrivateAddressesOf(InterfaceEntity eni)
        => [AddressEntries(eni.PrimaryAddress).Primary, .. eni.SecondaryAddresses.Select(a => AddressEntries(a).Secondary)];

    private List<GroupIdentifier> GroupIdentifiers(IEnumerable<string> groupIds)
        => [.. groupIds.Select(id => new GroupIdentifier(id, _groups.GetValueOrDefault(id)?.Name ?? string.Empty))];

    /// <summary>The tag filters alone, on the interfaces as kept (their tags are the described TagSet).</summary>
    private static readonly FilterMatcher<InterfaceEntity> EntityTagFilters = new(new Dictionary<string, Func<InterfaceEntity, IEnumerable<string?>>>(), e => e.Tags);

    private static bool IsTagFilter(Filter filter) => filter.Name.StartsWith("tag:", StringComparison.Ordinal) || filter.Name is "tag-key" or "tag-value";

    private static readonly FilterMatcher<NetworkInterface> InterfaceFilters = new(
        new Dictionary<string, Func<NetworkInterface, IEnumerable<string?>>>(StringComparer.Ordinal)
        {
            ["network-interface-id"] = e => Field.One(e.NetworkInterfaceId),
            ["subnet-id"] = e => Field.One(e.SubnetId),
            ["vpc-id"] = e => Field.One(e.VpcId),
            ["availability-zone"] = e => Field.One(e.AvailabilityZone),
            ["status"] = e => Field.One(e.Status),
            ["interface-type"] = e => Field.One(e.InterfaceType),
            ["description"] = e => Field.One(e.Description),
            ["mac-address"] = e => Field.One(e.MacAddress),
            ["owner-id"] = e => Field.One(e.OwnerId),
            ["requester-managed"] = e => Field.Bool(e.RequesterManaged),
            ["source-dest-check"] = e => Field.Bool(e.SourceDestCheck),
            ["private-dns-name"] = e => Field.One(e.PrivateDnsName),
            ["association.public-ip"] = e => Field.One(e.Association?.PublicIp),
            ["association.public-dns-name"] = e => Field.One(e.Association?.PublicDnsName),
            ["association.ip-owner-id"] = e => Field.One(e.Association?.IpOwnerId),
            ["association.allocation-id"] = e => Field.One(e.Association?.AllocationId),
            ["association.association-id"] = e => Field.One(e.Association?.AssociationId),
            ["private-ip-address"] = e => e.PrivateIpAddresses.Select(p => p.PrivateIpAddress),
            ["addresses.private-ip-address"] = e => e.PrivateIpAddresses.Select(p => p.PrivateIpAddress),
            ["addresses.primary"] = e => e.PrivateIpAddresses.Select(p => p.Primary ? "true" : "false"),
            ["ipv4-prefix"] = e => e.Ipv4Prefixes.Select(p => p.Ipv4Prefix),
            ["ipv6-address"] = e => e.Ipv6Addresses.Select(a => a.Ipv6Address),
            ["ipv6-addresses.ipv6-address"] = e => e.Ipv6Addresses.Select(a => a.Ipv6Address),
            ["ipv6-prefix"] = e => e.Ipv6Prefixes.Select(p => p.Ipv6Prefix),
            ["group-id"] = e => e.Groups.Select(g => g.GroupId),
            ["group-name"] = e => e.Groups.Select(g => g.GroupName),
            ["attachment.attachment-id"] = e => Field.One(e.Attachment?.AttachmentId),
            ["attachment.instance-id"] = e => Field.One(e.Attachment?.InstanceId),
            ["attachment.instance-owner-id"] = e => Field.One(e.Attachment?.InstanceOwnerId),
            ["attachment.device-index"] = e => Field.One(e.Attachment?.DeviceIndex.ToString(CultureInfo.InvariantCulture)),
            ["attachment.network-card-index"] = e => Field.One(e.Attachment?.NetworkCardIndex.ToString(CultureInfo.InvariantCulture)),
            ["attachment.status"] = e => Field.One(e.Attachment?.Status),
            ["attachment.delete-on-termination"] = e => e.Attachment is null ? [] : Field.Bool(e.Attachment.DeleteOnTermination),
        },
        e => e.TagSet);

    /// <summary>
    /// The prefixes an unassign call names (IPv4 or IPv6), each parsed and held by the interface in
    /// <paramref name="held"/>; one it does not hold is EC2's <c>InvalidParameterValue</c> ("… is not assigned to
    /// interface …"), before anything is released.
    /// </summary>
    private static List<CidrBlock> HeldPrefixes(IReadOnlyList<string>? texts, List<CidrBlock> held, string interfaceId)
    {
        var prefixes = new List<CidrBlock>();
        foreach (var text in texts ?? [])
        {
            if (!CidrBlock.TryParse(text, out var prefix) || !held.Contains(prefix))
            {
                throw Ec2Errors.AddressNotAssigned(text, interfaceId);
            }

            prefixes.Add(prefix);
        }

        return prefixes;
    }

    /// <param name="attachedTo">The backend's interfaces by instance, which <see cref="Attachment"/> keeps.</param>
    /// <param name="sequence">The order interfaces were made in.</param>
    private sealed class InterfaceEntity(string id, string subnetId, string vpcId, string zone, string type, string macAddress, IPAddress primaryAddress, Dictionary<string, List<InterfaceEntity>> attachedTo, long sequence)
    {
        private AttachmentState? _attachment;

        public string Id { get; } = id;

        public long Sequence { get; } = sequence;

        public string SubnetId { get; } = subnetId;

        public string VpcId { get; } = vpcId;

        public string AvailabilityZone { get; } = zone;

        public string Type { get; } = type;

        public string MacAddress { get; } = macAddress;

        public IPAddress PrimaryAddress { get; } = primaryAddress;

        public List<IPAddress> SecondaryAddresses { get; } = [];

        public List<CidrBlock> Prefixes { get; } = [];

        /// <summary>IPv6 addresses from the subnet's /64, in the order assigned.</summary>
        public List<IPAddress> Ipv6Addresses { get; } = [];

        /// <summary>/80 IPv6 prefixes from the subnet's /64, in the order assigned.</summary>
        public List<CidrBlock> Ipv6Prefixes { get; } = [];

        public string Description { get; set; } = string.Empty;

        public bool SourceDestCheck { get; set; } = true;

        public List<string> GroupIds { get; set; } = [];

        public List<Tag> Tags { get; set; } = [];

        /// <summary>The NAT gateway that made this interface (requester-managed: only EC2 may delete it).</summary>
        public string? ManagedBy { get; set; }

        /// <summary>The public IPv4 address EC2 gave its primary address at launch (<see cref="PublicIpOf"/>), or null (none, or an Elastic IP took its place).</summary>
        public IPAddress? PublicIp { get; set; }

        /// <summary>Whether its instance was launched with a public address on it (an Elastic IP taken off gives it a new one).</summary>
        public bool LaunchedWithPublicIp { get; set; }

        /// <summary>The attachment; setting it moves the interface in the backend's by-instance index.</summary>
        public AttachmentState? Attachment
        {
            get => _attachment;
            set
            {
                if (_attachment?.InstanceId is { } before && attachedTo.TryGetValue(before, out var old))
                {
                    old.Remove(this);
                    if (old.Count == 0)
                    {
                        attachedTo.Remove(before);
                    }
                }

                _attachment = value;
                if (value?.InstanceId is { } after)
                {
                    if (!attachedTo.TryGetValue(after, out var list))
                    {
                        list = [];
                        attachedTo[after] = list;
                    }

                    list.Add(this);
                }
            }
        }

        /// <summary>EC2 counts every address and every prefix against the per-interface IPv4 limit.</summary>
        public int AddressSlots => 1 + SecondaryAddresses.Count + Prefixes.Count;
    }

    private sealed record AttachmentState(string Id, string InstanceId, int DeviceIndex, int NetworkCardIndex, DateTimeOffset AttachTime, bool DeleteOnTermination);

    /// <summary>Addresses and prefixes claimed from one subnet during a call, so a failure can give them all back.</summary>
    private sealed class AddressClaims(SubnetEntity subnet)
    {
        public List<IPAddress> Addresses { get; } = [];

        public List<CidrBlock> Prefixes { get; } = [];

        public IPAddress Lowest() => Track(ClaimLowestAddress(subnet));

        public IPAddress Specific(string text) => Track(ClaimAddress(subnet, text));

        public void LowestPrefix() => Prefixes.Add(ClaimLowestPrefix(subnet));

        public void SpecificPrefix(string text) => Prefixes.Add(ClaimPrefix(subnet, text));

        public void Rollback()
        {
            foreach (var address in Addresses)
            {
                subnet.Pool.Release(address);
            }

            foreach (var prefix in Prefixes)
            {
                subnet.Pool.Release(prefix);
            }

            Addresses.Clear();
            Prefixes.Clear();
        }

        private IPAddress Track(IPAddress address)
        {
            Addresses.Add(address);
            return address;
        }
    }

    [System.Text.RegularExpressions.GeneratedRegex("^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$")]
    private static partial System.Text.RegularExpressions.Regex MacAddressPattern();

    /// <summary>A given MAC address, kept from the generator so no generated one repeats it.</summary>
    private string ReserveMac(string mac)
    {
        _ids.Reserve(mac);
        return mac;
    }
}

using System.Net;

namespace Podnet.Aws.Ec2;

public sealed partial class Ec2Backend
{
    /// <summary>
    /// Elastic IPs per Region, the default quota ("EC2-VPC Elastic IPs", Amazon VPC User Guide, "Amazon VPC
    /// quotas"; Amazon EC2 User Guide, "Elastic IP address limit").
    /// </summary>
    public const int ElasticIpsPerRegion = 5;

    // Public addresses come from TEST-NET-3 (RFC 5737), reserved for documentation, so an emulated address can never
    // be mistaken for, or collide with, a real one.
    private static readonly byte[] PublicPoolBase = [203, 0, 113, 0];

    private readonly Dictionary<string, AddressEntity> _addresses = new(StringComparer.Ordinal);

    /// <summary>Allocates an Elastic IP for use in a VPC (<c>domain vpc</c>, the only domain there is now).</summary>
    /// <param name="domain"><c>vpc</c> (or <c>standard</c>, which EC2 still accepts).</param>
    /// <param name="tags">The address's tags.</param>
    /// <param name="allocationId">An existing address's allocation ID (a world's, as <c>podnet snapshot</c> read it); null draws one.</param>
    /// <param name="publicIp">An existing address's public IPv4 address (a world's); null takes the lowest free one of the pool.</param>
    /// <exception cref="AwsException">
    /// <c>AddressLimitExceeded</c> beyond <see cref="ElasticIpsPerRegion"/>; an unknown domain, a given public address
    /// that is no IPv4 address or is allocated already (<c>InvalidParameterValue</c>); a given allocation ID malformed
    /// (<c>InvalidAllocationID.NotFound</c>: EC2 publishes no malformed code for it) or in use.
    /// </exception>
    public Address AllocateAddress(string? domain = "vpc", IReadOnlyList<Tag>? tags = null, string? allocationId = null, string? publicIp = null)
    {
        lock (_lock)
        {
            if (domain is not (null or "vpc" or "standard"))
            {
                throw Ec2Errors.InvalidParameterValue(domain, "domain", "Valid values are: vpc, standard");
            }

            var validTags = TagsOf(tags);
            if (_addresses.Count >= ElasticIpsPerRegion)
            {
                throw Ec2Errors.AddressLimitExceeded();
            }

            var used = _addresses.Values.Select(a => a.PublicIp).ToHashSet();
            if (publicIp is not null && (!IPAddress.TryParse(publicIp, out var given) || given.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork || used.Contains(given.ToString())))
            {
                throw Ec2Errors.InvalidParameterValue(publicIp, "Address", "The address is no IPv4 address, or is allocated already.");
            }

            var ip = publicIp is null ? PublicIp(Enumerable.Range(1, 254).First(n => !used.Contains(PublicIp(n)))) : IPAddress.Parse(publicIp).ToString();
            var address = new AddressEntity(NewId("eipalloc", allocationId, "InvalidAllocationID.NotFound", Identity(validTags)), ip) { Tags = [.. validTags] };
            _addresses.Add(address.AllocationId, address);
            return ToAddress(address);
        }
    }

    /// <summary>Releases an Elastic IP that nothing uses.</summary>
    /// <exception cref="AwsException"><c>InvalidAllocationID.NotFound</c>; <c>InvalidIPAddress.InUse</c> while associated.</exception>
    public void ReleaseAddress(string allocationId)
    {
        lock (_lock)
        {
            SettleNatGateways();
            var address = FindAddress(allocationId);
            if (address.NetworkInterfaceId is not null || _natGateways.Values.Any(n => n.AllocationId == allocationId && StateOf(n) is "pending"))
            {
                throw Ec2Errors.AddressInUse(address.PublicIp);
            }

            _addresses.Remove(address.AllocationId);
        }
    }

    /// <summary>
    /// Associates an Elastic IP with a private address of an interface (<c>aws ec2 associate-address --allocation-id …
    /// --instance-id …|--network-interface-id … [--private-ip-address …] [--allow-reassociation]</c>): the interface's
    /// primary private address unless one is given; an instance's only interface when the instance is named. An Elastic
    /// IP on an instance's primary address takes the place of the public address EC2 gave it at launch, which goes back
    /// to Amazon's pool (Amazon EC2 User Guide, "Elastic IP addresses").
    /// </summary>
    /// <returns>The association ID (<c>eipassoc-…</c>).</returns>
    /// <exception cref="AwsException">
    /// <c>InvalidAllocationID.NotFound</c>, <c>InvalidInstanceID.NotFound</c>, <c>InvalidNetworkInterfaceID.NotFound</c>;
    /// <c>MissingParameter</c> without an instance or interface; <c>InvalidInstanceID</c> for an instance with several
    /// interfaces ("There are multiple interfaces attached to instance '…'. Please specify an interface ID for the
    /// operation instead."); <c>Resource.AlreadyAssociated</c> for an address in use without
    /// <paramref name="allowReassociation"/>, or one a NAT gateway holds; <c>InvalidParameterValue</c> for a private
    /// address the interface does not have.
    /// </exception>
    public string AssociateAddress(string allocationId, string? instanceId, string? networkInterfaceId, string? privateIpAddress = null, bool allowReassociation = false)
    {
        lock (_lock)
        {
            SettleInstances();
            SettleNatGateways();
            var address = FindAddress(allocationId);
            InterfaceEntity eni;
            if (networkInterfaceId is not null)
            {
                eni = FindInterface(networkInterfaceId);
            }
            else if (instanceId is not null)
            {
                FindInstance(instanceId);
                var attached = AttachedTo(instanceId).ToList();
                eni = attached.Count == 1
                    ? attached[0]
                    : throw new AwsException("InvalidInstanceID", $"There are multiple interfaces attached to instance '{instanceId}'. Please specify an interface ID for the operation instead.");
            }
            else
            {
                throw Ec2Errors.MissingParameter("instanceId or networkInterfaceId");
            }

            var target = privateIpAddress is null ? eni.PrimaryAddress : IPAddress.TryParse(privateIpAddress, out var given) ? given : null;
            if (target is null || (!target.Equals(eni.PrimaryAddress) && !eni.SecondaryAddresses.Contains(target)))
            {
                throw Ec2Errors.InvalidParameterValue(privateIpAddress ?? string.Empty, "PrivateIpAddress", $"The address is not a private IPv4 address of network interface '{eni.Id}'.");
            }

            if (address.NetworkInterfaceId is not null && (!allowReassociation || HeldByNatGateway(address)))
            {
                throw Ec2Errors.ElasticIpAlreadyAssociated(allocationId);
            }

            // Another Elastic IP on that private address makes way for this one.
            foreach (var other in OthersOn(eni, target, address).ToList())
            {
                other.Dissociate();
            }

            if (address.NetworkInterfaceId is { } previous && _interfaces.GetValueOrDefault(previous) is { } was && address.PrivateIpAddress == was.PrimaryAddress.ToString())
            {
                Disassociated(address, was);
            }

            var associationId = _ids.Next("eipassoc", $"{address.AllocationId}|{eni.Id}");
            address.Associate(associationId, eni.Id, target.ToString());
            if (target.Equals(eni.PrimaryAddress) && eni.PublicIp is { } launched)
            {
                _publicIps.Remove(launched);
                eni.PublicIp = null;
            }

            return associationId;
        }
    }

    /// <summary>
    /// Takes an Elastic IP off the interface it is associated with (<c>aws ec2 disassociate-address --association-id
    /// …</c>). An instance that was given a public address at launch gets a new one on its primary address, as EC2 gives
    /// it ("When you disassociate an Elastic IP address from your instance, … a new public IPv4 address" is assigned).
    /// </summary>
    /// <exception cref="AwsException">
    /// <c>InvalidAssociationID.NotFound</c>; <c>InvalidParameterValue</c> for a NAT gateway's address, which goes with
    /// the gateway.
    /// </exception>
    public void DisassociateAddress(string associationId)
    {
        lock (_lock)
        {
            SettleNatGateways();
            var address = _addresses.Values.FirstOrDefault(a => a.AssociationId == associationId)
                          ?? throw new AwsException("InvalidAssociationID.NotFound", $"The association ID '{associationId}' does not exist");
            if (HeldByNatGateway(address))
            {
                throw Ec2Errors.InvalidParameterValue(associationId, "AssociationId", "The Elastic IP address is a NAT gateway's: it is released with the gateway (DeleteNatGateway).");
            }

            var eni = _interfaces.GetValueOrDefault(address.NetworkInterfaceId!);
            var privateAddress = address.PrivateIpAddress;
            address.Dissociate();
            if (eni is not null && privateAddress == eni.PrimaryAddress.ToString())
            {
                Disassociated(address, eni);
            }
        }
    }

    /// <summary>An instance's primary interface launched with a public address gets a new one when the Elastic IP on its primary address goes.</summary>
    private void Disassociated(AddressEntity address, InterfaceEntity eni)
    {
        if (eni.LaunchedWithPublicIp && eni.PublicIp is null && eni.Attachment is { DeviceIndex: 0, InstanceId: { } instanceId }
            && !OthersOn(eni, eni.PrimaryAddress, address).Any())
        {
            eni.PublicIp = PublicIpOf(instanceId + "|" + address.AllocationId);
        }
    }

    /// <summary>Whether a NAT gateway holds <paramref name="address"/> on its own interface (it goes with the gateway).</summary>
    private bool HeldByNatGateway(AddressEntity address)
        => _natGateways.Values.Any(n => n.AllocationId == address.AllocationId && n.NetworkInterfaceId == address.NetworkInterfaceId);

    /// <summary>The Elastic IPs other than <paramref name="except"/> on <paramref name="privateAddress"/> of <paramref name="eni"/>.</summary>
    private IEnumerable<AddressEntity> OthersOn(InterfaceEntity eni, IPAddress privateAddress, AddressEntity except)
        => _addresses.Values.Where(a => a != except && a.NetworkInterfaceId == eni.Id && a.PrivateIpAddress == privateAddress.ToString());

    /// <summary>Addresses by allocation ID (<see cref="DescribeRequest.Ids"/>) or public IP (<paramref name="publicIps"/>) and filters.</summary>
    public IReadOnlyList<Address> DescribeAddresses(DescribeRequest? request = null, IReadOnlyList<string>? publicIps = null)
    {
        request ??= DescribeRequest.All;
        lock (_lock)
        {
            SettleNatGateways();
            IEnumerable<AddressEntity> selected = Select(request.Ids, id => _addresses.GetValueOrDefault(id), Ec2Errors.AllocationNotFound, _addresses.Values);
            if (publicIps is { Count: > 0 })
            {
                var missing = publicIps.FirstOrDefault(ip => !_addresses.Values.Any(a => a.PublicIp == ip));
                selected = missing is null ? selected.Where(a => publicIps.Contains(a.PublicIp)) : throw Ec2Errors.PublicIpNotFound(missing);
            }

            return [.. AddressFilters.Apply(selected.Select(ToAddress), request.Filters)];
        }
    }

    private static string PublicIp(int last) => new IPAddress([PublicPoolBase[0], PublicPoolBase[1], PublicPoolBase[2], (byte)last]).ToString();

    private AddressEntity FindAddress(string allocationId) => _addresses.GetValueOrDefault(allocationId) ?? throw Ec2Errors.AllocationNotFound(allocationId);

    private Address ToAddress(AddressEntity address) => new(
        address.AllocationId,
        address.PublicIp,
        "vpc",
        "amazon",
        Options.Region,
        address.AssociationId,
        address.NetworkInterfaceId,
        address.NetworkInterfaceId is null ? null : AccountId,
        address.PrivateIpAddress,
        [.. address.Tags])
    {
        InstanceId = address.NetworkInterfaceId is { } eniId ? _interfaces.GetValueOrDefault(eniId)?.Attachment?.InstanceId : null,
    };

    private static readonly FilterMatcher<Address> AddressFilters = new(
        new Dictionary<string, Func<Address, IEnumerable<string?>>>(StringComparer.Ordinal)
        {
            ["allocation-id"] = a => Field.One(a.AllocationId),
            ["instance-id"] = a => Field.One(a.InstanceId),
            ["association-id"] = a => Field.One(a.AssociationId),
            ["domain"] = a => Field.One(a.Domain),
            ["network-border-group"] = a => Field.One(a.NetworkBorderGroup),
            ["network-interface-id"] = a => Field.One(a.NetworkInterfaceId),
            ["network-interface-owner-id"] = a => Field.One(a.NetworkInterfaceOwnerId),
            ["private-ip-address"] = a => Field.One(a.PrivateIpAddress),
            ["public-ip"] = a => Field.One(a.PublicIp),
        },
        a => a.Tags);

    private sealed class AddressEntity(string allocationId, string publicIp)
    {
        public string AllocationId { get; } = allocationId;

        public string PublicIp { get; } = publicIp;

        public string? AssociationId { get; set; }

        public string? NetworkInterfaceId { get; set; }

        public string? PrivateIpAddress { get; set; }

        public List<Tag> Tags { get; set; } = [];

        /// <summary>Associates it with <paramref name="privateIpAddress"/> of interface <paramref name="networkInterfaceId"/>.</summary>
        public void Associate(string associationId, string networkInterfaceId, string privateIpAddress)
        {
            AssociationId = associationId;
            NetworkInterfaceId = networkInterfaceId;
            PrivateIpAddress = privateIpAddress;
        }

        /// <summary>Takes the association off.</summary>
        public void Dissociate()
        {
            AssociationId = null;
            NetworkInterfaceId = null;
            PrivateIpAddress = null;
        }
    }
}

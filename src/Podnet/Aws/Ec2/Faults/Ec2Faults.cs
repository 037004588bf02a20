namespace Podnet.Aws.Ec2.Faults;

/// <summary>
/// The faults of one emulated account: which call fails and how, drawn from one random sequence seeded from the
/// world's seed (so a world run twice fails the same calls, as long as its calls come in the same order), and the
/// new network interfaces that DescribeNetworkInterfaces does not find yet. Every <see cref="FaultInjectingEc2"/> of
/// the account shares it, whoever the caller — ipamd, the VPC resource controller, the served aws CLI.
/// </summary>
public sealed class Ec2Faults
{
    /// <summary>The actions that take addresses from a subnet, the only ones <c>InsufficientFreeAddressesInSubnet</c> hits.</summary>
    private static readonly HashSet<string> AddressTaking = new(StringComparer.Ordinal) { "CreateNetworkInterface", "AssignPrivateIpAddresses" };

    private readonly Random _random;
    private readonly TimeProvider _time;
    private readonly ResourceIdGenerator _requestIds;
    private readonly Dictionary<string, DateTimeOffset> _invisibleUntil = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _injected = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <param name="seed">The world's seed: the same seed draws the same faults.</param>
    /// <param name="time">The account's clock: how long a new interface stays invisible is virtual time.</param>
    /// <param name="requestIds">Request IDs for the failed calls (the account's generator of error request IDs).</param>
    public Ec2Faults(int seed, TimeProvider time, ResourceIdGenerator requestIds)
    {
        _random = new Random(unchecked((seed * 7919) + 104_729));
        _time = time;
        _requestIds = requestIds;
    }

    /// <summary>What to inject from now on; no faults by default.</summary>
    public Ec2FaultSettings Settings { get; set; } = new();

    /// <summary>The calls that reached the fault injection since the account was made.</summary>
    public long Calls { get; private set; }

    /// <summary>How many faults were injected, by error code (<c>EventualConsistency</c> counts the interfaces hidden).</summary>
    public IReadOnlyDictionary<string, long> Injected
    {
        get
        {
            lock (_lock)
            {
                return new Dictionary<string, long>(_injected, StringComparer.Ordinal);
            }
        }
    }

    /// <summary>The error this call of <paramref name="operation"/> fails with, or null: one draw per call.</summary>
    public AwsException? Draw(string operation)
    {
        lock (_lock)
        {
            Calls++;
            var settings = Settings;
            if (!settings.Any)
            {
                return null;
            }

            var draw = _random.NextDouble();
            var error = draw < settings.RequestLimitExceeded ? Ec2Errors.RequestLimitExceeded()
                : draw < settings.RequestLimitExceeded + settings.InternalError ? Ec2Errors.InternalError()
                : draw < settings.RequestLimitExceeded + settings.InternalError + settings.InsufficientFreeAddressesInSubnet && AddressTaking.Contains(operation) ? Ec2Errors.InsufficientFreeAddressesInSubnet()
                : null;
            if (error is null)
            {
                return null;
            }

            _injected[error.Code] = _injected.GetValueOrDefault(error.Code) + 1;
            return error.InOperation("EC2", operation, _requestIds.NextRequestId());
        }
    }

    /// <summary>A new interface: with the eventual-consistency rate, describe by ID will not find it for a while.</summary>
    public void Created(string networkInterfaceId)
    {
        lock (_lock)
        {
            var settings = Settings;
            if (settings.EventualConsistency <= 0 || _random.NextDouble() >= settings.EventualConsistency)
            {
                return;
            }

            var now = _time.GetUtcNow();
            if (_invisibleUntil.Count > 1024)
            {
                foreach (var visible in _invisibleUntil.Where(e => e.Value <= now).Select(e => e.Key).ToList())
                {
                    _invisibleUntil.Remove(visible);
                }
            }

            _invisibleUntil[networkInterfaceId] = now + TimeSpan.FromSeconds(settings.EventualConsistencySeconds);
            _injected["EventualConsistency"] = _injected.GetValueOrDefault("EventualConsistency") + 1;
        }
    }

    /// <summary>The <c>InvalidNetworkInterfaceID.NotFound</c> error for the first of <paramref name="ids"/> not visible yet, or null.</summary>
    public AwsException? NotVisibleYet(IReadOnlyList<string> ids)
    {
        lock (_lock)
        {
            if (_invisibleUntil.Count == 0)
            {
                return null;
            }

            var now = _time.GetUtcNow();
            var hidden = ids.FirstOrDefault(id => _invisibleUntil.TryGetValue(id, out var until) && until > now);
            return hidden is null ? null : Ec2Errors.NetworkInterfaceNotFound(hidden).InOperation("EC2", "DescribeNetworkInterfaces", _requestIds.NextRequestId());
        }
    }
}

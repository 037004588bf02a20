namespace Podnet.Aws.Ec2.Faults;

/// <summary>
/// EC2 as it misbehaves: every call first draws from the account's <see cref="Ec2Faults"/> and may fail with
/// <c>RequestLimitExceeded</c>, <c>InternalError</c> or <c>InsufficientFreeAddressesInSubnet</c> before it reaches
/// EC2 (so a failed call changed nothing); a network interface it creates may stay invisible to
/// DescribeNetworkInterfaces by ID for a while. <see cref="AwsCloud.Ec2For"/> puts it in front of every principal's
/// client, so ipamd, the VPC resource controller and the served aws CLI all meet the same faults.
/// </summary>
public sealed class FaultInjectingEc2 : DelegatingEc2
{
    private readonly Ec2Faults _faults;

    public FaultInjectingEc2(IEc2 inner, Ec2Faults faults)
        : base(inner)
    {
        _faults = faults;
    }

    /// <summary>A new interface may be hidden from describe by ID (<see cref="Ec2Faults.Created"/>).</summary>
    public override async Task<NetworkInterface> CreateNetworkInterfaceAsync(CreateNetworkInterfaceRequest request, CancellationToken cancellationToken = default)
    {
        var created = await base.CreateNetworkInterfaceAsync(request, cancellationToken).ConfigureAwait(false);
        _faults.Created(created.NetworkInterfaceId);
        return created;
    }

    /// <summary>
    /// Describe by ID of an interface not visible yet fails as EC2 fails it for an unknown ID; filters only (no IDs)
    /// are answered from EC2's state, as ipamd's view of its attached interfaces stands for the instance metadata.
    /// </summary>
    public override Task<IReadOnlyList<NetworkInterface>> DescribeNetworkInterfacesAsync(DescribeRequest? request = null, CancellationToken cancellationToken = default)
        => request?.Ids is { Count: > 0 } ids && _faults.NotVisibleYet(ids) is { } notFound
            ? Task.FromException<IReadOnlyList<NetworkInterface>>(notFound)
            : base.DescribeNetworkInterfacesAsync(request, cancellationToken);

    protected override Task<T> Call<T>(string operation, DescribeRequest? describe, Func<Task<T>> call)
        => _faults.Draw(operation) is { } error ? Task.FromException<T>(error) : call();
}

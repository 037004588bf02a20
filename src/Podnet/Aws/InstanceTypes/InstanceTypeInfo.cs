namespace Podnet.Aws.InstanceTypes;

/// <summary>
/// What is known about one EC2 instance type: the <c>DescribeInstanceTypes</c> facts (vCPUs, memory, network
/// limits), the VPC resource controller's trunking facts, and the VPC CNI's max-pods table value. A fact the
/// sources do not give is null.
/// </summary>
public sealed record InstanceTypeInfo(
    string InstanceType,
    int? DefaultVCpus,
    long? MemoryMiB,
    string? Hypervisor,
    bool BareMetal,
    int? MaximumNetworkInterfaces,
    int? Ipv4AddressesPerInterface,
    int? Ipv6AddressesPerInterface,
    bool? Ipv6Supported,
    int DefaultNetworkCardIndex,
    IReadOnlyList<NetworkCardInfo> NetworkCards,
    bool? IsTrunkingCompatible,
    int BranchInterfaces,
    int? MaxPods)
{
    /// <summary>The resource controller treats bare metal as Nitro.</summary>
    public bool IsNitro => BareMetal || Hypervisor == "nitro";

    /// <summary>Whether EC2 network limits are known, so instances of this type can be run in the emulator.</summary>
    public bool HasNetworkLimits => MaximumNetworkInterfaces is not null && Ipv4AddressesPerInterface is not null;

    /// <summary>Interfaces on the default network card: the number the VPC CNI and max-pods formulas use.</summary>
    public int? DefaultCardMaximumNetworkInterfaces
        => NetworkCards.FirstOrDefault(c => c.NetworkCardIndex == DefaultNetworkCardIndex)?.MaximumNetworkInterfaces
           ?? MaximumNetworkInterfaces;
}

public sealed record NetworkCardInfo(int NetworkCardIndex, int MaximumNetworkInterfaces);

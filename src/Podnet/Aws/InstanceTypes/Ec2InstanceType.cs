namespace Podnet.Aws.InstanceTypes;

/// <summary>
/// One entry of <c>aws ec2 describe-instance-types</c>, as EC2 shapes it (the fields the data gives), plus the pod
/// networking facts EC2 does not report: trunking, branch interfaces and the VPC CNI's max pods.
/// </summary>
public sealed record Ec2InstanceType(
    string InstanceType,
    VCpuInfo? VCpuInfo,
    MemoryInfo? MemoryInfo,
    string? Hypervisor,
    bool BareMetal,
    NetworkInfo? NetworkInfo,
    PodNetworkingInfo PodNetworking)
{
    public static Ec2InstanceType From(InstanceTypeInfo info) => new(
        info.InstanceType,
        info.DefaultVCpus is { } vcpus ? new VCpuInfo(vcpus) : null,
        info.MemoryMiB is { } memory ? new MemoryInfo(memory) : null,
        string.IsNullOrEmpty(info.Hypervisor) ? null : info.Hypervisor,
        info.BareMetal,
        info.HasNetworkLimits
            ? new NetworkInfo(
                info.MaximumNetworkInterfaces!.Value,
                info.Ipv4AddressesPerInterface!.Value,
                info.Ipv6AddressesPerInterface,
                info.Ipv6Supported,
                info.DefaultNetworkCardIndex,
                info.NetworkCards.Count,
                [.. info.NetworkCards.Select(c => new NetworkCard(c.NetworkCardIndex, c.MaximumNetworkInterfaces))])
            : null,
        new PodNetworkingInfo(info.IsTrunkingCompatible, info.BranchInterfaces, info.MaxPods));
}

public sealed record VCpuInfo(int DefaultVCpus);

public sealed record MemoryInfo(long SizeInMiB);

public sealed record NetworkInfo(
    int MaximumNetworkInterfaces,
    int Ipv4AddressesPerInterface,
    int? Ipv6AddressesPerInterface,
    bool? Ipv6Supported,
    int DefaultNetworkCardIndex,
    int MaximumNetworkCards,
    IReadOnlyList<NetworkCard> NetworkCards);

public sealed record NetworkCard(int NetworkCardIndex, int MaximumNetworkInterfaces);

/// <summary>Trunking and branch interfaces from the VPC resource controller's table; max pods from the VPC CNI's.</summary>
public sealed record PodNetworkingInfo(bool? IsTrunkingCompatible, int BranchInterfaces, int? MaxPods);

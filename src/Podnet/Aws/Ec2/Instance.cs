namespace Podnet.Aws.Ec2;

/// <summary>An EC2 instance in the shape <c>aws ec2 describe-instances</c> prints (the fields Podnet uses).</summary>
/// <param name="State">
/// <c>pending</c> (0) from its launch until it has booted, then <c>running</c> (16); once terminated
/// <c>shutting-down</c> (32) for a while (<c>Ec2Backend.ShuttingDownDuration</c>), then <c>terminated</c> (48).
/// Instances a world starts with are running from their launch.
/// </param>
/// <param name="StateTransitionReason">
/// Why the state last changed, as EC2 words it: empty while the instance is pending or running, <c>User initiated
/// (2026-11-30 02:00:00 GMT)</c> once a user terminated it (the time of the call, in EC2's format).
/// </param>
/// <param name="StateReason">
/// The reason of the last state change as a code and message, which EC2 gives once an instance is shutting down or
/// terminated (<c>Client.UserInitiatedShutdown</c> after TerminateInstances); null while pending or running.
/// </param>
/// <param name="LaunchTime">When RunInstances launched it (set at launch, not when it starts running).</param>
public sealed record Instance(
    string InstanceId,
    string ImageId,
    InstanceState State,
    string StateTransitionReason,
    StateReason? StateReason,
    string InstanceType,
    Placement Placement,
    string? SubnetId,
    string? VpcId,
    string? PrivateIpAddress,
    string PrivateDnsName,
    DateTimeOffset LaunchTime,
    IReadOnlyList<GroupIdentifier> SecurityGroups,
    IReadOnlyList<InstanceNetworkInterface> NetworkInterfaces,
    IamInstanceProfile? IamInstanceProfile,
    IReadOnlyList<Tag> Tags)
{
    /// <summary>
    /// The public IPv4 address of its primary interface (<see cref="NetworkInterfaceAssociation"/>): given at launch in
    /// a subnet with <c>MapPublicIpOnLaunch</c>, gone once the instance is terminated; null without one.
    /// </summary>
    public string? PublicIpAddress { get; init; }

    /// <summary>That address's public DNS name; empty without one, as describe-instances prints <c>"PublicDnsName": ""</c>.</summary>
    public string PublicDnsName { get; init; } = string.Empty;
}

/// <summary>An instance's state: EC2's code (the low byte of <c>instanceState.code</c>) and name.</summary>
public sealed record InstanceState(int Code, string Name)
{
    public static InstanceState Pending { get; } = new(0, "pending");
    public static InstanceState Running { get; } = new(16, "running");
    public static InstanceState ShuttingDown { get; } = new(32, "shutting-down");
    public static InstanceState Terminated { get; } = new(48, "terminated");
}

/// <summary>
/// EC2's <c>StateReason</c>: a code and its message, e.g. <c>Client.UserInitiatedShutdown</c> with
/// <c>Client.UserInitiatedShutdown: User initiated shutdown</c> ("StateReason", EC2 API Reference).
/// </summary>
public sealed record StateReason(string Code, string Message)
{
    /// <summary>The reason of an instance a user terminated (TerminateInstances), as describe-instances shows it.</summary>
    public static StateReason UserInitiatedShutdown { get; } = new("Client.UserInitiatedShutdown", "Client.UserInitiatedShutdown: User initiated shutdown");
}

public sealed record Placement(string AvailabilityZone);

/// <summary>The role an instance's processes (kubelet, aws-node) act as.</summary>
public sealed record IamInstanceProfile(string Arn, string RoleArn);

public sealed record InstanceNetworkInterface(
    string NetworkInterfaceId,
    string SubnetId,
    string VpcId,
    string MacAddress,
    string PrivateIpAddress,
    string PrivateDnsName,
    string Status,
    string InterfaceType,
    InstanceNetworkInterfaceAttachment Attachment,
    IReadOnlyList<GroupIdentifier> Groups,
    IReadOnlyList<NetworkInterfacePrivateIpAddress> PrivateIpAddresses,
    IReadOnlyList<Ipv4PrefixSpecification> Ipv4Prefixes)
{
    /// <summary>The public IPv4 address of the interface's primary private address, or null (<see cref="NetworkInterfaceAssociation"/>).</summary>
    public NetworkInterfaceAssociation? Association { get; init; }
}

public sealed record InstanceNetworkInterfaceAttachment(
    string AttachmentId,
    int DeviceIndex,
    int NetworkCardIndex,
    string Status,
    DateTimeOffset AttachTime,
    bool DeleteOnTermination);

public sealed record Reservation(string ReservationId, string OwnerId, IReadOnlyList<Instance> Instances);

public sealed record InstanceStateChange(string InstanceId, InstanceState CurrentState, InstanceState PreviousState);

/// <summary>
/// RunInstances' parameters. <see cref="InstanceId"/>, and the primary interface's <see cref="NetworkInterfaceId"/>
/// and <see cref="MacAddress"/>, are not EC2's: a world sets them for an instance that runs already (a snapshot of a
/// real node group keeps its instances), one instance at a time. The wire never sets them.
/// </summary>
public sealed record RunInstancesRequest(
    string InstanceType,
    string SubnetId,
    int MinCount = 1,
    int MaxCount = 1,
    string ImageId = "ami-0a1b2c3d4e5f60718",
    IReadOnlyList<string>? SecurityGroupIds = null,
    string? PrivateIpAddress = null,
    IReadOnlyList<Tag>? Tags = null,
    string? IamInstanceProfileRoleArn = null,
    string? InstanceId = null,
    string? NetworkInterfaceId = null,
    string? MacAddress = null);

namespace Podnet.Aws.Ec2;

/// <summary>
/// A VPC endpoint in the shape <c>aws ec2 describe-vpc-endpoints</c> prints. Podnet emulates gateway endpoints
/// (<see cref="VpcEndpointType"/> <c>Gateway</c>), the kind S3 and DynamoDB offer: no interface and no address of its
/// own, only a route <c>DestinationPrefixListId pl-… → vpce-…</c> (origin <c>CreateRoute</c>, state <c>active</c>)
/// in each of its <see cref="RouteTableIds"/>, the list being the service's AWS-managed prefix list
/// (<c>com.amazonaws.&lt;region&gt;.s3</c>; Amazon VPC User Guide, "Gateway endpoints"). A gateway endpoint is
/// <c>available</c> once made; <see cref="PolicyDocument"/> is the full-access policy unless one is given.
/// </summary>
public sealed record VpcEndpoint(
    string VpcEndpointId,
    string VpcEndpointType,
    string VpcId,
    string ServiceName,
    string State,
    string PolicyDocument,
    IReadOnlyList<string> RouteTableIds,
    DateTimeOffset CreationTimestamp,
    IReadOnlyList<Tag> Tags,
    string OwnerId);

/// <summary>
/// CreateVpcEndpoint's arguments, as <c>aws ec2 create-vpc-endpoint</c> takes them: <c>--vpc-id</c>,
/// <c>--service-name</c>, <c>--vpc-endpoint-type</c> (default <c>Gateway</c>), <c>--route-table-ids</c>,
/// <c>--policy-document</c>, <c>--tag-specifications</c>. <see cref="VpcEndpointId"/> keeps an existing endpoint's
/// ID (a world's); else one is drawn from its VPC and service.
/// </summary>
public sealed record CreateVpcEndpointRequest(
    string VpcId,
    string ServiceName,
    string? VpcEndpointType = null,
    IReadOnlyList<string>? RouteTableIds = null,
    string? PolicyDocument = null,
    IReadOnlyList<Tag>? Tags = null,
    string? VpcEndpointId = null);

/// <summary>
/// ModifyVpcEndpoint's arguments for a gateway endpoint (<c>aws ec2 modify-vpc-endpoint</c>):
/// <c>--add-route-table-ids</c>, <c>--remove-route-table-ids</c>, <c>--policy-document</c> or <c>--reset-policy</c>.
/// </summary>
public sealed record ModifyVpcEndpointRequest(
    string VpcEndpointId,
    IReadOnlyList<string>? AddRouteTableIds = null,
    IReadOnlyList<string>? RemoveRouteTableIds = null,
    string? PolicyDocument = null,
    bool ResetPolicy = false);

/// <summary>
/// An item a bulk call could not act on (DeleteVpcEndpoints' <c>Unsuccessful</c>): the resource's ID and EC2's error
/// code and message for it; the call itself succeeds.
/// </summary>
public sealed record UnsuccessfulItem(string ResourceId, string Code, string Message);

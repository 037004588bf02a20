namespace Podnet.Aws.Ec2;

/// <summary>An internet gateway in the shape <c>aws ec2 describe-internet-gateways</c> prints: attached to at most one VPC.</summary>
public sealed record InternetGateway(string InternetGatewayId, string OwnerId, IReadOnlyList<InternetGatewayAttachment> Attachments, IReadOnlyList<Tag> Tags);

/// <summary>An internet gateway's attachment; its <see cref="State"/> is <c>available</c> once attached (as EC2 reports it).</summary>
public sealed record InternetGatewayAttachment(string VpcId, string State);

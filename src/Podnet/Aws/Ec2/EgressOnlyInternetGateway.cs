namespace Podnet.Aws.Ec2;

/// <summary>
/// An egress-only internet gateway in the shape <c>aws ec2 describe-egress-only-internet-gateways</c> prints
/// (botocore's <c>EgressOnlyInternetGateway</c>: <c>EgressOnlyInternetGatewayId</c>, <c>Attachments</c>, <c>Tags</c>).
/// It is made for one VPC and stays attached to it until deleted (there is no attach or detach call); its one
/// attachment's state is <c>attached</c>. What it does with packets (Amazon VPC User Guide, "Enable outbound IPv6
/// traffic using an egress-only internet gateway"): it lets IPv6 connections started inside the VPC out and their
/// replies back in, and refuses connections started from the internet; it carries no IPv4 traffic.
/// </summary>
public sealed record EgressOnlyInternetGateway(string EgressOnlyInternetGatewayId, IReadOnlyList<InternetGatewayAttachment> Attachments, IReadOnlyList<Tag> Tags);

using Podnet.Aws.Ec2;

namespace Podnet.World;

/// <summary>A world's VPC endpoints: the kind <c>VpcEndpoint</c>, with <c>aws ec2 create-vpc-endpoint</c>'s fields.</summary>
internal sealed partial class AwsWorldBuilder
{
    /// <summary>
    /// A <c>VpcEndpoint</c>: <c>VpcId</c> (a name from the world or an ID), <c>ServiceName</c>
    /// (<c>com.amazonaws.&lt;region&gt;.s3</c> or <c>.dynamodb</c> of the world's region), <c>VpcEndpointType</c>
    /// (<c>Gateway</c>, the default; the only one Podnet emulates), <c>RouteTableIds</c> (names of <c>RouteTable</c>
    /// documents or IDs), <c>PolicyDocument</c>, <c>Tags</c>, and an existing endpoint's <c>VpcEndpointId</c> (else
    /// drawn from its VPC and service). Created as <c>aws ec2 create-vpc-endpoint</c> creates it: the route
    /// <c>pl-… → vpce-…</c> goes into each table, with EC2's errors.
    /// </summary>
    private void CreateVpcEndpoint(WorldDocument doc)
    {
        var tables = DocumentFields.Strings(doc, "RouteTableIds").Select(t => Resolve(doc, "RouteTableIds", "RouteTable", "rtb", t)).ToList();
        var endpoint = _cloud.Ec2Backend.CreateVpcEndpoint(new CreateVpcEndpointRequest(
            Resolve(doc, "VpcId", "Vpc", "vpc"),
            DocumentFields.RequiredString(doc, "ServiceName"),
            DocumentFields.String(doc, "VpcEndpointType"),
            tables,
            DocumentFields.String(doc, "PolicyDocument"),
            WithName(DocumentFields.Tags(doc), doc.Name),
            DocumentFields.String(doc, "VpcEndpointId")));
        Remember(doc, endpoint.VpcEndpointId);
    }
}

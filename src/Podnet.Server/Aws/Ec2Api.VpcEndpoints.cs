using System.Xml.Linq;
using Podnet.Aws.Ec2;
using static Podnet.Server.Aws.AwsXml;

namespace Podnet.Server.Aws;

/// <summary>
/// EC2's VPC endpoint actions for gateway endpoints (<c>aws ec2 create-vpc-endpoint</c>, <c>describe-vpc-endpoints</c>,
/// <c>modify-vpc-endpoint</c>, <c>delete-vpc-endpoints</c>), parameters by botocore's wire names (<c>RouteTableId.N</c>,
/// <c>AddRouteTableId.N</c>, <c>VpcEndpointId.N</c>), answers by <see cref="Ec2RouteShapes.VpcEndpoint"/>.
/// </summary>
public sealed partial class Ec2Api
{
    // A property, not a field: Actions (in the other part) reads it during static initialisation.
    private static IReadOnlyList<string> VpcEndpointActions => ["CreateVpcEndpoint", "DescribeVpcEndpoints", "ModifyVpcEndpoint", "DeleteVpcEndpoints"];

    /// <summary>Runs a VPC endpoint action; null for an action that is not one.</summary>
    private IReadOnlyList<XElement?>? HandleVpcEndpoints(string action, QueryRequest query, IEc2 ec2) => action switch
    {
        "CreateVpcEndpoint" => Write(() =>
        {
            var endpoint = Done(ec2.CreateVpcEndpointAsync(new CreateVpcEndpointRequest(
                Required(query, "VpcId"),
                Required(query, "ServiceName"),
                query.Get("VpcEndpointType"),
                query.List("RouteTableId"),
                query.Get("PolicyDocument"),
                TagsFor(query, "vpc-endpoint"))));
            return [Structure("vpcEndpoint", Ec2RouteShapes.VpcEndpoint(endpoint)), Text("clientToken", query.Get("ClientToken"))];
        }),
        "DescribeVpcEndpoints" => Read(() => [Items("vpcEndpointSet", Done(ec2.DescribeVpcEndpointsAsync(Describe(query, "VpcEndpointId"))), Ec2RouteShapes.VpcEndpoint)]),
        "ModifyVpcEndpoint" => Write(() =>
        {
            Done(ec2.ModifyVpcEndpointAsync(new ModifyVpcEndpointRequest(
                Required(query, "VpcEndpointId"),
                query.List("AddRouteTableId"),
                query.List("RemoveRouteTableId"),
                query.Get("PolicyDocument"),
                query.Bool("ResetPolicy") ?? false)));
            return [Bool("return", true)];
        }),
        "DeleteVpcEndpoints" => Write(() =>
        {
            var ids = query.List("VpcEndpointId");
            if (ids.Count == 0)
            {
                throw Ec2Errors.MissingParameter("VpcEndpointId");
            }

            return [Items("unsuccessful", Done(ec2.DeleteVpcEndpointsAsync(ids)), Ec2RouteShapes.UnsuccessfulItem)];
        }),
        _ => null,
    };
}

using BenchmarkDotNet.Attributes;
using Podnet.Aws;
using Podnet.Aws.Ec2;

namespace Podnet.Benchmarks;

/// <summary>
/// The emulated EC2 at cluster scale: 100 m5.large nodes, each filled by the VPC CNI's pattern (two more
/// interfaces, nine secondary addresses each), then the describe calls controllers make.
/// </summary>
[MemoryDiagnoser]
public class Ec2BackendBenchmarks
{
    private Ec2Backend _filled = null!;
    private string _someInstance = null!;

    [Params(100)]
    public int Nodes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        (_filled, _someInstance) = Fill(Nodes);
    }

    [Benchmark]
    public int LaunchAndFillNodes() => Fill(Nodes).Backend.DescribeNetworkInterfaces().Count;

    [Benchmark]
    public int DescribeInterfacesOfOneInstance()
        => _filled.DescribeNetworkInterfaces(DescribeRequest.Where(new Filter("attachment.instance-id", _someInstance))).Count;

    [Benchmark]
    public int DescribeAllSubnets() => _filled.DescribeSubnets().Count;

    private static (Ec2Backend Backend, string Instance) Fill(int nodes)
    {
        var cloud = new AwsCloud(new AwsOptions(), TimeProvider.System);
        var ec2 = cloud.Ec2Backend;
        var vpc = ec2.CreateVpc(new CreateVpcRequest("10.0.0.0/16"));
        var subnet = ec2.CreateSubnet(new CreateSubnetRequest(vpc.VpcId, "10.0.0.0/18", "us-west-2a"));
        var last = string.Empty;
        foreach (var _ in Enumerable.Range(0, nodes))
        {
            var instance = ec2.RunInstances(new RunInstancesRequest("m5.large", subnet.SubnetId)).Instances[0];
            ec2.AssignPrivateIpAddresses(new AssignPrivateIpAddressesRequest(instance.NetworkInterfaces[0].NetworkInterfaceId, SecondaryPrivateIpAddressCount: 9));
            for (var device = 1; device <= 2; device++)
            {
                var eni = ec2.CreateNetworkInterface(new CreateNetworkInterfaceRequest(subnet.SubnetId, SecondaryPrivateIpAddressCount: 9));
                ec2.AttachNetworkInterface(new AttachNetworkInterfaceRequest(eni.NetworkInterfaceId, instance.InstanceId, device));
            }

            last = instance.InstanceId;
        }

        return (ec2, last);
    }
}

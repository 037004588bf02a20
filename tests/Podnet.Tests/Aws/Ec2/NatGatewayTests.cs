using Podnet.Aws.Ec2;
using Podnet.Tests.TestSupport;
using static Podnet.Tests.TestSupport.TestCloud;

namespace Podnet.Tests.Aws.Ec2;

public class NatGatewayTests
{
    private readonly TestCloud _cloud = new();

    private Ec2Backend Ec2 => _cloud.Ec2;

    private void AttachGateway() => Ec2.AttachInternetGateway(Ec2.CreateInternetGateway().InternetGatewayId, _cloud.Vpc.VpcId);

    [Fact]
    public void AllocateAddress_IsVpcDomain_FromAmazonPool_UpToTheQuota()
    {
        var first = Ec2.AllocateAddress("vpc", [new Tag("Name", "eip")]);

        Assert.Matches("^eipalloc-[0-9a-f]{17}$", first.AllocationId);
        Assert.Equal("vpc", first.Domain);
        Assert.Equal("amazon", first.PublicIpv4Pool);
        Assert.Equal("us-west-2", first.NetworkBorderGroup);
        Assert.Null(first.AssociationId);
        for (var i = 1; i < Ec2Backend.ElasticIpsPerRegion; i++)
        {
            Ec2.AllocateAddress();
        }

        var error = Throws(() => Ec2.AllocateAddress());
        Assert.Equal("AddressLimitExceeded", error.Code);
        Assert.Equal(Ec2Backend.ElasticIpsPerRegion, Ec2.DescribeAddresses().Select(a => a.PublicIp).Distinct().Count());
        Assert.Equal(first.AllocationId, Assert.Single(Ec2.DescribeAddresses(null, [first.PublicIp])).AllocationId);

        Ec2.ReleaseAddress(first.AllocationId);
        Assert.Equal("InvalidAllocationID.NotFound", Throws(() => Ec2.ReleaseAddress(first.AllocationId)).Code);
    }

    [Fact]
    public void CreateNatGateway_IsPending_ThenAvailable_WithItsOwnInterface()
    {
        AttachGateway();
        var eip = Ec2.AllocateAddress();
        var nat = Ec2.CreateNatGateway(new CreateNatGatewayRequest(_cloud.SubnetA.SubnetId, eip.AllocationId, [new Tag("Name", "nat")]));

        Assert.Equal("pending", nat.State);
        Assert.Equal(_cloud.Vpc.VpcId, nat.VpcId);
        var pendingAddress = Assert.Single(nat.NatGatewayAddresses);
        Assert.Equal(eip.AllocationId, pendingAddress.AllocationId);
        Assert.Null(pendingAddress.NetworkInterfaceId);
        Assert.Equal(nat.CreateTime + Ec2Backend.NatGatewayCreateDuration, Ec2.NextTransition);

        var eni = Assert.Single(Ec2.DescribeNetworkInterfaces(DescribeRequest.Where(new Filter("subnet-id", _cloud.SubnetA.SubnetId))));
        Assert.Equal("nat_gateway", eni.InterfaceType);
        Assert.True(eni.RequesterManaged);
        Assert.Equal("in-use", eni.Status);
        Assert.Equal($"Interface for NAT Gateway {nat.NatGatewayId}", eni.Description);
        Assert.Equal("InvalidParameterValue", Throws(() => Ec2.DeleteNetworkInterface(eni.NetworkInterfaceId)).Code);
        Assert.Equal("Resource.AlreadyAssociated", Throws(() => Ec2.CreateNatGateway(new CreateNatGatewayRequest(_cloud.SubnetB.SubnetId, eip.AllocationId))).Code);

        _cloud.Time.Advance(Ec2Backend.NatGatewayCreateDuration);
        var available = Assert.Single(Ec2.DescribeNatGateways(DescribeRequest.Where(new Filter("state", "available"))));
        var address = Assert.Single(available.NatGatewayAddresses);
        Assert.Equal(eni.NetworkInterfaceId, address.NetworkInterfaceId);
        Assert.Equal(eni.PrivateIpAddress, address.PrivateIp);
        Assert.Equal(eip.PublicIp, address.PublicIp);
        Assert.Null(Ec2.NextTransition);
        var mapped = Ec2.DescribeAddresses(DescribeRequest.ForIds(eip.AllocationId))[0];
        Assert.Equal(eni.NetworkInterfaceId, mapped.NetworkInterfaceId);
        Assert.StartsWith("eipassoc-", mapped.AssociationId, StringComparison.Ordinal);
        Assert.Equal("InvalidIPAddress.InUse", Throws(() => Ec2.ReleaseAddress(eip.AllocationId)).Code);
    }

    [Fact]
    public void DeleteNatGateway_IsDeleting_ThenDeleted_AndOnlyThenFreesItsSubnet()
    {
        AttachGateway();
        var eip = Ec2.AllocateAddress();
        var subnet = Ec2.CreateSubnet(new CreateSubnetRequest(_cloud.Vpc.VpcId, "192.168.9.0/28", "us-west-2a"));
        var nat = Ec2.CreateNatGateway(new CreateNatGatewayRequest(subnet.SubnetId, eip.AllocationId));
        _cloud.Time.Advance(TimeSpan.FromMinutes(5));

        Assert.Equal("DependencyViolation", Throws(() => Ec2.DeleteSubnet(subnet.SubnetId)).Code);
        Assert.Equal(nat.NatGatewayId, Ec2.DeleteNatGateway(nat.NatGatewayId));
        Assert.Equal("deleting", Ec2.DescribeNatGateways(DescribeRequest.ForIds(nat.NatGatewayId))[0].State);
        var subnetError = Throws(() => Ec2.DeleteSubnet(subnet.SubnetId));
        Assert.Equal($"The subnet '{subnet.SubnetId}' has dependencies and cannot be deleted.", subnetError.Message);

        _cloud.Time.Advance(Ec2Backend.NatGatewayDeleteDuration);
        var deleted = Ec2.DescribeNatGateways(DescribeRequest.ForIds(nat.NatGatewayId))[0];
        Assert.Equal("deleted", deleted.State);
        Assert.NotNull(deleted.DeleteTime);
        Assert.Null(Ec2.DescribeAddresses(DescribeRequest.ForIds(eip.AllocationId))[0].NetworkInterfaceId);
        Ec2.DeleteSubnet(subnet.SubnetId);
        Ec2.ReleaseAddress(eip.AllocationId);

        var missing = Throws(() => Ec2.DescribeNatGateways(DescribeRequest.ForIds("nat-0123456789abcdef0")));
        Assert.Equal("NatGatewayNotFound", missing.Code);
        Assert.Equal("NAT gateway nat-0123456789abcdef0 was not found", missing.Message);
    }

    [Fact]
    public void CreateNatGateway_InVpcWithoutInternetGateway_Fails_AndFreesItsInterface()
    {
        var eip = Ec2.AllocateAddress();
        var nat = Ec2.CreateNatGateway(new CreateNatGatewayRequest(_cloud.SubnetA.SubnetId, eip.AllocationId));
        _cloud.Time.Advance(Ec2Backend.NatGatewayCreateDuration);

        var failed = Ec2.DescribeNatGateways(DescribeRequest.ForIds(nat.NatGatewayId))[0];
        Assert.Equal("failed", failed.State);
        Assert.Equal("Gateway.NotAttached", failed.FailureCode);
        Assert.Equal($"Network {_cloud.Vpc.VpcId} has no Internet gateway attached", failed.FailureMessage);
        Assert.Empty(Ec2.DescribeNetworkInterfaces(DescribeRequest.Where(new Filter("subnet-id", _cloud.SubnetA.SubnetId))));
        Assert.Equal("InvalidSubnet", Throws(() => Ec2.CreateNatGateway(new CreateNatGatewayRequest("subnet-00000000", eip.AllocationId))).Code);
    }

    [Fact]
    public void CreateNatGateway_Private_NeedsNoInternetGateway_AndTranslatesToItsPrivateAddress()
    {
        // No internet gateway in the VPC: a private NAT gateway does not use one, so it never fails for it.
        var nat = Ec2.CreateNatGateway(new CreateNatGatewayRequest(_cloud.SubnetA.SubnetId, null, [new Tag("Name", "private")], ConnectivityType: "private"));
        var eni = Assert.Single(Ec2.DescribeNetworkInterfaces(DescribeRequest.Where(new Filter("subnet-id", _cloud.SubnetA.SubnetId))));

        Assert.Equal(("private", "pending"), (nat.ConnectivityType, nat.State));
        Assert.Equal(new NatGatewayAddress(null, eni.NetworkInterfaceId, eni.PrivateIpAddress, null, true, "assigning"), Assert.Single(nat.NatGatewayAddresses));
        Assert.Equal("nat_gateway", eni.InterfaceType);

        _cloud.Time.Advance(Ec2Backend.NatGatewayCreateDuration);
        var available = Assert.Single(Ec2.DescribeNatGateways());
        Assert.Equal(("available", null), (available.State, available.FailureCode));
        Assert.Equal(new NatGatewayAddress(null, eni.NetworkInterfaceId, eni.PrivateIpAddress, null, true, "succeeded"), Assert.Single(available.NatGatewayAddresses));
        Assert.Empty(Ec2.DescribeAddresses());

        Ec2.DeleteNatGateway(nat.NatGatewayId);
        Assert.Equal("unassigning", Assert.Single(Ec2.DescribeNatGateways()[0].NatGatewayAddresses).Status);
        _cloud.Time.Advance(Ec2Backend.NatGatewayDeleteDuration);
        Assert.Equal("deleted", Ec2.DescribeNatGateways()[0].State);
        Assert.Empty(Ec2.DescribeNetworkInterfaces(DescribeRequest.Where(new Filter("subnet-id", _cloud.SubnetA.SubnetId))));
    }

    [Fact]
    public void CreateNatGateway_ElasticIpAndConnectivityType_AreEc2sErrors()
    {
        AttachGateway();
        var eip = Ec2.AllocateAddress();
        var subnet = _cloud.SubnetA.SubnetId;

        var withAllocation = Throws(() => Ec2.CreateNatGateway(new CreateNatGatewayRequest(subnet, eip.AllocationId, ConnectivityType: "private")));
        var withoutAllocation = Throws(() => Ec2.CreateNatGateway(new CreateNatGatewayRequest(subnet, null)));
        var unknownType = Throws(() => Ec2.CreateNatGateway(new CreateNatGatewayRequest(subnet, eip.AllocationId, ConnectivityType: "regional")));

        Assert.Equal(("InvalidParameterCombination", "You cannot specify an Elastic IP address with a private NAT gateway."), (withAllocation.Code, withAllocation.Message));
        Assert.Equal(("MissingParameter", "The request must contain the parameter AllocationId"), (withoutAllocation.Code, withoutAllocation.Message));
        Assert.Equal(("InvalidParameterValue", "Value (regional) for parameter ConnectivityType is invalid. Valid values: private, public."), (unknownType.Code, unknownType.Message));
        Assert.Empty(Ec2.DescribeNatGateways());
        Assert.Null(Ec2.DescribeAddresses(DescribeRequest.ForIds(eip.AllocationId))[0].NetworkInterfaceId);
    }

    [Fact]
    public void RouteToNatGateway_IsActive_ThenBlackholeOnceDeleted_AndDetachWaitsForIt()
    {
        var gateway = Ec2.CreateInternetGateway();
        Ec2.AttachInternetGateway(gateway.InternetGatewayId, _cloud.Vpc.VpcId);
        var nat = Ec2.CreateNatGateway(new CreateNatGatewayRequest(_cloud.SubnetA.SubnetId, Ec2.AllocateAddress().AllocationId));
        var table = Ec2.CreateRouteTable(_cloud.Vpc.VpcId);
        Ec2.CreateRoute(new CreateRouteRequest(table.RouteTableId, "0.0.0.0/0", NatGatewayId: nat.NatGatewayId));
        Assert.Equal("active", Ec2.DescribeRouteTables(DescribeRequest.Where(new Filter("route.nat-gateway-id", nat.NatGatewayId)))[0].Routes[1].State);

        var detach = Throws(() => Ec2.DetachInternetGateway(gateway.InternetGatewayId, _cloud.Vpc.VpcId));
        Assert.Equal("DependencyViolation", detach.Code);
        Assert.Equal($"Network {_cloud.Vpc.VpcId} has some mapped public address(es). Please unmap those public address(es) before detaching the gateway.", detach.Message);

        Ec2.DeleteNatGateway(nat.NatGatewayId);
        _cloud.Time.Advance(Ec2Backend.NatGatewayDeleteDuration);
        Assert.Equal("blackhole", Ec2.DescribeRouteTables(DescribeRequest.ForIds(table.RouteTableId))[0].Routes[1].State);
        Ec2.DetachInternetGateway(gateway.InternetGatewayId, _cloud.Vpc.VpcId);
    }
}

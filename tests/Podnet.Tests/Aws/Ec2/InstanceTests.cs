using Podnet.Aws;
using Podnet.Aws.Ec2;
using Podnet.Tests.TestSupport;
using static Podnet.Tests.TestSupport.TestCloud;

namespace Podnet.Tests.Aws.Ec2;

public class InstanceTests
{
    private readonly TestCloud _cloud = new();

    private Ec2Backend Ec2 => _cloud.Ec2;

    private Instance Describe(string id) => Ec2.DescribeInstances(DescribeRequest.ForIds(id))[0].Instances[0];

    [Fact]
    public void RunInstances_GivesPrimaryInterfaceAndAddress()
    {
        var reservation = Ec2.RunInstances(new RunInstancesRequest("m5.large", _cloud.SubnetA.SubnetId, Tags: [new Tag("Name", "node-1")]));
        var launched = Assert.Single(reservation.Instances);

        Assert.Matches("^r-[0-9a-f]{17}$", reservation.ReservationId);
        Assert.Matches("^i-[0-9a-f]{17}$", launched.InstanceId);
        Assert.Equal("pending", launched.State.Name);

        // Launched while the account runs (no world began with it): pending until it has booted.
        Assert.Equal(("pending", 0), (Describe(launched.InstanceId).State.Name, Describe(launched.InstanceId).State.Code));
        _cloud.Time.Advance(Ec2.PendingDuration(launched.InstanceId));
        var instance = Describe(launched.InstanceId);
        Assert.Equal(("running", 16), (instance.State.Name, instance.State.Code));
        Assert.Equal("192.168.0.4", instance.PrivateIpAddress);
        Assert.Equal("ip-192-168-0-4.us-west-2.compute.internal", instance.PrivateDnsName);
        Assert.Equal("us-west-2a", instance.Placement.AvailabilityZone);
        Assert.Equal(_cloud.DefaultGroupId, Assert.Single(instance.SecurityGroups).GroupId);

        var primary = Assert.Single(instance.NetworkInterfaces);
        Assert.Equal((0, true), (primary.Attachment.DeviceIndex, primary.Attachment.DeleteOnTermination));
        Assert.Equal("interface", primary.InterfaceType);
        Assert.Equal(_cloud.Time.GetUtcNow() - Ec2.PendingDuration(launched.InstanceId), instance.LaunchTime);
    }

    [Fact]
    public void RunInstances_InASubnetThatMapsPublicIps_PrimaryInterfaceGetsAPublicAddress_UntilTerminated()
    {
        var privateOnly = Describe(_cloud.Run().InstanceId);
        Assert.Null(privateOnly.PublicIpAddress);
        Assert.Equal(string.Empty, privateOnly.PublicDnsName);
        Assert.Null(Assert.Single(privateOnly.NetworkInterfaces).Association);

        Ec2.ModifySubnetAttribute(_cloud.SubnetB.SubnetId, mapPublicIpOnLaunch: true, assignIpv6AddressOnCreation: null);
        var ids = Ec2.RunInstances(new RunInstancesRequest("m5.large", _cloud.SubnetB.SubnetId, MinCount: 2, MaxCount: 2)).Instances.Select(i => i.InstanceId).ToList();
        var instance = Describe(ids[0]);

        // One of Amazon's addresses (emulated by RFC 2544's 198.18.0.0/16), its name in the region's public domain, and
        // the primary interface's association owned by "amazon"; the other instance has another address.
        Assert.Matches(@"^198\.18\.\d+\.\d+$", instance.PublicIpAddress);
        Assert.Equal($"ec2-{instance.PublicIpAddress!.Replace('.', '-')}.us-west-2.compute.amazonaws.com", instance.PublicDnsName);
        var association = Assert.Single(instance.NetworkInterfaces).Association!;
        Assert.Equal((instance.PublicIpAddress, instance.PublicDnsName, "amazon", (string?)null), (association.PublicIp, association.PublicDnsName, association.IpOwnerId, association.AllocationId));
        Assert.NotEqual(instance.PublicIpAddress, Describe(ids[1]).PublicIpAddress);
        var eni = Ec2.DescribeNetworkInterfaces(DescribeRequest.Where(new Filter("association.public-ip", instance.PublicIpAddress)));
        Assert.Equal(instance.NetworkInterfaces[0].NetworkInterfaceId, Assert.Single(eni).NetworkInterfaceId);
        Assert.Equal(ids[0], Assert.Single(Ec2.DescribeInstances(DescribeRequest.Where(new Filter("ip-address", instance.PublicIpAddress)))).Instances.Single().InstanceId);

        // The address goes back to Amazon's pool with the instance.
        Ec2.TerminateInstances([ids[0]]);
        _cloud.Time.Advance(Ec2.ShuttingDownDuration(ids[0]));
        var terminated = Describe(ids[0]);
        Assert.Equal(("terminated", null, string.Empty), (terminated.State.Name, terminated.PublicIpAddress, terminated.PublicDnsName));
    }

    [Fact]
    public void ElasticIp_AssociatedWithAnInstance_TakesThePlaceOfItsLaunchAddress_DisassociatedItGetsANewOne()
    {
        Ec2.ModifySubnetAttribute(_cloud.SubnetB.SubnetId, mapPublicIpOnLaunch: true, assignIpv6AddressOnCreation: null);
        var id = _cloud.Run(subnet: _cloud.SubnetB).InstanceId;
        var launched = Describe(id).PublicIpAddress!;
        var eip = Ec2.AllocateAddress();

        var associationId = Ec2.AssociateAddress(eip.AllocationId, id, networkInterfaceId: null);

        Assert.Matches("^eipassoc-[0-9a-f]{17}$", associationId);
        var instance = Describe(id);
        Assert.Equal(eip.PublicIp, instance.PublicIpAddress);
        var association = instance.NetworkInterfaces[0].Association!;
        Assert.Equal((eip.PublicIp, "123456789012", eip.AllocationId, associationId), (association.PublicIp, association.IpOwnerId, association.AllocationId, association.AssociationId));
        var described = Ec2.DescribeAddresses(DescribeRequest.ForIds(eip.AllocationId))[0];
        Assert.Equal((id, instance.NetworkInterfaces[0].NetworkInterfaceId, instance.PrivateIpAddress), (described.InstanceId, described.NetworkInterfaceId, described.PrivateIpAddress));

        // In use: another association is refused without AllowReassociation, and so is releasing it.
        var other = _cloud.Run(subnet: _cloud.SubnetB).InstanceId;
        Assert.Equal("Resource.AlreadyAssociated", Assert.Throws<AwsException>(() => Ec2.AssociateAddress(eip.AllocationId, other, null)).Code);
        Assert.Equal("InvalidIPAddress.InUse", Assert.Throws<AwsException>(() => Ec2.ReleaseAddress(eip.AllocationId)).Code);

        Ec2.DisassociateAddress(associationId);

        var again = Describe(id).PublicIpAddress;
        Assert.Matches(@"^198\.18\.", again);
        Assert.NotEqual(launched, again);
        Assert.Null(Ec2.DescribeAddresses(DescribeRequest.ForIds(eip.AllocationId))[0].AssociationId);
        var missing = Assert.Throws<AwsException>(() => Ec2.DisassociateAddress(associationId));
        Assert.Equal(("InvalidAssociationID.NotFound", $"The association ID '{associationId}' does not exist"), (missing.Code, missing.Message));
    }

    [Fact]
    public void AssociateAddress_WithAnInstanceOfSeveralInterfaces_NeedsTheInterface()
    {
        var id = _cloud.Run().InstanceId;
        var eni = Ec2.CreateNetworkInterface(new CreateNetworkInterfaceRequest(_cloud.SubnetA.SubnetId));
        _cloud.Time.Advance(Ec2.PendingDuration(id));
        Ec2.AttachNetworkInterface(new AttachNetworkInterfaceRequest(eni.NetworkInterfaceId, id, 1));
        var eip = Ec2.AllocateAddress();

        var error = Assert.Throws<AwsException>(() => Ec2.AssociateAddress(eip.AllocationId, id, null));

        Assert.Equal(("InvalidInstanceID", $"There are multiple interfaces attached to instance '{id}'. Please specify an interface ID for the operation instead."), (error.Code, error.Message));
        Ec2.AssociateAddress(eip.AllocationId, null, eni.NetworkInterfaceId);
        Assert.Equal(eip.PublicIp, Ec2.DescribeNetworkInterfaces(DescribeRequest.ForIds(eni.NetworkInterfaceId))[0].Association!.PublicIp);
        Assert.Null(Describe(id).PublicIpAddress);
    }

    [Fact]
    public void RunInstances_PendingUntilItsBoot_ThenRunning_WithAnEmptyTransitionReason()
    {
        var launchedAt = _cloud.Time.GetUtcNow();
        var id = _cloud.Run().InstanceId;
        var boot = Ec2.PendingDuration(id);
        Assert.InRange(boot.TotalSeconds, 10, 20);

        var pending = Describe(id);
        Assert.Equal(("pending", 0, string.Empty, launchedAt), (pending.State.Name, pending.State.Code, pending.StateTransitionReason, pending.LaunchTime));
        Assert.Equal(launchedAt + boot, Ec2.NextInstanceTransition);
        Assert.Equal(launchedAt + boot, _cloud.Cloud.NextTransition);
        Assert.Single(Ec2.DescribeInstances(DescribeRequest.Where(new Filter("instance-state-name", "pending"))));

        _cloud.Time.Advance(boot - TimeSpan.FromMilliseconds(1));
        Assert.Equal("pending", Describe(id).State.Name);
        _cloud.Time.Advance(TimeSpan.FromMilliseconds(1));
        var running = Describe(id);
        Assert.Equal(("running", 16, string.Empty, launchedAt), (running.State.Name, running.State.Code, running.StateTransitionReason, running.LaunchTime));
        Assert.Null(Ec2.NextInstanceTransition);
    }

    [Fact]
    public void MarkUpUntil_InstancesAWorldBeganWith_RunFromTheirLaunch_LaterOnesBoot()
    {
        var own = _cloud.Run().InstanceId;
        Ec2.MarkUpUntil(_cloud.Time.GetUtcNow());
        _cloud.Time.Advance(TimeSpan.FromSeconds(1));
        var later = _cloud.Run().InstanceId;

        // Only the first moment counts: a cluster created later on a served account does not cut a boot short.
        Ec2.MarkUpUntil(_cloud.Time.GetUtcNow());

        Assert.Equal(("running", "pending"), (Describe(own).State.Name, Describe(later).State.Name));
    }

    [Fact]
    public void Terminate_APendingInstance_WasPending_AndTheReasonIsUserInitiated()
    {
        _cloud.Time.Advance(TimeSpan.FromSeconds(3));
        var id = _cloud.Run().InstanceId;

        var change = Assert.Single(Ec2.TerminateInstances([id]));

        Assert.Equal(("pending", "shutting-down"), (change.PreviousState.Name, change.CurrentState.Name));

        // EC2 shows it shutting-down (32) first, with the reason of a user's call, then terminated (48): before, this
        // test expected terminated at once, which EC2 never answers.
        var shuttingDown = Describe(id);
        Assert.Equal(("shutting-down", 32), (shuttingDown.State.Name, shuttingDown.State.Code));
        Assert.Equal("User initiated (2026-11-22 09:00:03 GMT)", shuttingDown.StateTransitionReason);
        Assert.Equal(new StateReason("Client.UserInitiatedShutdown", "Client.UserInitiatedShutdown: User initiated shutdown"), shuttingDown.StateReason);
        Assert.Equal(_cloud.Time.GetUtcNow() + Ec2.ShuttingDownDuration(id), Ec2.NextInstanceTransition);

        _cloud.Time.Advance(Ec2.ShuttingDownDuration(id));
        var terminated = Describe(id);
        Assert.Equal(("terminated", 48), (terminated.State.Name, terminated.State.Code));
        Assert.Equal(("User initiated (2026-11-22 09:00:03 GMT)", StateReason.UserInitiatedShutdown), (terminated.StateTransitionReason, terminated.StateReason));
        Assert.Null(Ec2.NextInstanceTransition);
        _cloud.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal("terminated", Describe(id).State.Name);
    }

    [Fact]
    public void RunInstances_UnknownType_IsInvalidParameterValue()
    {
        var error = Throws(() => Ec2.RunInstances(new RunInstancesRequest("m5.larg", _cloud.SubnetA.SubnetId)));
        Assert.Equal("InvalidParameterValue", error.Code);
        Assert.Equal("Invalid value 'm5.larg' for InstanceType.", error.Message);
    }

    [Fact]
    public void RunInstances_UnknownGroup_NamesTheVpc()
    {
        var error = Throws(() => Ec2.RunInstances(new RunInstancesRequest("m5.large", _cloud.SubnetA.SubnetId, SecurityGroupIds: ["sg-0123456789abcdef0"])));
        Assert.Equal("InvalidGroup.NotFound", error.Code);
        Assert.Equal($"The security group 'sg-0123456789abcdef0' does not exist in VPC '{_cloud.Vpc.VpcId}'", error.Message);
    }

    [Fact]
    public void RunInstances_LaunchesWhatFits_DownToMinCount()
    {
        var small = Ec2.CreateSubnet(new CreateSubnetRequest(_cloud.Vpc.VpcId, "192.168.5.0/28", "us-west-2a"));
        var reservation = Ec2.RunInstances(new RunInstancesRequest("m5.large", small.SubnetId, MinCount: 5, MaxCount: 20));
        Assert.Equal(11, reservation.Instances.Count);

        var error = Throws(() => Ec2.RunInstances(new RunInstancesRequest("m5.large", small.SubnetId)));
        Assert.Equal("InsufficientFreeAddressesInSubnet", error.Code);
        Assert.Equal($"There are not enough free addresses in subnet '{small.SubnetId}' to satisfy the requested number of instances.", error.Message);
    }

    [Fact]
    public void Terminate_DeletesDeleteOnTerminationInterfaces_AndKeepsOthers()
    {
        var instance = _cloud.Run();
        var kept = Ec2.CreateNetworkInterface(new CreateNetworkInterfaceRequest(_cloud.SubnetA.SubnetId));
        Ec2.AttachNetworkInterface(new AttachNetworkInterfaceRequest(kept.NetworkInterfaceId, instance.InstanceId, 1));
        var freeBefore = _cloud.Subnet(_cloud.SubnetA.SubnetId).AvailableIpAddressCount;

        _cloud.Time.Advance(Ec2.PendingDuration(instance.InstanceId));
        var change = Assert.Single(Ec2.TerminateInstances([instance.InstanceId]));
        Assert.Equal(("running", "shutting-down"), (change.PreviousState.Name, change.CurrentState.Name));

        // While it shuts down its interfaces stay attached and hold their addresses; they go when it is terminated.
        Assert.Equal(2, Describe(instance.InstanceId).NetworkInterfaces.Count);
        Assert.Equal("in-use", _cloud.Eni(kept.NetworkInterfaceId).Status);
        _cloud.Time.Advance(Ec2.ShuttingDownDuration(instance.InstanceId) - TimeSpan.FromMilliseconds(1));
        Assert.Equal(freeBefore, _cloud.Subnet(_cloud.SubnetA.SubnetId).AvailableIpAddressCount);
        _cloud.Time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal("terminated", Describe(instance.InstanceId).State.Name);
        Assert.Empty(Describe(instance.InstanceId).NetworkInterfaces);
        Assert.Equal("InvalidNetworkInterfaceID.NotFound", Throws(() => _cloud.Eni(instance.NetworkInterfaces[0].NetworkInterfaceId)).Code);
        var survivor = _cloud.Eni(kept.NetworkInterfaceId);
        Assert.Equal("available", survivor.Status);
        Assert.Null(survivor.Attachment);
        Assert.Equal(freeBefore + 1, _cloud.Subnet(_cloud.SubnetA.SubnetId).AvailableIpAddressCount);
    }

    [Fact]
    public void Terminate_TrunkGoes_BranchesLeakAsAvailable()
    {
        var instance = _cloud.Run();
        var trunk = Ec2.CreateNetworkInterface(new CreateNetworkInterfaceRequest(_cloud.SubnetA.SubnetId, InterfaceType: "trunk"));
        var attachmentId = Ec2.AttachNetworkInterface(new AttachNetworkInterfaceRequest(trunk.NetworkInterfaceId, instance.InstanceId, 2));
        Ec2.ModifyNetworkInterfaceAttribute(new ModifyNetworkInterfaceAttributeRequest(trunk.NetworkInterfaceId, AttachmentId: attachmentId, DeleteOnTermination: true));
        var branches = Enumerable.Range(1, 3).Select(vlan =>
        {
            var branch = Ec2.CreateNetworkInterface(new CreateNetworkInterfaceRequest(_cloud.SubnetA.SubnetId, Description: "aws-k8s-branch-eni", InterfaceType: "branch"));
            Ec2.AssociateTrunkInterface(new AssociateTrunkInterfaceRequest(branch.NetworkInterfaceId, trunk.NetworkInterfaceId, vlan));
            return branch.NetworkInterfaceId;
        }).ToList();

        Ec2.TerminateInstances([instance.InstanceId]);
        _cloud.Time.Advance(Ec2.ShuttingDownDuration(instance.InstanceId));

        Assert.Equal("InvalidNetworkInterfaceID.NotFound", Throws(() => _cloud.Eni(trunk.NetworkInterfaceId)).Code);
        Assert.Empty(Ec2.DescribeTrunkInterfaceAssociations());
        var leaked = Ec2.DescribeNetworkInterfaces(DescribeRequest.Where(new Filter("interface-type", "branch"), new Filter("status", "available")));
        Assert.Equal(branches.Order(), leaked.Select(e => e.NetworkInterfaceId).Order());

        // The leaked branches still hold their addresses until someone deletes them.
        Assert.Equal(251 - 3, _cloud.Subnet(_cloud.SubnetA.SubnetId).AvailableIpAddressCount);
    }

    [Fact]
    public void Terminate_Twice_IsHarmless_UnknownIdIsNotFound()
    {
        var instance = _cloud.Run();
        var first = Ec2.TerminateInstances([instance.InstanceId])[0];

        // Asked again while it shuts down, EC2 answers shutting-down to shutting-down; once terminated, terminated to
        // terminated, and the shutting-down does not start over.
        var again = Ec2.TerminateInstances([instance.InstanceId])[0];
        Assert.Equal(("pending", "shutting-down", "shutting-down", "shutting-down"), (first.PreviousState.Name, first.CurrentState.Name, again.PreviousState.Name, again.CurrentState.Name));
        _cloud.Time.Advance(Ec2.ShuttingDownDuration(instance.InstanceId));
        var late = Ec2.TerminateInstances([instance.InstanceId])[0];
        Assert.Equal(("terminated", "terminated"), (late.PreviousState.Name, late.CurrentState.Name));
        Assert.Equal("InvalidInstanceID.NotFound", Throws(() => Ec2.TerminateInstances([instance.InstanceId, "i-00000000000000000"])).Code);
    }

    [Fact]
    public void Attach_ToShuttingDownOrTerminatedInstance_IsIncorrectInstanceState()
    {
        var instance = _cloud.Run();
        Ec2.TerminateInstances([instance.InstanceId]);
        var eni = Ec2.CreateNetworkInterface(new CreateNetworkInterfaceRequest(_cloud.SubnetA.SubnetId));
        var shuttingDown = Throws(() => Ec2.AttachNetworkInterface(new AttachNetworkInterfaceRequest(eni.NetworkInterfaceId, instance.InstanceId, 1)));
        Assert.Equal(("IncorrectInstanceState", $"The instance '{instance.InstanceId}' is not in a valid state for this operation (state: shutting-down)."), (shuttingDown.Code, shuttingDown.Message));
        _cloud.Time.Advance(Ec2.ShuttingDownDuration(instance.InstanceId));
        var terminated = Throws(() => Ec2.AttachNetworkInterface(new AttachNetworkInterfaceRequest(eni.NetworkInterfaceId, instance.InstanceId, 1)));
        Assert.Equal(("IncorrectInstanceState", $"The instance '{instance.InstanceId}' is not in a valid state for this operation (state: terminated)."), (terminated.Code, terminated.Message));
    }

    [Fact]
    public void DescribeInstances_FiltersByStateAndType()
    {
        var a = _cloud.Run("m5.large");
        var b = _cloud.Run("t3.medium", _cloud.SubnetB);
        Ec2.TerminateInstances([a.InstanceId]);
        _cloud.Time.Advance(Ec2.PendingDuration(b.InstanceId));

        var running = Ec2.DescribeInstances(DescribeRequest.Where(new Filter("instance-state-name", "running"))).SelectMany(r => r.Instances);
        Assert.Equal(b.InstanceId, Assert.Single(running).InstanceId);
        Assert.Single(Ec2.DescribeInstances(DescribeRequest.Where(new Filter("instance-type", "m5.*"))));
    }

    [Fact]
    public void DescribeInstances_FiltersByInterfacePrivateDnsName()
    {
        var a = _cloud.Run("m5.large");
        _cloud.Run("m5.large");

        var found = Ec2.DescribeInstances(DescribeRequest.Where(new Filter("network-interface.private-dns-name", a.PrivateDnsName))).SelectMany(r => r.Instances);
        Assert.Equal(a.InstanceId, Assert.Single(found).InstanceId);
        Assert.Empty(Ec2.DescribeInstances(DescribeRequest.Where(new Filter("network-interface.private-dns-name", "ip-10-9-9-9.us-west-2.compute.internal"))));
    }

    [Fact]
    public void DescribeInstanceTypes_FromTheData_UnknownIsRejected()
    {
        var m5 = Assert.Single(Ec2.DescribeInstanceTypes(["m5.large"]));
        Assert.Equal((3, 10, true, 9), (m5.MaximumNetworkInterfaces, m5.Ipv4AddressesPerInterface, m5.IsTrunkingCompatible, m5.BranchInterfaces));
        var error = Throws(() => Ec2.DescribeInstanceTypes(["m5.large", "m9.huge"]));
        Assert.Equal("InvalidInstanceType", error.Code);
        Assert.Equal("The following supplied instance types do not exist: [m9.huge]", error.Message);
    }
}

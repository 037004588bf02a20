using Podnet.Kube.Views;
using Podnet.Tests.TestSupport;

namespace Podnet.Tests.Aws.Ec2;

/// <summary>
/// EC2's texts where users read them: each path shows the code and message EC2 returns for the call it makes, the
/// same in <c>run</c> (events, ipamd's log) and <c>lint</c>.
/// </summary>
public class Ec2ErrorsTests
{
    private const string RequestId = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

    private const string PrefixDelegation = """
        apiVersion: aws.podnet.dev/v1alpha1
        kind: Addon
        metadata: {name: vpc-cni}
        spec:
          AddonName: vpc-cni
          ConfigurationValues:
            env:
              ENABLE_PREFIX_DELEGATION: "true"
        """;

    [Fact]
    public void PrefixDelegation_NoFreeSlash28_IsInsufficientCidrBlocks_InIpamdsLog()
    {
        // A /28 subnet: AWS keeps five of its addresses, so no aligned /28 prefix is free.
        using var scenario = new ScenarioWorld("subnet-exhaustion", null, PrefixDelegation);
        var (exit, run, _) = PodnetCli.Run("run", scenario.Directory);

        Assert.Equal(0, exit);
        Assert.Matches(
            $@"\nfailed to allocate all available IPv4 Prefixes on ENI eni-[0-9a-f]{{17}}, err: operation error EC2: AssignPrivateIpAddresses, https response error StatusCode: 400, RequestID: {RequestId}, api error InsufficientCidrBlocks: The specified subnet does not have enough free cidr blocks to satisfy the request\.\n",
            run);
        Assert.Contains("\nUnable to attach IPs/Prefixes for the ENI, subnet doesn't seem to have enough IPs/Prefixes. Consider using new subnet or carve a reserved range using create-subnet-cidr-reservation\n", run, StringComparison.Ordinal);
        Assert.Contains("ContainerCreating", run, StringComparison.Ordinal);
    }

    [Fact]
    public void SubnetWithoutAddressesForAnInterface_IsInsufficientFreeAddressesInSubnet_NotRunInstancesText()
    {
        using var scenario = new ScenarioWorld("subnet-exhaustion");
        var (_, run, _) = PodnetCli.Run("run", scenario.Directory);

        Assert.Matches(
            $@"\nFailed to increase pool size due to not able to allocate ENI AllocENI: failed to create ENI: failed to create network interface: operation error EC2: CreateNetworkInterface, https response error StatusCode: 400, RequestID: {RequestId}, api error InsufficientFreeAddressesInSubnet: The specified subnet does not have enough free addresses to satisfy the request\.\n",
            run);
        Assert.DoesNotContain("to satisfy the requested number of instances", run, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingSecurityGroup_IsInvalidSecurityGroupIdNotFound_InDescribeAndLint()
    {
        using var scenario = new ScenarioWorld("sgp-missing-group");
        var (_, run, _) = PodnetCli.Run("run", scenario.Directory);
        var (lintExit, lint, _) = PodnetCli.Run("lint", scenario.Directory);

        // run: the pod's describe names the call and EC2's answer to it.
        Assert.Contains("$ kubectl describe pod -n default my-pod\n", run, StringComparison.Ordinal);
        Assert.Matches(
            $@"Warning +BranchAllocationFailed +\S+ +vpc-resource-controller +failed to allocate branch ENI to pod: creating network interface, operation error EC2: CreateNetworkInterface, https response error StatusCode: 400, RequestID: {RequestId}, api error InvalidSecurityGroupID\.NotFound: The securityGroup ID 'sg-abc123' does not exist\n",
            run);

        // lint: the same code and message, not the describe-security-groups one (InvalidGroup.NotFound).
        Assert.Equal(1, lintExit);
        Assert.Contains("with InvalidSecurityGroupID.NotFound: The securityGroup ID 'sg-abc123' does not exist\n", lint, StringComparison.Ordinal);
        Assert.DoesNotContain("InvalidGroup.NotFound", lint + run, StringComparison.Ordinal);
    }

    [Fact]
    public void EniConfigWithAMissingGroup_IsInvalidSecurityGroupIdNotFound_InIpamdsLogAndLint()
    {
        // The us-west-2a ENIConfig names a group that does not exist: ipamd's CreateNetworkInterface is refused.
        using var scenario = new ScenarioWorld("custom-networking", text => text.Replace(
            "  securityGroups: [sg-0c1d2e3f4a5b6c7d8]\n  subnet: subnet-0a1b2c3d4e5f60a01\n",
            "  securityGroups: [sg-0123456789abcdef0]\n  subnet: subnet-0a1b2c3d4e5f60a01\n",
            StringComparison.Ordinal));
        var (_, run, _) = PodnetCli.Run("run", scenario.Directory);
        var (_, lint, _) = PodnetCli.Run("lint", scenario.Directory);

        Assert.Matches(
            $@"\nFailed to increase pool size due to not able to allocate ENI AllocENI: failed to create ENI: failed to create network interface: operation error EC2: CreateNetworkInterface, https response error StatusCode: 400, RequestID: {RequestId}, api error InvalidSecurityGroupID\.NotFound: The securityGroup ID 'sg-0123456789abcdef0' does not exist\n",
            run);
        Assert.Contains("ENIConfig us-west-2a  [security-group-not-found]\n", lint, StringComparison.Ordinal);
        Assert.Contains("with InvalidSecurityGroupID.NotFound: The securityGroup ID 'sg-0123456789abcdef0' does not exist\n", lint, StringComparison.Ordinal);
    }
}

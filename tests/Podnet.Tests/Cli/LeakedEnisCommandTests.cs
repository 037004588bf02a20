using Podnet.Tests.TestSupport;

namespace Podnet.Tests.Cli;

public class LeakedEnisCommandTests
{
    [Fact]
    public void DeletingTheCluster_LeavesTheBranchInterfaces_AndDeleteRemovesThem()
    {
        var world = Path.Combine(PodnetCli.Examples(), "security-groups-for-pods");
        var (exit, output, _) = PodnetCli.Run("leaked-enis", world, "--delete-cluster", "--delete");

        Assert.Equal(0, exit);
        var lines = output.Split('\n');
        Assert.Equal(4, lines.Count(l => l.StartsWith("eni-", StringComparison.Ordinal) && l.Contains(" branch ", StringComparison.Ordinal) && l.EndsWith("eks-vpc-resource-controller", StringComparison.Ordinal)));
        Assert.Equal(4, lines.Count(l => l.StartsWith("$ aws ec2 delete-network-interface --network-interface-id eni-", StringComparison.Ordinal)));
        Assert.Contains("$ aws eks delete-cluster --name podnet", lines);
    }

    [Fact]
    public void RunningCluster_LeaksNothing()
    {
        var (exit, output, _) = PodnetCli.Run("leaked-enis", Path.Combine(PodnetCli.Examples(), "security-groups-for-pods"));
        Assert.Equal(0, exit);
        Assert.Contains("No leaked network interfaces.", output, StringComparison.Ordinal);
    }
}

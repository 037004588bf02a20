using System.Text.RegularExpressions;

namespace Podnet.Tests.Examples;

/// <summary>examples/sequences/run.sh: behaviours that take several steps, with the real kubectl and aws CLI.</summary>
public class SequenceScriptTests
{
    [Fact]
    public void SetEnvRollsAwsNodeOut_GroupInUseNotDeleted_PolicyForLaterPods_BranchAfterCooldown_EniConfigForNewInterfaces()
    {
        var (exit, transcript) = SeedScript.Run("sequences", TimeSpan.FromMinutes(9));

        Assert.True(exit == 0, transcript);
        var lines = transcript.Split('\n');

        // The env change replaced every aws-node pod with one that has it.
        Assert.Contains("daemon set \"aws-node\" successfully rolled out", lines);
        Assert.Contains("aws-node pods kept: 0 of 3", lines);
        var env = lines.SkipWhile(l => !l.Contains("ENABLE_POD_ENI\")].value}", StringComparison.Ordinal)).Skip(1).TakeWhile(l => !l.StartsWith('$')).ToList();
        Assert.Equal(["true", "true", "true"], env);

        // The pod's branch interface holds the group: EC2 refuses to delete it, and the pod keeps running.
        Assert.Contains(lines, l => Regex.IsMatch(l, @"^\|\s+eni-[0-9a-f]{17}\s+\|\s+192\.168\.\d+\.\d+\s+\|\s+branch\s+\|$"));
        Assert.Contains(lines, l => Regex.IsMatch(l, @"^An error occurred \(DependencyViolation\) when calling the DeleteSecurityGroup operation: resource sg-[0-9a-f]{17} has a dependent object$"));
        Assert.Contains("delete-security-group exited 255", lines);
        Assert.Contains(lines, l => Regex.IsMatch(l, @"^in-use\s+1/1\s+Running\s"));

        // The policy applied after "early" started leaves it alone; "late", created after it, has a branch interface.
        Assert.Contains(lines, l => Regex.IsMatch(l, @"^early\s+192\.168\.\d+\.\d+\s+<none>$"));
        Assert.Contains(lines, l => Regex.IsMatch(l, "^late\\s+192\\.168\\.\\d+\\.\\d+\\s+\\[\\{\"eniId\":\"eni-[0-9a-f]{17}\""));

        // The deleted pod's branch interface stays through the cooldown (late-2 on the same node gets VLAN 2), then is
        // deleted, and its VLAN is free again (late-3 gets VLAN 1).
        var sleep = Array.IndexOf(lines, "$ sleep 65");
        Assert.True(sleep > 0, transcript);
        Assert.Equal("in-use", lines[sleep - 1]);
        Assert.Contains(lines.Skip(sleep), l => Regex.IsMatch(l, @"^An error occurred \(InvalidNetworkInterfaceID\.NotFound\) when calling the DescribeNetworkInterfaces operation: The networkInterface ID 'eni-[0-9a-f]{17}' does not exist$"));
        // Which VLAN "late" had depends on which node it landed on (the lowest free there); late-2 and late-3 are
        // pinned to that node: late-2 gets another VLAN while late's cools down, late-3 gets late's again.
        static int Vlan(string line) => int.Parse(Regex.Match(line, "\"vlanId\":(\\d+),").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        var lateVlan = Vlan(lines.First(l => Regex.IsMatch(l, "^late\\s+192\\.168\\.")));
        Assert.NotEqual(lateVlan, Vlan(lines.First(l => l.StartsWith("late-2 ", StringComparison.Ordinal))));
        Assert.Equal(lateVlan, Vlan(lines.First(l => l.StartsWith("late-3 ", StringComparison.Ordinal))));

        // The nodes' branch interface capacity (3 m5.large × 9) is the limit of pods with security groups: one more is Pending.
        Assert.Contains("branch interfaces: 3 of 27 in use", lines);
        Assert.Contains("pods of many Running: 24, Pending: 1", lines);
        Assert.Contains(lines, l => Regex.IsMatch(l, @"Warning\s+FailedScheduling\s+.*default-scheduler\s+0/3 nodes are available: 3 Insufficient vpc\.amazonaws\.com/pod-eni\.$"));

        // An ENIConfig named on running nodes serves only the interfaces attached afterwards: the old interfaces keep
        // giving addresses of the nodes' subnets; once the node group is replaced, every pod is in the new block.
        var blocks = lines.Where(l => l.StartsWith("fill pods by address block: ", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, blocks.Count);
        var before = Regex.Match(blocks[0], @"^fill pods by address block: (\d+) 100\.64 (\d+) 192\.168$");
        Assert.True(before.Success, blocks[0]);
        Assert.True(int.Parse(before.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) > 0 && int.Parse(before.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture) > 0, blocks[0]);
        Assert.Equal("fill pods by address block: 40 100.64", blocks[1]);
    }
}

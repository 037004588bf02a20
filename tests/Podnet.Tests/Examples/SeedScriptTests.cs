namespace Podnet.Tests.Examples;

/// <summary>
/// The seed tutorials as executable examples (examples/seed-*/run.sh), run with the real kubectl and aws against
/// <c>podnet up</c>, checked for the outputs the seeds show.
/// </summary>
public class SeedScriptTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(8);

    [Fact]
    public void Seed000_SecurityGroupsForPods_AsTheSeedShows()
    {
        var (exit, transcript) = SeedScript.Run("seed-000-security-groups-for-pods", Timeout);

        Assert.True(exit == 0, transcript);
        var lines = transcript.Split('\n');

        // The role the seed attaches the resource controller's policy to, and the trunk label on every node.
        Assert.Contains("arn:aws:iam::123456789012:role/podnet-cluster-role", lines);
        Assert.Contains("daemonset.apps/aws-node env updated", lines);
        var trunkNodes = lines.SkipWhile(l => !l.StartsWith("$ kubectl get nodes -o wide -l vpc.amazonaws.com/has-trunk-attached=true", StringComparison.Ordinal)).Skip(1).TakeWhile(l => !l.StartsWith("$ ", StringComparison.Ordinal)).ToList();
        Assert.Equal(4, trunkNodes.Count(l => l.Length > 0));

        // Four pods Running 1/1 with VPC addresses; the first carries its branch interface in the pod-eni annotation.
        Assert.Equal(4, lines.Count(l => l.StartsWith("my-deployment-", StringComparison.Ordinal) && System.Text.RegularExpressions.Regex.IsMatch(l, @"\s1/1\s+Running\s+0\s+\S+\s+192\.168\.")));
        var annotation = Array.FindIndex(lines, l => l.StartsWith("Annotations:", StringComparison.Ordinal) && l.EndsWith("vpc.amazonaws.com/pod-eni:", StringComparison.Ordinal));
        Assert.True(annotation > 0, transcript);
        Assert.StartsWith("[{\"eniId\":\"eni-", lines[annotation + 1].Trim(), StringComparison.Ordinal);
        Assert.Contains(lines, l => System.Text.RegularExpressions.Regex.IsMatch(l, @"Normal\s+SecurityGroupRequested\s+.*vpc-resource-controller\s+Pod will get the following Security Groups \[sg-"));

        // curl my-app answers before the revoke; after it, the name no longer resolves while a pod's IP answers.
        var revoke = Array.FindIndex(lines, l => l.StartsWith("$ aws ec2 revoke-security-group-ingress", StringComparison.Ordinal));
        Assert.True(revoke > 0, transcript);
        Assert.Contains(lines.Take(revoke), l => l.Contains("<title>Welcome to nginx!</title>", StringComparison.Ordinal));
        Assert.Contains(lines.Skip(revoke), l => l == "curl: (6) Could not resolve host: my-app");
        Assert.Contains(lines.Skip(revoke), l => l.Contains("<title>Welcome to nginx!</title>", StringComparison.Ordinal));
        Assert.Contains("namespace \"my-namespace\" deleted", lines);
    }
}

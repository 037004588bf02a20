using System.Text.Json.Nodes;
using Podnet.Aws.Iam;
using Podnet.Cli.Output;
using Podnet.Kube.Api;
using Podnet.Lint;
using Podnet.Tests.TestSupport;

namespace Podnet.Tests.Lint;

/// <summary>
/// A cluster role without AmazonEKSVPCResourceController (seed 000): what the resource controller says shows where a
/// user reads — the node's events and the pod's describe in <c>run</c>'s text — and <c>lint</c> names the policy
/// and its fix.
/// </summary>
public class ClusterRolePoliciesTests
{
    private const string SgExample = "security-groups-for-pods";

    private const string RoleWithoutThePolicy = """
        apiVersion: aws.podnet.dev/v1alpha1
        kind: Role
        metadata: {name: eksClusterRole}
        spec:
          ManagedPolicies: [AmazonEKSClusterPolicy]
        """;

    private static string WithClusterRole(string text)
        => text.Replace("  Version: \"1.31\"\n", "  Version: \"1.31\"\n  Role: eksClusterRole\n", StringComparison.Ordinal);

    [Fact]
    public void MissingPolicyFromTheStart_NodesEventsInRun_PodsPendingForPodEni_LintNamesThePolicy()
    {
        using var scenario = new ScenarioWorld(SgExample, WithClusterRole, RoleWithoutThePolicy);
        var (exit, run, _) = PodnetCli.Run("run", scenario.Directory);
        Assert.Equal(0, exit);

        // Every node: its describe in the text output, with the controller's event and its hint.
        var world = scenario.Load();
        foreach (var node in world.ControlPlane.Store.List("v1", "Node").Items)
        {
            var describe = run[run.IndexOf($"$ kubectl describe node {node.Name}\n", StringComparison.Ordinal)..];
            describe = describe[..describe.IndexOf("\n\n", StringComparison.Ordinal)];
            Assert.Matches(
                @"\n  Warning +TrunkENICreationFailed +\S+( \(x\d+ over \S+\))? +vpc-resource-controller +Failed to create trunk interface: Error Code: UnauthorizedOperation: Please verify the cluster IAM role has AmazonEKSVPCResourceController policy(\n|$)",
                describe);
            Assert.Matches(@"\n  Normal +NodeTrunkFailedInit +\S+( \(x\d+ over \S+\))? +vpc-resource-controller +The node failed initializing trunk interface(\n|$)", describe);
            Assert.DoesNotContain("vpc.amazonaws.com/pod-eni", describe, StringComparison.Ordinal);
        }

        // The pods: no node offers vpc.amazonaws.com/pod-eni, as the scheduler says in their describe.
        Assert.Contains("$ kubectl describe pod -n my-namespace my-deployment-", run, StringComparison.Ordinal);
        Assert.Contains("default-scheduler  0/3 nodes are available: 3 Insufficient vpc.amazonaws.com/pod-eni.", run, StringComparison.Ordinal);

        var (lintExit, lint, _) = PodnetCli.Run("lint", scenario.Directory);
        Assert.Equal(1, lintExit);
        Assert.Contains(
            "error  Role eksClusterRole  [cluster-role-without-vpc-resource-controller-policy]\n"
            + "  the cluster podnet's role has no AmazonEKSVPCResourceController policy (ec2:CreateNetworkInterface, ec2:AttachNetworkInterface, ec2:ModifyNetworkInterfaceAttribute denied), so the VPC resource controller cannot create trunk or branch interfaces: nodes get Warning TrunkENICreationFailed and no vpc.amazonaws.com/pod-eni capacity (pods with security groups stay Pending), and pods on a node with a trunk stay ContainerCreating with \"Insufficient permissions: Unable to create Elastic Network Interface.\"\n"
            + "  fix: `aws iam attach-role-policy --policy-arn arn:aws:iam::aws:policy/AmazonEKSVPCResourceController --role-name eksClusterRole` (in a world: add AmazonEKSVPCResourceController to the Role's ManagedPolicies)\n",
            lint,
            StringComparison.Ordinal);
    }

    [Fact]
    public void PolicyDetachedAfterTheTrunks_NewPodsDescribeSaysInsufficientPermissions_AndLintAgrees()
    {
        var world = ExampleWorlds.Load(SgExample);
        var cloud = world.Cloud!;
        var roleName = cloud.Iam.RoleNameOf(world.Cluster!.RoleArn)!;
        Assert.DoesNotContain(WorldLint.Run(world), f => f.Check == ClusterRolePolicies.Id);

        cloud.Iam.DetachRolePolicy(roleName, ManagedPolicy.AmazonEKSVPCResourceController.Arn);
        world.ControlPlane.Store.Create(KubeObject.From(JsonNode.Parse("""
            {"apiVersion":"v1","kind":"Pod","metadata":{"name":"late","namespace":"my-namespace","labels":{"role":"my-role"}},
             "spec":{"containers":[{"name":"nginx","image":"public.ecr.aws/nginx/nginx:1.23"}]}}
            """)!.AsObject()));
        world.Settle(TimeSpan.FromMinutes(2));

        // The pod is scheduled (its node has a trunk) but waits: the controller may not create its branch.
        var text = WorldText.Render(world);
        var describe = text[text.IndexOf("$ kubectl describe pod -n my-namespace late\n", StringComparison.Ordinal)..];
        Assert.Contains("    State:          Waiting\n      Reason:       ContainerCreating\n", describe, StringComparison.Ordinal);
        Assert.Matches(
            @"\n  Warning +BranchAllocationFailed +\S+( \(x\d+ over \S+\))? +vpc-resource-controller +failed to allocate branch ENI to pod: Insufficient permissions: Unable to create Elastic Network Interface\.\n",
            describe);

        var finding = Assert.Single(WorldLint.Run(world), f => f.Check == ClusterRolePolicies.Id);
        Assert.Equal(($"Role {roleName}", LintSeverity.Error), (finding.Object, finding.Severity));
        Assert.Contains($"--role-name {roleName}", finding.Fix, StringComparison.Ordinal);
    }
}

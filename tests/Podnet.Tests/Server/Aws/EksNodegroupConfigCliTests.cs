using Podnet.Tests.TestSupport;

namespace Podnet.Tests.Server.Aws;

/// <summary>
/// <c>aws eks update-nodegroup-config</c> through the real aws CLI against <c>podnet up</c> (the default world, on a
/// held clock): the CLI's shorthand for labels, taints and sizes arrives as EKS's members, <c>describe-update
/// --nodegroup-name</c> follows the <c>ConfigUpdate</c>, and kubectl sees the label on the running nodes.
/// </summary>
public sealed class EksNodegroupConfigCliTests : IClassFixture<HeldClockServedWorld>
{
    private readonly HeldClockServedWorld _world;

    public EksNodegroupConfigCliTests(HeldClockServedWorld world)
    {
        _world = world;
    }

    [Fact]
    public async Task UpdateNodegroupConfig_ThroughTheCli_ConfigUpdate_GroupUpdating_NodesLabelled()
    {
        var id = _world.AwsOk("eks", "update-nodegroup-config", "--cluster-name", "podnet", "--nodegroup-name", "ng-1",
            "--labels", "addOrUpdateLabels={team=payments}",
            "--taints", "addOrUpdateTaints=[{key=dedicated,value=payments,effect=PREFER_NO_SCHEDULE}]",
            "--scaling-config", "minSize=1,maxSize=6,desiredSize=3",
            "--query", "update.id", "--output", "text").Trim();

        Assert.Equal(
            "InProgress\tConfigUpdate\tLabelsToAdd,TaintsToAdd,MinSize,MaxSize,DesiredSize",
            _world.AwsOk("eks", "describe-update", "--name", "podnet", "--nodegroup-name", "ng-1", "--update-id", id, "--query", "update.[status,type,join(',', params[].type)]", "--output", "text").Trim());
        Assert.Equal(id, _world.AwsOk("eks", "list-updates", "--name", "podnet", "--nodegroup-name", "ng-1", "--query", "updateIds[0]", "--output", "text").Trim());
        Assert.Equal("None", _world.AwsOk("eks", "list-updates", "--name", "podnet", "--query", "updateIds[0]", "--output", "text").Trim());
        Assert.Equal(
            "UPDATING\t6\tpayments\tdedicated\tPREFER_NO_SCHEDULE\t1",
            _world.AwsOk("eks", "describe-nodegroup", "--cluster-name", "podnet", "--nodegroup-name", "ng-1", "--query", "nodegroup.[status,scalingConfig.maxSize,labels.team,taints[0].key,taints[0].effect,updateConfig.maxUnavailable]", "--output", "text").Trim());

        await _world.WaitUntil(store => store.List("v1", "Node").Items.Count(n => n.Label("team") == "payments") == 3, "the running nodes take the label");
        var labelled = _world.KubectlOk("1.31", "get", "nodes", "-l", "team=payments", "-o", "jsonpath={range .items[*]}{.spec.taints[?(@.key==\"dedicated\")].effect}{\"\\n\"}{end}");
        Assert.Equal(["PreferNoSchedule", "PreferNoSchedule", "PreferNoSchedule"], labelled.Split('\n', StringSplitOptions.RemoveEmptyEntries));

        _world.Clock.Advance(Podnet.Aws.Eks.EksLifecycle.NodegroupConfigUpdating);
        Assert.Equal("Successful", _world.AwsOk("eks", "describe-update", "--name", "podnet", "--nodegroup-name", "ng-1", "--update-id", id, "--query", "update.status", "--output", "text").Trim());
        var (exit, _, error) = _world.Aws("eks", "update-nodegroup-config", "--cluster-name", "podnet", "--nodegroup-name", "ng-1", "--scaling-config", "minSize=4");
        Assert.Equal((255, "An error occurred (InvalidParameterException) when calling the UpdateNodegroupConfig operation: Minimum capacity 4 can't be greater than desired size 3"), (exit, error.Trim()));
    }

    [Fact]
    public void CreateNodegroup_ThroughTheCli_TakesDiskSizeAndUpdateConfig_RefusesWhatIsNotEmulated()
    {
        var (role, subnet) = _world.Server.Cluster.Read(() =>
        {
            var cloud = _world.Server.Cluster.World.Cloud!;
            return (cloud.Eks.DescribeNodegroup("podnet", "ng-1").NodeRole, cloud.Ec2Backend.DescribeSubnets().First(s => s.CidrBlock == "192.168.96.0/19").SubnetId);
        });
        string[] Create(string name, params string[] more) => ["eks", "create-nodegroup", "--cluster-name", "podnet", "--nodegroup-name", name, "--node-role", role, "--subnets", subnet, "--instance-types", "m5.large", .. more];

        Assert.Equal(
            "50\t2\tON_DEMAND\t1.31",
            _world.AwsOk([.. Create("sized", "--disk-size", "50", "--update-config", "maxUnavailable=2", "--capacity-type", "ON_DEMAND", "--kubernetes-version", "1.31"), "--query", "nodegroup.[diskSize,updateConfig.maxUnavailable,capacityType,version]", "--output", "text"]).Trim());

        (string, string) Refusal(params string[] more)
        {
            var (exit, _, error) = _world.Aws(Create("refused", more));
            Assert.Equal(255, exit);
            return ("CreateNodegroup", error.Trim());
        }

        Assert.Equal(("CreateNodegroup", "An error occurred (InvalidParameterException) when calling the CreateNodegroup operation: Podnet's CreateNodegroup does not emulate launchTemplate"), Refusal("--launch-template", "name=my-template"));
        Assert.Equal(("CreateNodegroup", "An error occurred (InvalidParameterException) when calling the CreateNodegroup operation: capacityType SPOT is not emulated by Podnet: its node groups are ON_DEMAND"), Refusal("--capacity-type", "SPOT"));
        Assert.Equal(("CreateNodegroup", "An error occurred (InvalidParameterException) when calling the CreateNodegroup operation: version 1.30 is not the cluster's (1.31): CreateNodegroup accepts only the cluster's Kubernetes version"), Refusal("--kubernetes-version", "1.30"));
    }
}

using Podnet.World;

namespace Podnet.Tests.World;

/// <summary>
/// A world made of a live cluster's objects (<c>podnet snapshot</c>): their uids are kept, so a pod still belongs to
/// its ReplicaSet and no controller makes it again; the cluster security group EKS made keeps its ID.
/// </summary>
public class DumpedObjectsTests
{
    private const string ReplicaSetAndItsPod = """
        apiVersion: apps/v1
        kind: ReplicaSet
        metadata: {name: web-5d8f, namespace: default, uid: 6c1a7d3e-0b7e-4f0e-9d7e-3a1f2b4c5d6e}
        spec:
          replicas: 1
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec: {containers: [{name: main, image: nginx}]}
        ---
        apiVersion: v1
        kind: Pod
        metadata:
          name: web-5d8f-x7k2p
          namespace: default
          uid: 0f9e8d7c-6b5a-4c3d-8e2f-1a0b9c8d7e6f
          labels: {app: web}
          ownerReferences:
          - {apiVersion: apps/v1, kind: ReplicaSet, name: web-5d8f, uid: 6c1a7d3e-0b7e-4f0e-9d7e-3a1f2b4c5d6e, controller: true}
        spec: {containers: [{name: main, image: nginx}]}
        status:
          phase: Running
          podIP: 10.0.0.7
          podIPs: [{ip: 10.0.0.7}]
        """;

    [Fact]
    public void DumpedPod_KeepsItsUid_AndItsReplicaSetMakesNoOther()
    {
        var world = WorldLoader.Load([new WorldSource("dump.yaml", ReplicaSetAndItsPod)]);

        var pods = world.ControlPlane.Store.List("v1", "Pod", "default").Items;
        var pod = Assert.Single(pods);
        Assert.Equal("web-5d8f-x7k2p", pod.Name);
        Assert.Equal("0f9e8d7c-6b5a-4c3d-8e2f-1a0b9c8d7e6f", pod.Uid);
        Assert.Equal("6c1a7d3e-0b7e-4f0e-9d7e-3a1f2b4c5d6e", world.ControlPlane.Store.List("apps/v1", "ReplicaSet", "default").Items.Single().Uid);
    }

    [Fact]
    public void TwoObjectsWithOneUid_IsAnError_NamingBoth()
    {
        var text = ReplicaSetAndItsPod.Replace("uid: 0f9e8d7c-6b5a-4c3d-8e2f-1a0b9c8d7e6f", "uid: 6c1a7d3e-0b7e-4f0e-9d7e-3a1f2b4c5d6e", StringComparison.Ordinal);

        var e = Assert.Throws<WorldException>(() => WorldLoader.Load([new WorldSource("dump.yaml", text)]));

        Assert.Equal("dump.yaml: document 2 (line 10, Pod web-5d8f-x7k2p): metadata.uid: Duplicate value: \"6c1a7d3e-0b7e-4f0e-9d7e-3a1f2b4c5d6e\": dump.yaml: document 1 (line 1, ReplicaSet web-5d8f) has this uid too", e.Message);
    }

    [Fact]
    public void DumpedBootstrapObject_TakesTheBootstrapsUid()
    {
        // kube-system exists before the world's objects: a dump's uid for it names the dumped cluster's namespace.
        var world = WorldLoader.Load([new WorldSource("dump.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: kube-system, uid: 11111111-2222-3333-4444-555555555555, labels: {team: platform}}\n")]);

        var ns = world.ControlPlane.Store.List("v1", "Namespace").Items.Single(n => n.Name == "kube-system");
        Assert.Equal("platform", ns.GetString("metadata.labels.team"));
        Assert.NotEqual("11111111-2222-3333-4444-555555555555", ns.Uid);
    }

    [Fact]
    public void Cluster_ClusterSecurityGroupId_IsTheGroupEksMadeForIt()
    {
        var source = WorldLoader.DefaultSource();
        var text = source.Text.Replace("  Version: \"1.31\"\n", "  Version: \"1.31\"\n  ClusterSecurityGroupId: sg-0c8156e0bfd4da678\n", StringComparison.Ordinal);
        Assert.NotEqual(source.Text, text);

        var world = WorldLoader.Load([new WorldSource("world.yaml", text)]);

        Assert.Equal("sg-0c8156e0bfd4da678", world.Cloud!.Eks.DescribeCluster("podnet").ResourcesVpcConfig.ClusterSecurityGroupId);
        var group = world.Cloud.Ec2Backend.DescribeSecurityGroups().Single(g => g.GroupId == "sg-0c8156e0bfd4da678");
        Assert.Equal("sg-0c8156e0bfd4da678", Assert.Single(Assert.Single(group.IpPermissions).UserIdGroupPairs!).GroupId);
    }

    [Fact]
    public void ListItems_AreStoredAsObjectsOfTheirOwn()
    {
        // kubectl get -o json answers a List; the loader hands each item to the store, detached from its list.
        var world = WorldLoader.Load([new WorldSource("dump.json", """
            {"apiVersion": "v1", "kind": "List", "items": [
              {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a"}, "data": {"k": "v"}},
              {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "b", "namespace": "kube-system"}}]}
            """)]);

        var store = world.ControlPlane.Store;
        var a = store.Get("v1", "ConfigMap", "default", "a");
        Assert.Null(a.Raw.Parent);
        Assert.Equal("v", a.GetString("data.k"));
        Assert.Null(store.Get("v1", "ConfigMap", "kube-system", "b").Raw.Parent);
    }
}

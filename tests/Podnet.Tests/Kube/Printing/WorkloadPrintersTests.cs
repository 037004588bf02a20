using Podnet.Kube.Api;
using Podnet.Kube.Printing;

namespace Podnet.Tests.Kube.Printing;

/// <summary>DaemonSets, Deployments and ReplicaSets as printers.go prints them.</summary>
public class WorkloadPrintersTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void DaemonSet_CountsAreIntegersAndNodeSelectorIsFormatted()
    {
        var ds = KubeObject.Parse("""
            {"apiVersion":"apps/v1","kind":"DaemonSet","metadata":{"name":"aws-node","namespace":"kube-system","creationTimestamp":"2026-11-29T11:00:00Z"},
             "spec":{"selector":{"matchLabels":{"k8s-app":"aws-node"}},
                     "template":{"spec":{"nodeSelector":{"kubernetes.io/os":"linux"},"containers":[{"name":"aws-node","image":"amazon-k8s-cni:v1.19.2"},{"name":"aws-eks-nodeagent","image":"aws-network-policy-agent:v1.1.6"}]}}},
             "status":{"desiredNumberScheduled":3,"currentNumberScheduled":3,"numberReady":2,"updatedNumberScheduled":3,"numberAvailable":2}}
            """);

        var cells = WorkloadPrinters.DaemonSet.Cells(ds, Now);

        Assert.Equal("aws-node", cells[0]!.GetValue<string>());
        Assert.Equal([3L, 3L, 2L, 3L, 2L], cells.Skip(1).Take(5).Select(c => c!.GetValue<long>()));
        Assert.Equal("kubernetes.io/os=linux", cells[6]!.GetValue<string>());
        Assert.Equal("60m", cells[7]!.GetValue<string>());
        Assert.Equal(["aws-node,aws-eks-nodeagent", "amazon-k8s-cni:v1.19.2,aws-network-policy-agent:v1.1.6", "k8s-app=aws-node"], cells.Skip(8).Select(c => c!.GetValue<string>()));
        Assert.Equal(
            ["Name", "Desired", "Current", "Ready", "Up-to-date", "Available", "Node Selector", "Age", "Containers", "Images", "Selector"],
            WorkloadPrinters.DaemonSet.Columns.Select(c => c.Name));
        Assert.Equal("integer", WorkloadPrinters.DaemonSet.Columns[1].Type);
    }

    [Fact]
    public void Deployment_ReadyIsReadyOfDesired()
    {
        var deployment = KubeObject.Parse("""
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"my-app","namespace":"default","creationTimestamp":"2026-11-29T11:58:00Z"},
             "spec":{"replicas":3,"selector":{"matchLabels":{"app":"my-app"},"matchExpressions":[{"key":"tier","operator":"In","values":["web","api"]}]},
                     "template":{"spec":{"containers":[{"name":"nginx","image":"nginx:1.27"}]}}},
             "status":{"readyReplicas":1,"updatedReplicas":3,"availableReplicas":1}}
            """);

        var cells = WorkloadPrinters.Deployment.Cells(deployment, Now);

        Assert.Equal("1/3", cells[1]!.GetValue<string>());
        Assert.Equal(3L, cells[2]!.GetValue<long>());
        Assert.Equal(1L, cells[3]!.GetValue<long>());
        Assert.Equal("2m", cells[4]!.GetValue<string>());
        Assert.Equal("app=my-app,tier in (api,web)", cells[7]!.GetValue<string>());
    }

    [Fact]
    public void ReplicaSet_DesiredCurrentReady()
    {
        var rs = KubeObject.Parse("""
            {"apiVersion":"apps/v1","kind":"ReplicaSet","metadata":{"name":"my-app-5d9c7b","creationTimestamp":"2026-11-29T11:58:00Z"},
             "spec":{"replicas":2,"template":{"spec":{"containers":[{"name":"nginx","image":"nginx"}]}}},"status":{"replicas":2}}
            """);

        var cells = WorkloadPrinters.ReplicaSet.Cells(rs, Now);

        Assert.Equal([2L, 2L, 0L], cells.Skip(1).Take(3).Select(c => c!.GetValue<long>()));
        Assert.Equal("<none>", cells[7]!.GetValue<string>());
    }
}

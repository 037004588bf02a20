using BenchmarkDotNet.Attributes;
using Podnet.World;

namespace Podnet.Benchmarks;

/// <summary>
/// The control plane at scale: the default world (EKS, m5.large nodes) with one Deployment of N replicas, loaded and
/// settled on virtual time. Nodes are added so the pods fit (29 pods per m5.large).
/// </summary>
[MemoryDiagnoser]
public class WorldSettleBenchmarks
{
    [Params(100, 400)]
    public int Replicas { get; set; }

    [Benchmark]
    public int LoadAndSettle()
    {
        var nodes = Math.Max(3, (Replicas / 25) + 1);
        var defaultWorld = WorldLoader.DefaultSource();
        var app = $$$"""
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web, namespace: default}
            spec:
              replicas: {{{Replicas}}}
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec:
                  containers: [{name: web, image: nginx, resources: {requests: {cpu: 10m} } }]
            """;
        var world = WorldLoader.Load([defaultWorld with { Text = defaultWorld.Text.Replace("DesiredSize: 3", $"DesiredSize: {nodes}", StringComparison.Ordinal).Replace("MaxSize: 5", $"MaxSize: {nodes}", StringComparison.Ordinal) }, new WorldSource("app.yaml", app)]);
        world.Settle();
        return world.ControlPlane.Store.List("v1", "Pod", "default").Items.Count;
    }
}

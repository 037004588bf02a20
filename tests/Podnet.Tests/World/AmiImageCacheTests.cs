using Podnet.Kube.Api;
using Podnet.Kube.Store;
using Podnet.World;

namespace Podnet.Tests.World;

/// <summary>
/// A node group's nodes have the images their EKS-optimized AMI caches (<see cref="Podnet.Aws.Eks.AmiCachedImages"/>):
/// a container of such an image starts with the kubelet's "already present on machine" and no pull; any other image is pulled.
/// </summary>
public class AmiImageCacheTests
{
    private const string PauseImage = "602401143452.dkr.ecr.us-west-2.amazonaws.com/eks/pause:3.10";

    private static KubeObject Pod(string name, string image) => KubeObject.Parse($$$"""
        {"apiVersion":"v1","kind":"Pod","metadata":{"name":"{{{name}}}","namespace":"default"},
         "spec":{"containers":[{"name":"app","image":"{{{image}}}"}]}}
        """);

    private static List<(string? Reason, string? Message)> ImageEvents(Podnet.World.World world, string name)
    {
        var pod = world.ControlPlane.Store.TryGet(world.ControlPlane.Store.Resources.For("v1", "Pod"), "default", name)!;
        return [.. world.ControlPlane.Events.About(pod).Select(e => (e.GetString("reason"), e.GetString("message"))).Where(e => e.Item1 is "Pulling" or "Pulled")];
    }

    [Fact]
    public void Al2023Node_CachedPauseImage_StartsAlreadyPresent_OtherImagePulls()
    {
        var world = WorldLoader.LoadDefault();
        Assert.Equal("AL2023_x86_64_STANDARD", world.Cloud!.Eks.DescribeNodegroup("podnet", "ng-1").AmiType);
        var store = world.ControlPlane.Store;
        store.Create(Pod("cached", PauseImage), RequestContext.Admin);
        store.Create(Pod("pulled", "busybox:1.36"), RequestContext.Admin);
        world.Settle();

        Assert.Equal([("Pulled", $"Container image \"{PauseImage}\" already present on machine")], ImageEvents(world, "cached"));
        var pulled = ImageEvents(world, "pulled");
        Assert.Equal(("Pulling", "Pulling image \"busybox:1.36\""), pulled[0]);
        Assert.StartsWith("Successfully pulled image \"busybox:1.36\" in ", pulled[1].Message, StringComparison.Ordinal);
        Assert.Equal(2, pulled.Count);
    }

    [Fact]
    public void Al2023Node_AddonImages_ArePulled_AsTheAmiDoesNotCacheThem()
    {
        // templates/al2/variables-default.json: cache_container_images "false"; AL2023 caches the pause image only.
        var world = WorldLoader.LoadDefault();
        var store = world.ControlPlane.Store;
        var awsNode = store.List("v1", "Pod", "kube-system").Items.First(p => p.Name.StartsWith("aws-node-", StringComparison.Ordinal));

        Assert.Contains(world.ControlPlane.Events.About(awsNode), e => e.GetString("reason") == "Pulling");
    }
}

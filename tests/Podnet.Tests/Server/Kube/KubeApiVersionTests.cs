using System.Net;
using System.Text.Json.Nodes;
using Podnet.Cli;
using Podnet.Tests.TestSupport;
using Podnet.World;

namespace Podnet.Tests.Server.Kube;

/// <summary>Seed 001's world (Kubernetes 1.22, eu-west-1), served whole as <c>podnet up</c> serves it.</summary>
public sealed class ServedSeed001World : ServedWorld
{
    public ServedSeed001World()
        : base(time => WorldLoader.Load(WorldFiles.Read(ExampleWorlds.Folder("seed-001-pod-eni-trunk-label")), time: time))
    {
    }
}

/// <summary>
/// <c>/version</c> of a cluster of an older version: EKS's control plane build of that version, whole (apimachinery's
/// <c>version.Info</c>) where a full one is on record.
/// </summary>
public sealed class KubeApiVersionTests : IClassFixture<ServedSeed001World>
{
    private readonly ServedSeed001World _served;

    public KubeApiVersionTests(ServedSeed001World served)
    {
        _served = served;
    }

    [Fact]
    public async Task Version_OfSeed001sCluster_IsEksBuildOf122_Whole()
    {
        using var client = _served.Http();
        using var response = await client.GetAsync(new Uri("/version", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        var expected = JsonNode.Parse("""{"major":"1","minor":"22+","gitVersion":"v1.22.11-eks-18ef993","gitCommit":"b9628d6d3867ffd84c704af0befd31c7451cdc37","gitTreeState":"clean","buildDate":"2022-07-06T18:06:23Z","goVersion":"go1.16.15","compiler":"gc","platform":"linux/amd64"}""");
        Assert.True(JsonNode.DeepEquals(expected, body), body.ToJsonString());
    }
}

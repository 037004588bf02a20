using System.Text.Json.Nodes;
using Podnet.Kube.Admission;
using Podnet.Kube.Api;
using Podnet.Kube.Store;
using Podnet.Tests.Kube.Admission;
using Podnet.Tests.Kube.Patching;
using static Podnet.Tests.Kube.Admission.ClusterHarness;

namespace Podnet.Tests.Kube.Store;

/// <summary>
/// <see cref="ObjectStore.CreateHandedOver"/>, the world loader's create: the store keeps the JSON it is handed and
/// makes of it what <see cref="ObjectStore.Create"/> makes of a copy.
/// </summary>
public class ObjectStoreHandedOverTests
{
    private static readonly RequestContext Loader = new(ObjectValidation.WorldLoaderUser);

    [Fact]
    public void CreateHandedOver_StoresTheGivenJson_AsCreateStoresACopy()
    {
        var copied = new ClusterHarness(seed: 7);
        var handedOver = new ClusterHarness(seed: 7);
        var json = (JsonObject)JsonNode.Parse(PodJson("web"))!;

        var expected = copied.Store.Create(KubeObject.From(json), Loader, keepStatus: false, keepUid: true);
        var stored = handedOver.Store.CreateHandedOver(json, Loader, keepStatus: false, keepUid: true, decoded: true);

        // The same object, defaults and all (restartPolicy is one), made of the given JSON itself rather than a copy.
        JsonAssert.Equal(expected.ToJson().ToJsonString(), stored.ToJson());
        Assert.Equal("Always", stored.GetString("spec.restartPolicy"));
        Assert.Same(json, stored.Raw);
        Assert.Same(json, handedOver.Store.Get(stored.ApiVersion, stored.Kind, "default", "web").Raw);
    }

    [Fact]
    public void CreateHandedOver_NotDecoded_RefusesAFieldOfTheWrongType_AsCreate()
    {
        var h = new ClusterHarness();
        const string Bad = """{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","namespace":"default","labels":5}}""";

        var expected = Assert.Throws<KubeException>(() => h.Store.Create(KubeObject.Parse(Bad), Loader)).Message;
        var error = Assert.Throws<KubeException>(() => h.Store.CreateHandedOver((JsonObject)JsonNode.Parse(Bad)!, Loader, keepStatus: false, keepUid: true, decoded: false));

        Assert.Equal(expected, error.Message);
        Assert.Contains("metadata.labels", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CreateHandedOver_Audit_RecordsTheBodyAsSent()
    {
        var h = new ClusterHarness();
        var records = new List<AuditRecord>();
        h.Store.Audited = records.Add;

        h.Store.CreateHandedOver((JsonObject)JsonNode.Parse(PodJson("web"))!, Loader, keepStatus: false, keepUid: true, decoded: true);

        // The stored object has a uid and defaults; the audit log keeps the request as it came.
        var record = Assert.Single(records);
        Assert.Equal(201, record.Code);
        JsonAssert.Equal(PodJson("web"), record.RequestObject);
    }
}

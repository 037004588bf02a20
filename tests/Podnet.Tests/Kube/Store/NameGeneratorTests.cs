using Podnet.Kube.Store;

namespace Podnet.Tests.Kube.Store;

public class NameGeneratorTests
{
    [Fact]
    public void Suffix_HasTheApiServersAlphabetAndLength()
    {
        // k8s.io/apiserver/pkg/storage/names/generate.go: utilrand.String(5) over "bcdfghjklmnpqrstvwxz2456789".
        var names = new NameGenerator(7);
        Assert.All(Enumerable.Range(0, 50), _ => Assert.Matches("^[bcdfghjklmnpqrstvwxz2456789]{5}$", names.Suffix("default", "web-7d4b9c8f6-")));
    }

    [Fact]
    public void Suffix_SamePrefix_DependsOnlyOnHowManyCameBeforeWithIt()
    {
        var quiet = new NameGenerator(7);
        var busy = new NameGenerator(7);
        busy.Suffix("default", "other-5df6f7687b-");
        busy.Suffix("kube-system", "web-7d4b9c8f6-");
        busy.Uid("Pod", "default", "web");

        Assert.Equal(quiet.Suffix("default", "web-7d4b9c8f6-"), busy.Suffix("default", "web-7d4b9c8f6-"));
        Assert.NotEqual(new NameGenerator(7).Suffix("default", "web-7d4b9c8f6-"), new NameGenerator(8).Suffix("default", "web-7d4b9c8f6-"));
    }

    [Fact]
    public void Suffix_EachDrawIsNew_SoARetryAfterACollisionDrawsAnotherName()
    {
        var names = new NameGenerator(7);
        var drawn = Enumerable.Range(0, 20).Select(_ => names.Suffix("default", "web-")).ToList();

        Assert.Equal(20, drawn.Distinct(StringComparer.Ordinal).Count());
        var again = new NameGenerator(7);
        Assert.Equal(drawn, Enumerable.Range(0, 20).Select(_ => again.Suffix("default", "web-")));
    }

    [Fact]
    public void Uid_IsAVersion4Uuid_OfTheObjectsIdentity()
    {
        var uid = new NameGenerator(7).Uid("apps/Deployment", "shop", "web");

        Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", uid);
        var busy = new NameGenerator(7);
        busy.Uid("apps/Deployment", "shop", "api");
        busy.Uid("Service", "shop", "web");
        Assert.Equal(uid, busy.Uid("apps/Deployment", "shop", "web"));
    }

    [Fact]
    public void Uid_ObjectCreatedAgainUnderItsName_GetsANewUid()
    {
        // A pod deleted and created again with its name is a new object, with a new UID, as on a real cluster.
        var names = new NameGenerator(7);
        var first = names.Uid("Pod", "default", "web");
        var second = names.Uid("Pod", "default", "web");

        Assert.NotEqual(first, second);
        var again = new NameGenerator(7);
        Assert.Equal((first, second), (again.Uid("Pod", "default", "web"), again.Uid("Pod", "default", "web")));
    }
}

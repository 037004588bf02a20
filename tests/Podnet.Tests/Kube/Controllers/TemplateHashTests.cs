using System.Text.Json.Nodes;
using Podnet.Kube.Controllers;

namespace Podnet.Tests.Kube.Controllers;

public class TemplateHashTests
{
    private const string Alphabet = "bcdfghjklmnpqrstvwxz2456789";

    private static JsonNode Template(string image = "nginx:1.27")
        => JsonNode.Parse($$$"""{"metadata":{"labels":{"app":"web","tier":"front"}},"spec":{"containers":[{"name":"web","image":"{{{image}}}"}]}}""")!;

    [Fact]
    public void TemplateHash_SameTemplate_SameHashWhateverTheKeyOrder()
    {
        var reordered = JsonNode.Parse("""{"spec":{"containers":[{"image":"nginx:1.27","name":"web"}]},"metadata":{"labels":{"tier":"front","app":"web"}}}""");

        Assert.Equal(TemplateHash.Of(Template()), TemplateHash.Of(Template()));
        Assert.Equal(TemplateHash.Of(Template()), TemplateHash.Of(reordered));
    }

    [Fact]
    public void TemplateHash_TemplateChanges_HashChanges()
    {
        var hashes = new[]
        {
            TemplateHash.Of(Template()),
            TemplateHash.Of(Template("nginx:1.28")),
            TemplateHash.Of(Template(), collisionCount: 1),
            TemplateHash.Of(JsonNode.Parse("""{"spec":{"containers":[{"name":"web","image":"nginx:1.27","env":[{"name":"A","value":"1"}]}]}}""")),
        };

        Assert.Equal(hashes.Length, hashes.Distinct().Count());
    }

    [Theory]
    [InlineData("nginx:1.27")]
    [InlineData("busybox")]
    [InlineData("602401143452.dkr.ecr.us-west-2.amazonaws.com/amazon-k8s-cni:v1.19.2")]
    public void TemplateHash_UsesSafeAlphabetOnly(string image)
    {
        var hash = TemplateHash.Of(Template(image));

        Assert.InRange(hash.Length, 1, 10);
        Assert.All(hash, c => Assert.Contains(c, Alphabet));
    }
}

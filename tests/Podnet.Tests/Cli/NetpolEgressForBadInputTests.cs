using Podnet.Tests.TestSupport;

namespace Podnet.Tests.Cli;

/// <summary><c>netpol egress-for</c> refuses policies the API server would refuse, instead of copying their fields into "appliable" output.</summary>
public sealed class NetpolEgressForBadInputTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"podnet-egress-{Guid.NewGuid():N}");

    public NetpolEgressForBadInputTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("{podSelector: {matchExpressions: [{key: app, operator: Foo, values: [a]}]}, ingress: [{}]}", "Error from server (Invalid): NetworkPolicy.networking.k8s.io \"p\" is invalid: spec.podSelector.matchExpressions[0].operator: Invalid value: \"Foo\": not a valid selector operator")]
    [InlineData("{podSelector: {}, ingress: [{ports: [{port: 80.5}]}]}", "Error from server (BadRequest): NetworkPolicy in version \"v1\" cannot be handled as a NetworkPolicy: json: cannot unmarshal number 80.5 into Go struct field NetworkPolicyPort.spec.ingress.ports.port of type int32")]
    [InlineData("{podSelector: {}, ingress: [{ports: [{port: 80, endPort: 65536}]}]}", "Error from server (Invalid): NetworkPolicy.networking.k8s.io \"p\" is invalid: spec.ingress[0].ports[0].endPort: Invalid value: 65536: must be between 1 and 65535, inclusive")]
    public void InvalidPolicy_IsRefused_NamingFileDocumentAndField(string spec, string message)
    {
        var file = Path.Combine(_dir, "p.yaml");
        File.WriteAllText(file, BadWorlds.Policy("p", spec));
        var (exit, output, error) = PodnetCli.Run("netpol", "egress-for", file);
        Assert.Equal((2, string.Empty), (exit, output));
        Assert.Equal($"error: {file}: document 1 (line 1, NetworkPolicy p): {message}\n", error);
    }
}

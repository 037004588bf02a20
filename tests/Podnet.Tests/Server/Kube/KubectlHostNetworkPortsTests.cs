using Podnet.Tests.TestSupport;

namespace Podnet.Tests.Server.Kube;

/// <summary>
/// The API server's defaultHostNetworkPorts as the real kubectl sees it: a hostNetwork pod applied with container ports
/// comes back from <c>get -o yaml</c> with each port's hostPort, a Deployment's pod template does not (v1.28 on).
/// </summary>
public sealed class KubectlHostNetworkPortsTests : IClassFixture<ServedWorld>
{
    private readonly ServedWorld _served;

    public KubectlHostNetworkPortsTests(ServedWorld served)
    {
        _served = served;
    }

    private string Applied(string version, string name, string yaml)
    {
        var file = Path.Combine(_served.Directory, $"{name}-{version}.yaml");
        File.WriteAllText(file, yaml);
        _served.KubectlOk(version, "apply", "-f", file);
        return file;
    }

    [Theory]
    [InlineData("1.31")]
    [InlineData("1.32")]
    public void ApplyHostNetworkPod_GetYaml_ShowsEachPortsHostPort(string version)
    {
        var name = "exporter-" + version.Replace(".", string.Empty, StringComparison.Ordinal);
        Applied(version, name, $"""
            apiVersion: v1
            kind: Pod
            metadata:
              name: {name}
            spec:
              hostNetwork: true
              initContainers:
              - name: setup
                image: busybox:1.36
                ports:
                - containerPort: 7000
              containers:
              - name: exporter
                image: prom/node-exporter:v1.8.2
                ports:
                - containerPort: 9100
                  name: metrics
                - containerPort: 8125
                  protocol: UDP
                  hostPort: 18125
            """);

        var yaml = _served.KubectlOk(version, "get", "pod", name, "-o", "yaml");

        Assert.Contains("""
                ports:
                - containerPort: 9100
                  hostPort: 9100
                  name: metrics
                  protocol: TCP
                - containerPort: 8125
                  hostPort: 18125
                  protocol: UDP
            """.Replace("\r", string.Empty, StringComparison.Ordinal), yaml, StringComparison.Ordinal);
        Assert.Contains("""
                ports:
                - containerPort: 7000
                  hostPort: 7000
                  protocol: TCP
            """.Replace("\r", string.Empty, StringComparison.Ordinal), yaml, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1.31")]
    [InlineData("1.32")]
    public void ApplyHostNetworkDeployment_GetYaml_TemplatePortHasNoHostPort(string version)
    {
        var name = "agent-" + version.Replace(".", string.Empty, StringComparison.Ordinal);
        Applied(version, name, $"""
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: {name}
            spec:
              replicas: 1
              selector:
                matchLabels:
                  app: {name}
              template:
                metadata:
                  labels:
                    app: {name}
                spec:
                  hostNetwork: true
                  containers:
                  - name: agent
                    image: busybox:1.36
                    ports:
                    - containerPort: 8181
            """);

        var yaml = _served.KubectlOk(version, "get", "deployment", name, "-o", "yaml");

        Assert.Contains("""
                    ports:
                    - containerPort: 8181
                      protocol: TCP
            """.Replace("\r", string.Empty, StringComparison.Ordinal), yaml, StringComparison.Ordinal);
        Assert.DoesNotContain("hostPort", yaml, StringComparison.Ordinal);
    }
}

using System.Text.Json.Nodes;
using Podnet.Kube.Api;
using Podnet.Kube.Store;
using Podnet.Kube.Views;
using Podnet.NetworkPolicyController;
using Podnet.Tests.TestSupport;
using Podnet.Kube.Serialization;

namespace Podnet.Tests.NetworkPolicyController;

/// <summary>
/// The network policy controller in a world (aws/amazon-network-policy-controller-k8s): with the vpc-cni add-on's
/// enableNetworkPolicy, each NetworkPolicy gets its PolicyEndpoints — pods, Service cluster IPs and ipBlocks resolved
/// as pkg/resolvers/endpoints.go resolves them — and the finalizer networking.k8s.aws/resources; without it, nothing.
/// </summary>
public class PolicyEndpointsControllerTests
{
    private const string WebPolicy = """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: web, namespace: shop}
        spec:
          podSelector: {matchLabels: {app: web}}
          policyTypes: [Ingress, Egress]
          ingress:
          - from: [{podSelector: {matchLabels: {app: web}}}]
            ports: [{port: http}]
          egress:
          - to: [{podSelector: {matchLabels: {app: web}}}]
            ports: [{port: 80}]
          - to: [{ipBlock: {cidr: 0.0.0.0/0, except: [169.254.169.254/32]}}]
            ports: [{protocol: TCP, port: 443}]
        """;

    private const string DenyAll = """
        apiVersion: networking.k8s.io/v1
        kind: NetworkPolicy
        metadata: {name: deny-all, namespace: shop}
        spec: {podSelector: {}, policyTypes: [Ingress, Egress]}
        """;

    private static string WithNetworkPolicy(string text)
        => text.Replace("kind: Addon\nmetadata:\n  name: vpc-cni\n", "kind: Addon\nmetadata:\n  name: vpc-cni\nspec:\n  ConfigurationValues: {enableNetworkPolicy: \"true\"}\n", StringComparison.Ordinal);

    private static IReadOnlyList<KubeObject> Endpoints(Podnet.World.World world, string ns = "shop")
        => world.ControlPlane.Store.List("networking.k8s.aws/v1alpha1", "PolicyEndpoint", ns).Items;

    private static List<PodView> WebPods(Podnet.World.World world)
        => [.. world.ControlPlane.Store.List("v1", "Pod", "shop").Items.Select(p => PodView.Of(p)).Where(p => p.Name.StartsWith("web-", StringComparison.Ordinal))];

    private static KubeObject Object(string yaml) => KubeObject.From((JsonObject)YamlManifests.ParseSingle(yaml, "test")!);

    [Fact]
    public void Policy_ResolvesToOnePolicyEndpoint_WithItsPodsPeersServiceAndIpBlock()
    {
        var world = ExampleWorlds.Load("hello-eks", WithNetworkPolicy, WebPolicy);
        var store = world.ControlPlane.Store;
        var web = WebPods(world).OrderBy(p => p.Name, StringComparer.Ordinal).ToList();
        Assert.Equal(3, web.Count);
        var clusterIP = store.Get("v1", "Service", "shop", "web").GetString("spec.clusterIP");

        var endpoint = Assert.Single(Endpoints(world));
        Assert.Matches("^web-[a-z0-9]{5}$", endpoint.Name);
        var owner = Assert.Single(endpoint.OwnerReferences);
        Assert.Equal(("networking.k8s.io/v1", "NetworkPolicy", "web", true, true), (owner.ApiVersion, owner.Kind, owner.Name, owner.Controller, owner.BlockOwnerDeletion));
        Assert.NotNull(endpoint.Annotations.GetValueOrDefault(PolicyEndpointsController.LastChangeTriggerTimeAnnotation));
        Assert.Equal([PolicyEndpointsController.Finalizer], store.Get("networking.k8s.io/v1", "NetworkPolicy", "shop", "web").Finalizers);

        var spec = endpoint.Peek("spec")!;
        Assert.Equal("""{"matchLabels":{"app":"web"}}""", spec["podSelector"]!.ToJsonString());
        Assert.Equal("""{"name":"web","namespace":"shop"}""", spec["policyRef"]!.ToJsonString());
        Assert.Equal("""["Ingress","Egress"]""", spec["podIsolation"]!.ToJsonString());
        Assert.Equal(
            web.Select(p => $$"""{"hostIP":"{{p.Object.GetString("status.hostIP")}}","podIP":"{{p.PodIP}}","name":"{{p.Name}}","namespace":"shop"}""").Order(StringComparer.Ordinal),
            ((JsonArray)spec["podSelectorEndpoints"]!).Select(e => e!.ToJsonString()).Order(StringComparer.Ordinal));

        // The named ingress port resolves on the pods the policy applies to: http is 80.
        Assert.Equal(
            web.Select(p => $$"""{"cidr":"{{p.PodIP}}","ports":[{"protocol":"TCP","port":80}]}""").Order(StringComparer.Ordinal),
            ((JsonArray)spec["ingress"]!).Select(e => e!.ToJsonString()).Order(StringComparer.Ordinal));

        // Egress to the web pods brings the web Service's cluster IP (its target port is the name http, which the
        // pods resolve to 80, allowed), and the ipBlock keeps its exception.
        var egress = ((JsonArray)spec["egress"]!).Select(e => e!.ToJsonString()).ToList();
        Assert.Equal(
            web.Select(p => $$"""{"cidr":"{{p.PodIP}}","ports":[{"protocol":"TCP","port":80}]}""")
                .Append($$"""{"cidr":"{{clusterIP}}","ports":[{"protocol":"TCP","port":80}]}""")
                .Append("""{"cidr":"0.0.0.0/0","except":["169.254.169.254/32"],"ports":[{"protocol":"TCP","port":443}]}""")
                .Order(StringComparer.Ordinal),
            egress.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void DenyAll_GetsOnePolicyEndpoint_WithItsPodsAndNoRules()
    {
        var world = ExampleWorlds.Load("hello-eks", WithNetworkPolicy, DenyAll);

        var spec = Assert.Single(Endpoints(world)).Peek("spec")!.AsObject();
        Assert.Equal(["podSelector", "policyRef", "podIsolation", "podSelectorEndpoints"], spec.Select(p => p.Key));
        Assert.Equal("{}", spec["podSelector"]!.ToJsonString());
        var running = world.ControlPlane.Store.List("v1", "Pod", "shop").Items.Select(p => PodView.Of(p)).Where(p => p.PodIP is not null).Select(p => p.Name).Order(StringComparer.Ordinal);
        Assert.NotEmpty(running);
        Assert.Equal(running, ((JsonArray)spec["podSelectorEndpoints"]!).Select(e => e!["name"]!.GetValue<string>()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void RuleWithoutPeers_AllowsBothFamilies()
    {
        var world = ExampleWorlds.Load("hello-eks", WithNetworkPolicy, """
            apiVersion: networking.k8s.io/v1
            kind: NetworkPolicy
            metadata: {name: open, namespace: shop}
            spec:
              podSelector: {}
              ingress: [{}]
              egress: [{ports: [{port: 53, protocol: UDP}, {port: dns}]}]
              policyTypes: [Ingress, Egress]
            """);

        var spec = Assert.Single(Endpoints(world)).Peek("spec")!;
        Assert.Equal("""[{"cidr":"0.0.0.0/0"},{"cidr":"::/0"}]""", spec["ingress"]!.ToJsonString());

        // A named port has no destination to resolve on when the rule has no peers: left out.
        Assert.Equal("""[{"cidr":"0.0.0.0/0","ports":[{"protocol":"UDP","port":53}]},{"cidr":"::/0","ports":[{"protocol":"UDP","port":53}]}]""", spec["egress"]!.ToJsonString());
    }

    [Fact]
    public void WithoutEnableNetworkPolicy_NoPolicyEndpointOrFinalizer_UntilTheConfigMapTurnsItOn()
    {
        var world = ExampleWorlds.Load("hello-eks", null, WebPolicy);
        var store = world.ControlPlane.Store;
        Assert.Empty(Endpoints(world));
        Assert.Empty(store.Get("networking.k8s.io/v1", "NetworkPolicy", "shop", "web").Finalizers);
        Assert.NotNull(store.TryGet(store.Resources.For("apiextensions.k8s.io/v1", "CustomResourceDefinition"), null, "policyendpoints.networking.k8s.aws"));

        // kubectl patch configmap amazon-vpc-cni -n kube-system --type merge -p '{"data":{"enable-network-policy-controller":"true"}}'
        var configMap = store.Get("v1", "ConfigMap", "kube-system", "amazon-vpc-cni");
        store.Update(configMap.With(j => ((JsonObject)j["data"]!)[PolicyEndpointsController.EnabledKey] = "true"));
        world.Settle();

        Assert.Single(Endpoints(world));
        Assert.Equal([PolicyEndpointsController.Finalizer], store.Get("networking.k8s.io/v1", "NetworkPolicy", "shop", "web").Finalizers);
    }

    [Fact]
    public void ScaledDeployment_AddsItsPodToThePolicyEndpoint_DeletedPolicy_TakesItsPolicyEndpointsWithIt()
    {
        var world = ExampleWorlds.Load("hello-eks", WithNetworkPolicy, WebPolicy);
        var store = world.ControlPlane.Store;
        var before = Assert.Single(Endpoints(world));

        var deployment = store.Get("apps/v1", "Deployment", "shop", "web");
        store.Update(deployment.With(j => j["spec"]!["replicas"] = 4));
        world.Settle();

        var web = WebPods(world);
        Assert.Equal(4, web.Count);
        var after = Assert.Single(Endpoints(world));
        Assert.Equal(before.Name, after.Name);
        Assert.Equal(
            web.Select(p => p.PodIP!).Order(StringComparer.Ordinal),
            ((JsonArray)after.Peek("spec.podSelectorEndpoints")!).Select(e => e!["podIP"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        Assert.Equal(4, ((JsonArray)after.Peek("spec.ingress")!).Count);

        store.Delete(store.Resources.For("networking.k8s.io/v1", "NetworkPolicy"), "shop", "web");
        world.Settle();

        Assert.Null(store.TryGet(store.Resources.For("networking.k8s.io/v1", "NetworkPolicy"), "shop", "web"));
        Assert.Empty(Endpoints(world));
    }

    [Fact]
    public void PodChange_ResolvesThePolicyAfterTheBatchPeriod_ALabelOnThePolicyDoesNot()
    {
        var world = ExampleWorlds.Load("hello-eks", WithNetworkPolicy, WebPolicy);
        var store = world.ControlPlane.Store;
        var before = Assert.Single(Endpoints(world));
        var leaving = WebPods(world)[0];
        string[] Names(KubeObject endpoint) => [.. ((JsonArray)endpoint.Peek("spec.podSelectorEndpoints")!).Select(e => e!["name"]!.GetValue<string>())];
        Assert.Contains(leaving.Name, Names(before));

        // A label on the policy alone: the same spec, so the controller does not resolve it again.
        var policies = store.Resources.For("networking.k8s.io/v1", "NetworkPolicy");
        store.Update(store.Get(policies, "shop", "web").WithLabel("team", "shop"));
        world.Settle();
        Assert.Equal(before.ResourceVersion, Assert.Single(Endpoints(world)).ResourceVersion);

        var changed = world.Time.GetUtcNow();
        store.Update(leaving.Object.WithLabel("app", "web-old"));
        world.ControlPlane.RunReady();
        Assert.Contains(leaving.Name, Names(Assert.Single(Endpoints(world))));

        world.Settle();
        var after = Assert.Single(Endpoints(world));
        Assert.DoesNotContain(leaving.Name, Names(after));
        Assert.Equal(3, Names(after).Length);
        var resolvedAt = DateTimeOffset.Parse(after.Annotations[PolicyEndpointsController.LastChangeTriggerTimeAnnotation], System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(resolvedAt >= changed + PolicyEndpointsController.PodUpdateBatchPeriod, $"resolved at {resolvedAt:O}, the pod changed at {changed:O}");
    }

    [Fact]
    public void SwitchedOff_ADeletedPolicyStaysTerminatingBehindItsFinalizer_UntilSwitchedOnAgain()
    {
        var world = ExampleWorlds.Load("hello-eks", WithNetworkPolicy, WebPolicy);
        var store = world.ControlPlane.Store;
        var policies = store.Resources.For("networking.k8s.io/v1", "NetworkPolicy");
        void Switch(string value)
        {
            var configMap = store.Get("v1", "ConfigMap", "kube-system", "amazon-vpc-cni");
            store.Update(configMap.With(j => ((JsonObject)j["data"]!)[PolicyEndpointsController.EnabledKey] = value));
            world.Settle();
        }

        Switch("false");
        store.Delete(policies, "shop", "web");
        world.Settle();

        Assert.True(store.Get(policies, "shop", "web").IsTerminating);
        Assert.Single(Endpoints(world));

        Switch("true");

        Assert.Null(store.TryGet(policies, "shop", "web"));
        Assert.Empty(Endpoints(world));
    }

    [Fact]
    public void PolicyEndpoint_WithoutPolicyRef_IsRefusedAsItsCrdRefusesIt()
    {
        var world = ExampleWorlds.Load("hello-eks", WithNetworkPolicy);

        var error = Assert.Throws<KubeException>(() => world.ControlPlane.Store.Create(Object("""
            apiVersion: networking.k8s.aws/v1alpha1
            kind: PolicyEndpoint
            metadata: {name: hand-made, namespace: shop}
            spec: {podSelector: {}, ingress: [{ports: [{port: 80}]}]}
            """)));

        Assert.Equal(
            "PolicyEndpoint.networking.k8s.aws \"hand-made\" is invalid: [spec.policyRef: Required value, spec.ingress[0].cidr: Required value]",
            error.Message);
    }
}

using System.Text.Json.Nodes;
using Podnet.Aws.Ec2;
using Podnet.Aws.InstanceTypes;
using Podnet.Kube;
using Podnet.Kube.Api;
using Podnet.Kube.Nodes;
using Podnet.Kube.Selectors;
using Podnet.Kube.Store;
using Podnet.Kube.Views;
using Podnet.Tests.TestSupport;

namespace Podnet.Tests.Kube.Controllers;

/// <summary>A bootstrapped control plane on a manual clock, with helpers to add nodes and workloads.</summary>
internal sealed class TestCluster
{
    /// <summary>
    /// Pod specs state their grace period as a 64-bit number: ObjectStore.Delete reads it with GetValue&lt;long&gt;,
    /// which throws for the Int32 the API defaults write (see KubeletTests.Kubelet_DeletePodWithDefaultedGracePeriod_Terminates).
    /// </summary>
    private const long GracePeriod = 30;

    private int _nextHostOctet = 10;

    /// <param name="seed">The control plane's seed.</param>
    /// <param name="imagesPresent">
    /// True (the default, for the controllers' tests): every node has every image, so a pod starts at once; false:
    /// images are pulled, which takes time (the kubelet's own tests).
    /// </param>
    public TestCluster(int seed = 7, bool imagesPresent = true)
    {
        Cloud = new TestCloud();
        Plane = new ControlPlane(Time, seed);
        if (imagesPresent)
        {
            Plane.Kubelet.PreloadImages((_, _) => true);
        }

        Plane.Bootstrap();
        Plane.RunReady();
    }

    public TestCloud Cloud { get; }

    public ManualTimeProvider Time => Cloud.Time;

    public ControlPlane Plane { get; }

    public ObjectStore Store => Plane.Store;

    public int Run() => Plane.RunReady();

    /// <summary>Runs ready work, then moves the clock to each due moment (within <paramref name="within"/>) and runs again.</summary>
    public void Settle(TimeSpan? within = null)
    {
        var end = Time.GetUtcNow() + (within ?? TimeSpan.FromMinutes(1));
        Run();
        while (Plane.NextDue is { } due && due <= end)
        {
            var now = Time.GetUtcNow();
            if (due > now)
            {
                Time.Advance(due - now);
            }

            Run();
        }
    }

    /// <summary>Registers the Node the EKS AMI registers for a new EC2 instance, and lets the kubelet make it Ready.</summary>
    public KubeObject AddEc2Node(string instanceType = "m5.large", Subnet? subnet = null, bool run = true, string kubernetesVersion = "1.33")
    {
        var instance = Cloud.Run(instanceType, subnet);
        var type = InstanceTypeCatalog.Default.Find(instanceType)!;
        var zoneId = Cloud.Subnet(instance.SubnetId!).AvailabilityZoneId;
        var node = Store.Create(NodeRegistration.NodeFor(instance, type, kubernetesVersion, "ng-1", zoneId), keepStatus: true);
        if (run)
        {
            Run();
        }

        return Node(node.Name);
    }

    /// <summary>A hand-written node with the given allocatable resources; no taints unless <paramref name="adjust"/> adds some.</summary>
    public KubeObject AddNode(string name, string cpu = "4", string memory = "16Gi", string pods = "110", Action<JsonObject>? adjust = null, bool run = true)
    {
        var resources = new JsonObject { ["cpu"] = cpu, ["memory"] = memory, ["pods"] = pods };
        var json = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Node",
            ["metadata"] = new JsonObject
            {
                ["name"] = name,
                ["labels"] = new JsonObject { ["kubernetes.io/hostname"] = name, ["kubernetes.io/os"] = "linux" },
            },
            ["spec"] = new JsonObject(),
            ["status"] = new JsonObject
            {
                ["addresses"] = new JsonArray(
                    new JsonObject { ["type"] = "InternalIP", ["address"] = $"192.168.0.{_nextHostOctet++}" },
                    new JsonObject { ["type"] = "Hostname", ["address"] = name }),
                ["capacity"] = resources.DeepClone(),
                ["allocatable"] = resources,
            },
        };
        adjust?.Invoke(json);
        Store.Create(KubeObject.From(json), keepStatus: true);
        if (run)
        {
            Run();
        }

        return Node(name);
    }

    public KubeObject Create(JsonObject json) => Store.Create(KubeObject.From(json));

    public KubeObject Node(string name) => Store.Get("v1", "Node", null, name);

    public KubeObject Pod(string name, string ns = "default") => Store.Get("v1", "Pod", ns, name);

    public KubeObject? TryPod(string name, string ns = "default") => Store.TryGet(Store.Resources.For("v1", "Pod"), ns, name);

    public KubeObject Get(string apiVersion, string kind, string name, string? ns = "default") => Store.Get(apiVersion, kind, ns, name);

    public IReadOnlyList<KubeObject> Pods(string? selector = null, string ns = "default")
        => Store.List("v1", "Pod", ns, selector is null ? null : LabelSelector.Parse(selector)).Items;

    public IReadOnlyList<KubeObject> ReplicaSets(string ns = "default") => Store.List("apps/v1", "ReplicaSet", ns).Items;

    public IReadOnlyList<KubeObject> EventsAbout(KubeObject obj) => Plane.Events.About(obj);

    /// <summary>"Reason: message" lines of the events about an object, oldest first.</summary>
    public IReadOnlyList<string> EventLines(KubeObject obj) => [.. EventsAbout(obj).Select(e => $"{e.GetString("reason")}: {e.GetString("message")}")];

    public IReadOnlyList<KubeObject> Events(string reason, string ns = "default")
        => [.. Store.List("v1", "Event", ns).Items.Where(e => e.GetString("reason") == reason)];

    public static JsonObject Container(string name = "app", string image = "nginx:1.27", JsonObject? requests = null, JsonArray? ports = null)
    {
        var container = new JsonObject { ["name"] = name, ["image"] = image };
        if (requests is not null)
        {
            container["resources"] = new JsonObject { ["requests"] = requests };
        }

        if (ports is not null)
        {
            container["ports"] = ports;
        }

        return container;
    }

    public static JsonObject PodJson(string name, JsonObject? labels = null, JsonObject? requests = null, Action<JsonObject>? spec = null, string ns = "default")
    {
        var podSpec = new JsonObject { ["containers"] = new JsonArray(Container(requests: requests)), ["terminationGracePeriodSeconds"] = GracePeriod };
        spec?.Invoke(podSpec);
        return new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Pod",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns, ["labels"] = labels ?? new JsonObject { ["app"] = name } },
            ["spec"] = podSpec,
        };
    }

    public static JsonObject DeploymentJson(string name, int replicas, string image = "nginx:1.27", JsonObject? requests = null)
        => new()
        {
            ["apiVersion"] = "apps/v1",
            ["kind"] = "Deployment",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = "default", ["labels"] = new JsonObject { ["app"] = name } },
            ["spec"] = new JsonObject
            {
                ["replicas"] = replicas,
                ["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["app"] = name } },
                ["template"] = new JsonObject
                {
                    ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["app"] = name } },
                    ["spec"] = new JsonObject { ["containers"] = new JsonArray(Container(name, image, requests)), ["terminationGracePeriodSeconds"] = GracePeriod },
                },
            },
        };

    public static JsonObject DaemonSetJson(string name, string ns = "kube-system", string image = "602401143452.dkr.ecr.us-west-2.amazonaws.com/amazon-k8s-cni:v1.19.2", Action<JsonObject>? spec = null)
    {
        var podSpec = new JsonObject { ["containers"] = new JsonArray(Container(name, image)), ["terminationGracePeriodSeconds"] = GracePeriod };
        spec?.Invoke(podSpec);
        return new JsonObject
        {
            ["apiVersion"] = "apps/v1",
            ["kind"] = "DaemonSet",
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = ns, ["labels"] = new JsonObject { ["k8s-app"] = name } },
            ["spec"] = new JsonObject
            {
                ["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["k8s-app"] = name } },
                ["template"] = new JsonObject
                {
                    ["metadata"] = new JsonObject { ["labels"] = new JsonObject { ["k8s-app"] = name } },
                    ["spec"] = podSpec,
                },
            },
        };
    }

    public static PodView View(KubeObject pod) => PodView.Of(pod);

    public static JsonObject? ConditionOf(KubeObject obj, string type)
        => (obj["status.conditions"] as JsonArray ?? []).OfType<JsonObject>().FirstOrDefault(c => c["type"]?.GetValue<string>() == type);
}

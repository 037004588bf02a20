using System.Text.Json.Nodes;
using Podnet.Kube.Admission;
using Podnet.Kube.Api;
using Podnet.Kube.Controllers;
using Podnet.Kube.Nodes;
using Podnet.Kube.Nodes.Probes;
using Podnet.Kube.Store;
using Podnet.Kube.Views;
using Podnet.Net;

namespace Podnet.Kube;

/// <summary>
/// The emulated Kubernetes control plane: the API server's store and admission, the controllers of
/// kube-controller-manager, kube-scheduler, and the kubelets. It does work when asked (<see cref="RunReady"/>);
/// the world decides when time moves.
/// </summary>
public sealed class ControlPlane
{
    public static readonly CidrBlock DefaultServiceCidr = CidrBlock.Parse("10.100.0.0/16");

    private readonly List<IController> _controllers = [];
    private readonly Dictionary<string, IPodSandboxNetwork> _networks = new(StringComparer.Ordinal);
    private readonly List<Func<PodView, string?>> _readinessProbes = [];
    private readonly List<ContainerProbeRunner> _probeRunners = [];
    private readonly List<Func<long>> _probeInputs = [];
    private long _probeInputsSeen;
    private IPodSandboxNetwork _defaultNetwork = new NodeLocalPodNetwork();

    /// <param name="scheduling">False for a policy-only world: no nodes, so nothing is scheduled or started.</param>
    public ControlPlane(TimeProvider time, int seed, CidrBlock? serviceCidr = null, bool scheduling = true)
    {
        Time = time;
        var names = new NameGenerator(seed);
        var admission = new AdmissionChain();
        Store = new ObjectStore(time, names, admission);
        ServiceCidr = serviceCidr ?? DefaultServiceCidr;
        // The Service storage's allocation comes before the defaults: it sets a Service's IP family from the service
        // range (IPv6 in an IPv6 cluster), which the defaults would otherwise fill with IPv4.
        admission.AddPlugin(new ServiceClusterIpAllocator(ServiceCidr, AllocatedClusterIps, seed));
        admission.AddPlugin(new ServiceNodePortAllocator(AllocatedNodePorts, seed));
        admission.AddPlugin(new ObjectDefaults());
        admission.AddPlugin(new ServiceAccountAdmission((ns, name) => Store.TryGet(Store.Resources.For("v1", "ServiceAccount"), ns, name) is not null));
        // Not on in upstream kube-apiserver by default; EKS turns it on (its list of enabled admission controllers).
        admission.AddPlugin(new ExtendedResourceToleration());
        admission.AddPlugin(new ObjectValidation());
        Events = new EventRecorder(Store, time);
        Kubelet = new Nodes.Kubelet(Store, time, Events, NetworkOf, NotReadyReason, RunProbe, seed);
        NodeLifecycle = new NodeLifecycleController(Store, time, Events, Kubelet.StoppedAt);
        Store.Subscribe(change =>
        {
            ServeCustomResources(change);
            foreach (var controller in _controllers)
            {
                controller.OnChange(change);
            }
        });
        // The garbage collector and the namespace controller come first: their deletes reach the other controllers in
        // the same pass, as the store's inline cascade did before they were controllers.
        foreach (var controller in new IController[]
                 {
                     new GarbageCollector(Store, time),
                     new NamespaceController(Store, time),
                     new ServiceAccountController(Store, time),
                     new DeploymentController(Store, time, Events),
                     new ReplicaSetController(Store, time, Events),
                     new DaemonSetController(Store, time, Events),
                     new EndpointsController(Store, time),
                     new DisruptionController(Store, time, Events),
                     new Scheduler(Store, time, Events),
                     NodeLifecycle,
                     Kubelet,
                 }.Where(c => scheduling || c is not (Scheduler or Nodes.Kubelet or NodeLifecycleController)))
        {
            AddController(controller);
        }
    }

    public TimeProvider Time { get; }

    public ObjectStore Store { get; }

    public EventRecorder Events { get; }

    public Nodes.Kubelet Kubelet { get; }

    /// <summary>kube-controller-manager's node lifecycle controller: marks the node of a stopped kubelet Unknown.</summary>
    public NodeLifecycleController NodeLifecycle { get; }

    /// <summary>
    /// The machine of <paramref name="nodeName"/> shut down at <paramref name="at"/>: its kubelet stops, and the node
    /// lifecycle controller marks the node Unknown once its grace period has passed since then.
    /// </summary>
    public void ShutDownNode(string nodeName, DateTimeOffset at)
    {
        Kubelet.Stop(nodeName, at);
        NodeLifecycle.KubeletStopped(nodeName);
    }

    public CidrBlock ServiceCidr { get; }

    public IReadOnlyList<IController> Controllers => _controllers;

    /// <summary>Adds a controller and lets it hear about everything that already exists, as an informer's first list does.</summary>
    public void AddController(IController controller)
    {
        _controllers.Add(controller);
        foreach (var obj in Store.All())
        {
            controller.OnChange(new WatchEvent(WatchEventType.Added, obj, long.Parse(obj.ResourceVersion!, System.Globalization.CultureInfo.InvariantCulture)));
        }
    }

    /// <summary>The network plugin of a node; nodes without one get a node-local bridge.</summary>
    public void SetNetwork(string nodeName, IPodSandboxNetwork network)
    {
        _networks[nodeName] = network;

        // That node's kubelet only: a Fargate pod's node gets its own network, and refreshing every kubelet each time
        // was quadratic in the Fargate pods.
        Kubelet.RefreshNode(nodeName);
    }

    /// <summary>The network plugin of every node without one of its own (the VPC CNI, once a world runs it).</summary>
    public void UseNetwork(IPodSandboxNetwork network)
    {
        _defaultNetwork = network;
        Kubelet.RefreshNodes();
    }

    /// <summary>
    /// Adds a readiness check of whole pods besides their containers' probes (aws-node's own, ready once ipamd is):
    /// it answers for the pods it knows (null = ready) and null for the others.
    /// </summary>
    public void AddReadinessProbe(Func<PodView, string?> probe) => _readinessProbes.Add(probe);

    /// <summary>
    /// Adds what runs the containers' probes (a world decides TCP and HTTP probes along the network path): it answers
    /// with a failure for the probes it fails, null for the others; a probe no runner fails passes.
    /// </summary>
    public void AddProbeRunner(ContainerProbeRunner runner) => _probeRunners.Add(runner);

    /// <summary>
    /// Adds a revision of what the probe runners decide by outside the cluster (the cloud's security groups): when it
    /// changes, the kubelet's resting probes run again at their next tick (<see cref="Nodes.Kubelet.ResumeProbes"/>).
    /// </summary>
    public void AddProbeInputs(Func<long> revision)
    {
        _probeInputs.Add(revision);
        _probeInputsSeen += revision();
    }

    /// <summary>Creates what a new cluster has: the system namespaces and the <c>kubernetes</c> Service.</summary>
    public void Bootstrap()
    {
        foreach (var name in new[] { "default", "kube-system", "kube-public", "kube-node-lease" })
        {
            if (Store.TryGet(Store.Resources.For("v1", "Namespace"), null, name) is null)
            {
                Store.Create(KubeObject.From(new JsonObject
                {
                    ["apiVersion"] = "v1",
                    ["kind"] = "Namespace",
                    ["metadata"] = new JsonObject { ["name"] = name },
                    ["spec"] = new JsonObject { ["finalizers"] = new JsonArray("kubernetes") },
                    ["status"] = new JsonObject { ["phase"] = "Active" },
                }), keepStatus: true);
            }
        }

        RunReady();
        if (Store.TryGet(Store.Resources.For("v1", "Service"), "default", "kubernetes") is null)
        {
            Store.Create(KubeObject.From(new JsonObject
            {
                ["apiVersion"] = "v1",
                ["kind"] = "Service",
                ["metadata"] = new JsonObject
                {
                    ["name"] = "kubernetes",
                    ["namespace"] = "default",
                    ["labels"] = new JsonObject { ["component"] = "apiserver", ["provider"] = "kubernetes" },
                },
                ["spec"] = new JsonObject
                {
                    ["clusterIP"] = ServiceCidr.AddressAt(1).ToString(),
                    ["ports"] = new JsonArray(new JsonObject { ["name"] = "https", ["port"] = 443, ["protocol"] = "TCP", ["targetPort"] = 443 }),
                },
            }));
        }
    }

    /// <summary>
    /// Called every <see cref="ProgressEvery"/> items of work inside <see cref="RunReady"/>, so a long batch can show
    /// progress; it must not touch the control plane's queues (it does not change the order work is done in).
    /// </summary>
    public Action? Progress { get; set; }

    /// <summary>How many items of work pass between two calls of <see cref="Progress"/>.</summary>
    public const int ProgressEvery = 256;

    /// <summary>
    /// Runs every controller until none has work ready now, or <paramref name="limit"/> items were done; returns how many
    /// were. First the store lets go of what has outlived its time to live (<see cref="ObjectStore.ExpireDue"/>: Events an
    /// hour after their last write), as etcd does while time passes.
    /// </summary>
    public int RunReady(int limit = 1_000_000)
    {
        Store.ExpireDue();
        var inputs = 0L;
        foreach (var revision in _probeInputs)
        {
            inputs += revision();
        }

        if (inputs != _probeInputsSeen)
        {
            _probeInputsSeen = inputs;
            Kubelet.ResumeProbes();
        }

        var done = 0;
        bool progressed;
        do
        {
            progressed = false;
            foreach (var controller in _controllers)
            {
                while (done < limit && controller.ProcessNext())
                {
                    done++;
                    progressed = true;
                    if (done % ProgressEvery == 0)
                    {
                        Progress?.Invoke();
                    }
                }
            }
        }
        while (progressed && done < limit);

        return done;
    }

    /// <summary>The earliest moment any controller has delayed work for, or null.</summary>
    public DateTimeOffset? NextDue
    {
        get
        {
            // Asked at every step of a settle: a loop, not a query.
            DateTimeOffset? earliest = null;
            foreach (var controller in _controllers)
            {
                if (controller.NextDue is { } due && (earliest is null || due < earliest))
                {
                    earliest = due;
                }
            }

            return earliest;
        }
    }

    /// <summary>
    /// A CustomResourceDefinition that is created or changed makes its kind served, with its scope, names, status
    /// subresource and printer columns (apiextensions-apiserver's crdHandler serves a CRD once it is established), and a
    /// new one without conditions gets the status of an established definition, as the API server's naming and
    /// establishing controllers give it (so <c>kubectl wait --for condition=established</c> returns). A kind Podnet
    /// models itself (SecurityGroupPolicy, CNINode, ENIConfig: the definitions EKS installs) keeps its own registration,
    /// with its checks. A deleted definition leaves its kind served (the real server stops serving it and deletes its
    /// objects).
    /// </summary>
    private void ServeCustomResources(WatchEvent change)
    {
        if (change.Type == WatchEventType.Deleted || change.Object is not { Kind: "CustomResourceDefinition", ApiVersion: "apiextensions.k8s.io/v1" } crd)
        {
            return;
        }

        try
        {
            foreach (var resource in CustomResourceDefinitions.FromCustomResourceDefinition(crd.Raw))
            {
                if (!KubeResources.BuiltIn.Any(b => b.ApiVersion == resource.ApiVersion && b.Kind == resource.Kind))
                {
                    Store.Resources.Register(resource);
                }
            }
        }
        catch (ArgumentException)
        {
            // A definition without a group, kind or plural serves nothing; its validation is the store's.
            return;
        }

        if (change.Type == WatchEventType.Added && crd.Peek("status.conditions") is null)
        {
            var status = CustomResourceDefinitions.Established(crd.Raw, Time.GetUtcNow());
            Store.UpdateStatusHandedOver(crd, status, new RequestContext("system:apiserver"));
        }
    }

    private IPodSandboxNetwork NetworkOf(NodeView node) => _networks.GetValueOrDefault(node.Name) ?? _defaultNetwork;

    private ProbeFailure? RunProbe(PodView pod, NodeView node, JsonObject container, ProbeType type, ProbeSpec probe)
        => _probeRunners.Select(runner => runner(pod, node, container, type, probe)).FirstOrDefault(failure => failure is not null);

    private string? NotReadyReason(PodView pod) => _readinessProbes.Select(probe => probe(pod)).FirstOrDefault(reason => reason is not null);

    private IEnumerable<string> AllocatedClusterIps()
        => Store.List(Store.Resources.For("v1", "Service")).Items
            .SelectMany(s => (s["spec.clusterIPs"] as JsonArray)?.Select(ip => ip?.GetValue<string>()) ?? [s.GetString("spec.clusterIP")])
            .Where(ip => !string.IsNullOrEmpty(ip) && ip != "None")
            .Select(ip => ip!);

    private IEnumerable<int> AllocatedNodePorts()
        => Store.List(Store.Resources.For("v1", "Service")).Items
            .SelectMany(s => (s["spec.ports"] as JsonArray ?? []).OfType<JsonObject>())
            .Select(p => p["nodePort"] is JsonValue v && v.TryGetValue<int>(out var port) ? port : 0)
            .Where(port => port != 0);
}

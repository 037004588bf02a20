using Podnet.Aws;
using Podnet.Aws.Eks;
using Podnet.Aws.InstanceTypes;
using Podnet.Cni;
using Podnet.Fargate;
using Podnet.Kube;
using Podnet.Kube.Controllers;
using Podnet.NetworkPolicyController;
using Podnet.Net;
using Podnet.ResourceController;
using Podnet.World;

namespace Podnet.Composition;

// Inside the namespace, so that it wins over the namespace Podnet.World when the name World is looked up.
using World = Podnet.World.World;

/// <summary>
/// The composition root of an emulated EKS cluster: the one place that news and wires its parts — the Kubernetes
/// control plane (store, admission, controllers, scheduler, kubelets: <see cref="ControlPlane"/>), the emulated AWS
/// account (<see cref="AwsCloud"/>: EC2 behind <see cref="Aws.Ec2.IEc2"/> with IAM and throttling, EKS, IAM), the VPC
/// CNI on every node (<see cref="AwsNode"/>: aws-node's ipamd), and what EKS runs on the cluster's control plane (the
/// VPC resource controller and its webhooks, its Windows IPAM, the Fargate scheduler and profile webhook, the add-on
/// manager). The world loader, the CLI and <c>podnet up</c> ask it for a wired <see cref="World"/> and new none of
/// these parts themselves; each part is handed its collaborators here.
/// </summary>
/// <remarks>
/// Shaped as ASP.NET Core's host builder (<c>WebApplication.CreateBuilder</c> … <c>Build()</c>): options first, one
/// <see cref="Build"/>. The order of wiring is the order the parts hear the store's events in, so it is fixed here:
/// the control plane's own controllers, aws-node, then (with a cluster) the Fargate profile webhook before the
/// resource controller's, the resource controller's reconcilers, Windows IPAM, the Fargate scheduler.
/// </remarks>
public sealed class ClusterBuilder
{
    private CidrBlock? _serviceCidr;
    private Cluster? _cluster;
    private IReadOnlyDictionary<string, int> _nodegroupMaxPods = new Dictionary<string, int>();
    private Action<World>? _settleProgress;
    private bool _built;

    /// <param name="seed">Seeds every generated name, UID, address and ID, so runs repeat exactly.</param>
    /// <param name="time">The world's clock; a new one at <see cref="World.Epoch"/> when null.</param>
    public ClusterBuilder(int seed = 1, VirtualTimeProvider? time = null)
    {
        Seed = seed;
        Time = time ?? new VirtualTimeProvider(World.Epoch);
    }

    /// <summary>Seeds the control plane's generated names and UIDs (and the account's IDs, when this builder makes it).</summary>
    public int Seed { get; }

    /// <summary>The one clock every part reads.</summary>
    public VirtualTimeProvider Time { get; }

    /// <summary>The emulated AWS account the cluster runs in, once added; null for a policy-only world.</summary>
    public AwsCloud? Cloud { get; private set; }

    /// <summary>
    /// Makes the emulated AWS account (EC2, IAM, EKS, CloudFormation on this builder's clock) and returns it, so its
    /// resources can be created before the cluster is built.
    /// </summary>
    /// <exception cref="InvalidOperationException">The builder has an account already, or has built.</exception>
    public AwsCloud AddAccount(AwsOptions options, InstanceTypeCatalog? instanceTypes = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        EnsureOpen();
        if (Cloud is not null)
        {
            throw new InvalidOperationException("The cluster has an AWS account already.");
        }

        Cloud = new AwsCloud(options, Time, instanceTypes);
        return Cloud;
    }

    /// <summary>Runs the cluster in an account that exists already (a served account where <c>aws eks create-cluster</c> made it).</summary>
    /// <exception cref="InvalidOperationException">The builder has an account already, or has built.</exception>
    public ClusterBuilder UseAccount(AwsCloud cloud)
    {
        ArgumentNullException.ThrowIfNull(cloud);
        EnsureOpen();
        if (Cloud is not null)
        {
            throw new InvalidOperationException("The cluster has an AWS account already.");
        }

        Cloud = cloud;
        return this;
    }

    /// <summary>The Services' ClusterIP range (EKS's <c>kubernetesNetworkConfig.serviceIpv4Cidr</c>, or <c>serviceIpv6Cidr</c> in an IPv6 cluster); <see cref="ControlPlane.DefaultServiceCidr"/> when not set.</summary>
    public ClusterBuilder UseServiceCidr(CidrBlock? serviceCidr)
    {
        EnsureOpen();
        _serviceCidr = serviceCidr;
        return this;
    }

    /// <summary>
    /// The EKS cluster whose control plane this is: <see cref="Build"/> starts what EKS runs for it (the VPC resource
    /// controller, Windows IPAM, the Fargate scheduler and webhooks, acting with the cluster's role) and installs its
    /// add-on manager. Its service CIDR is the cluster's unless <see cref="UseServiceCidr"/> says otherwise.
    /// </summary>
    /// <exception cref="InvalidOperationException">No AWS account: a cluster belongs to one.</exception>
    public ClusterBuilder UseEksCluster(Cluster cluster)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        EnsureOpen();
        if (Cloud is null)
        {
            throw new InvalidOperationException("An EKS cluster needs its AWS account: add the account first.");
        }

        _cluster = cluster;
        _serviceCidr ??= CidrBlock.Parse(cluster.KubernetesNetworkConfig.ServiceCidr);
        return this;
    }

    /// <summary>The kubelet's <c>--max-pods</c> per node group (see <see cref="World.NodegroupMaxPods"/>).</summary>
    public ClusterBuilder UseNodegroupMaxPods(IReadOnlyDictionary<string, int> maxPods)
    {
        ArgumentNullException.ThrowIfNull(maxPods);
        EnsureOpen();
        _nodegroupMaxPods = maxPods;
        return this;
    }

    /// <summary>Called while the world settles (see <see cref="World.SettleProgress"/>); set before anything runs.</summary>
    public ClusterBuilder UseSettleProgress(Action<World>? progress)
    {
        EnsureOpen();
        _settleProgress = progress;
        return this;
    }

    /// <summary>
    /// Wires the parts and returns the world. Nothing has run yet and the store is empty: the caller bootstraps the
    /// control plane (<see cref="ControlPlane.Bootstrap"/>) and applies its objects. Instances launched up to now
    /// count as up when the world began (<see cref="World.BootedBefore"/>).
    /// </summary>
    /// <exception cref="InvalidOperationException">Built already: a builder makes one world.</exception>
    public World Build()
    {
        EnsureOpen();
        _built = true;

        // A policy-only world has no nodes: nothing is scheduled or started.
        var controlPlane = new ControlPlane(Time, Seed, _serviceCidr, scheduling: Cloud is not null);
        AwsNode? awsNode = null;
        if (Cloud is { } cloud)
        {
            // The VPC CNI is every EKS node's network plugin: aws-node's ipamd hands out VPC addresses.
            awsNode = new AwsNode(controlPlane.Store, Time, cloud, controlPlane.Kubelet.RefreshNode);
            controlPlane.AddController(awsNode);
            controlPlane.UseNetwork(new NodeOsNetwork(awsNode, new VpcBridge(controlPlane.Store, Time)));
            controlPlane.AddReadinessProbe(awsNode.AwsNodeNotReadyReason);
        }

        var world = new World(Seed, Time, Cloud, controlPlane, awsNode)
        {
            NodegroupMaxPods = _nodegroupMaxPods,
            SettleProgress = _settleProgress,
            BootedBefore = Time.GetUtcNow(),
        };
        if (Cloud is { } account)
        {
            // The kubelet's probes go along the world's network path, so they need the whole world.
            controlPlane.AddProbeRunner(new KubeletProbes(world).Run);
            controlPlane.AddProbeInputs(() => account.Ec2View.SecurityRevision);
            controlPlane.AddController(new CloudNodeLifecycleController(controlPlane.Store, Time, controlPlane.Events, world.InstanceGoneAt));

            // A node group's nodes boot from its AMI type's EKS-optimized AMI, with the images it caches.
            controlPlane.Kubelet.PreloadImages((node, image) => AmiCachedImages.IsCached(world.AmiTypeOf(node), account.Options.Region, image));
        }

        if (_cluster is { } cluster)
        {
            StartClusterControllers(world, Cloud!, cluster);

            // EKS's add-on manager: the EKS API's CreateAddon, UpdateAddon and DeleteAddon change the running cluster.
            Cloud!.Eks.UseAddonInstaller(cluster.Name, new EksAddonInstaller(world));
        }

        return world;
    }

    /// <summary>
    /// What runs on the EKS control plane for a cluster: the VPC resource controller and its webhooks, its Windows
    /// IPAM, the Fargate scheduler, acting with the cluster's role, and the network policy controller.
    /// </summary>
    private static void StartClusterControllers(World world, AwsCloud cloud, Cluster cluster)
    {
        world.Cluster = cluster;
        var controlPlane = world.ControlPlane;
        controlPlane.NodeLifecycle.NodeMonitorGracePeriod = NodeLifecycleController.GracePeriodFor(cluster.Version);
        var store = controlPlane.Store;

        // EKS's Fargate webhook first: its configuration's name (0500-…) sorts before the resource controller's, so
        // mpod.vpc.k8s.aws sees the Fargate profile label it sets.
        store.Admission.Register(new FargateProfileWebhook(() => cloud.Eks.ActiveFargateProfiles(cluster.Name)).ToWebhook());
        ResourceControllerWebhooks.Register(store.Admission, store);
        var matcher = new SecurityGroupPolicyMatcher(store);
        var resourceController = new VpcResourceController(store, world.Time, controlPlane.Events, cloud, cluster.Name, cluster.RoleArn, pod =>
        {
            var match = matcher.Match(pod);
            return (match.GroupIds, match.Error);
        });
        foreach (var controller in resourceController.Controllers)
        {
            controlPlane.AddController(controller);
        }

        var windowsIpam = new WindowsIpam(store, world.Time, controlPlane.Events, resourceController.Provider);
        controlPlane.AddController(windowsIpam);
        var fargateScheduler = new FargateScheduler(store, world.Time, controlPlane.Events, cloud, cluster, controlPlane.SetNetwork, world.Seed);
        controlPlane.AddController(fargateScheduler);
        controlPlane.AddController(new PolicyEndpointsController(store, world.Time));
        world.ResourceController = resourceController;
        world.WindowsIpam = windowsIpam;
        world.FargateScheduler = fargateScheduler;
    }

    private void EnsureOpen()
    {
        if (_built)
        {
            throw new InvalidOperationException("The cluster is built already: a builder makes one world.");
        }
    }
}

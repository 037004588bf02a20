using Podnet.Aws;
using Podnet.Aws.Ec2;
using Podnet.Aws.InstanceTypes;
using Podnet.Cni;
using Podnet.Cni.Ipamd;
using Podnet.Tests.TestSupport;

namespace Podnet.Tests.Cni.Ipamd;

/// <summary>
/// One node on the real emulated EC2: VPC 10.0.0.0/16, the node subnet 10.0.0.0/24 (us-west-2a, or a given CIDR), a
/// running instance, and its ipamd. Drives the pool the way the agent does: pods arrive one at a time (a pod that
/// gets no address waits for the next pool cycle), and the clock moves by the delay ipamd asks for.
/// </summary>
internal sealed class IpamdNode
{
    private EniConfigSpec? _eniConfig;

    private IpamdNode(string instanceType, CniSettings settings, string nodeSubnetCidr, int? maxPods, IReadOnlyList<string>? nodeGroups)
    {
        Time = new ManualTimeProvider();
        Cloud = new AwsCloud(new AwsOptions(), Time);
        Vpc = Backend.CreateVpc(new CreateVpcRequest("10.0.0.0/16"));
        NodeSubnet = Backend.CreateSubnet(new CreateSubnetRequest(Vpc.VpcId, nodeSubnetCidr, "us-west-2a"));
        Type = Backend.InstanceTypes.Find(instanceType)!;
        Instance = Backend.RunInstances(new RunInstancesRequest(instanceType, NodeSubnet.SubnetId, SecurityGroupIds: nodeGroups)).Instances[0];
        Settings = settings;
        Ipamd = new Podnet.Cni.Ipamd.Ipamd(Cloud.Ec2, Time, settings, Instance, Type, maxPods ?? Type.MaxPods!.Value, () => _eniConfig);
    }

    public ManualTimeProvider Time { get; }

    public AwsCloud Cloud { get; }

    public Ec2Backend Backend => Cloud.Ec2Backend;

    public Vpc Vpc { get; }

    public Subnet NodeSubnet { get; }

    public InstanceTypeInfo Type { get; }

    public Instance Instance { get; }

    public CniSettings Settings { get; }

    public Podnet.Cni.Ipamd.Ipamd Ipamd { get; }

    public List<PodKey> Pods { get; } = [];

    /// <summary>What the ENIConfig lookup answers from now on (null: no ENIConfig for the node).</summary>
    public EniConfigSpec? EniConfig
    {
        get => _eniConfig;
        set => _eniConfig = value;
    }

    /// <summary>A node whose ipamd is not initialized yet (to set up ENIConfigs, trunks… first).</summary>
    public static IpamdNode Create(string instanceType, CniSettings settings, string nodeSubnetCidr = "10.0.0.0/24", int? maxPods = null, IReadOnlyList<string>? nodeGroups = null)
        => new(instanceType, settings, nodeSubnetCidr, maxPods, nodeGroups);

    public static async Task<IpamdNode> StartAsync(string instanceType, CniSettings settings, string nodeSubnetCidr = "10.0.0.0/24", int? maxPods = null)
    {
        var node = Create(instanceType, settings, nodeSubnetCidr, maxPods);
        await node.Ipamd.InitializeAsync(CancellationToken.None);
        Assert.True(node.Ipamd.Initialized, node.Ipamd.InitError);
        return node;
    }

    public Subnet CreateSubnet(string cidr, string zone = "us-west-2a") => Backend.CreateSubnet(new CreateSubnetRequest(Vpc.VpcId, cidr, zone));

    public string CreateGroup(string name) => Backend.CreateSecurityGroup(new CreateSecurityGroupRequest(name, name, Vpc.VpcId));

    /// <summary>One pool cycle, then the clock moves on by the delay ipamd returned.</summary>
    public async Task CycleAsync()
    {
        var next = await Ipamd.ReconcileAsync(CancellationToken.None);
        Assert.Equal(TimeSpan.FromSeconds(5), next);
        Time.Advance(next);
    }

    public async Task CyclesAsync(int count)
    {
        for (var i = 0; i < count; i++)
        {
            await CycleAsync();
        }
    }

    /// <summary>
    /// Runs pool cycles until nothing changed for 40 cycles (200 s: longer than the 120 s subnet pause, the 60 s
    /// ENI minimum age and the 30 s decrease interval), so the state is the one ipamd keeps.
    /// </summary>
    public async Task SettleAsync()
    {
        var quiet = 0;
        var last = Snapshot();
        for (var cycle = 0; cycle < 1000 && quiet < 40; cycle++)
        {
            await CycleAsync();
            var now = Snapshot();
            quiet = now == last ? quiet + 1 : 0;
            last = now;
        }

        Assert.Equal(40, quiet);
    }

    /// <summary>Adds pods one at a time, each waiting (pool cycles) until it gets an address; one cycle between pods.</summary>
    public async Task AddPodsAsync(int count)
    {
        for (var i = 0; i < count; i++)
        {
            var key = new PodKey("default", $"pod-{Pods.Count}", $"sandbox-{Pods.Count}");
            var tries = 0;
            while (!Ipamd.Assign(key).Success)
            {
                Assert.True(++tries < 100, $"{key} got no address: {string.Join(" | ", Ipamd.Log.TakeLast(5))}");
                await CycleAsync();
            }

            Pods.Add(key);
            await CycleAsync();
        }
    }

    /// <summary>The pool as the doc tables count it: per attached ENI (the primary included), pod-usable addresses.</summary>
    public int[] IpsPerEni() => [.. Ipamd.Enis.Select(e => e.CidrsOfMode(Ipamd.PrefixDelegation).Sum(c => (int)c.Size))];

    public int[] PrefixesPerEni() => [.. Ipamd.Enis.Select(e => e.CidrsOfMode(true).Count())];

    /// <summary>The instance's ENIs as EC2 has them, by device index.</summary>
    public List<NetworkInterface> Ec2Enis()
        => [.. Backend.DescribeNetworkInterfaces(DescribeRequest.Where(new Filter("attachment.instance-id", Instance.InstanceId))).OrderBy(e => e.Attachment!.DeviceIndex)];

    /// <summary>Secondary addresses (prefixes with prefix delegation) per attached ENI, as EC2 has them.</summary>
    public int[] Ec2CidrsPerEni()
        => [.. Ec2Enis().Select(e => Ipamd.PrefixDelegation ? e.Ipv4Prefixes.Count : e.PrivateIpAddresses.Count(a => !a.Primary))];

    public int SubnetFree(string subnetId) => Backend.DescribeSubnets(DescribeRequest.ForIds(subnetId))[0].AvailableIpAddressCount;

    private string Snapshot() => string.Join(';', Ipamd.Enis.Select(e => e.Id + ":" + string.Join(',', e.Cidrs.Select(c => c.Cidr))));
}

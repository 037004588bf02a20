using Podnet.Aws.Ec2;
using Podnet.Kube.Views;
using Podnet.Policy;
using Podnet.Tests.TestSupport;

namespace Podnet.Tests.Policy.SecurityGroups;

/// <summary>
/// Security group rules that name a managed prefix list (<c>PrefixListIds</c>), on whole worlds: the pod security
/// group of seed 000's example admits what the list's entries hold at the time of the decision, reach and the matrix
/// agree, and a list that does not exist is EC2's <c>InvalidPrefixListID.NotFound</c>.
/// </summary>
public class PrefixListRulesTests
{
    private static string ListAndRule(string entry) => $$"""
        apiVersion: aws.podnet.dev/v1alpha1
        kind: ManagedPrefixList
        metadata: {name: web-clients}
        spec: {AddressFamily: IPv4, MaxEntries: 5, Entries: [{Cidr: {{entry}}, Description: clients}]}
        ---
        # aws ec2 authorize-security-group-ingress --group-id $my_pod_security_group_id \
        #   --ip-permissions 'IpProtocol=tcp,FromPort=80,ToPort=80,PrefixListIds=[{PrefixListId=pl-…,Description=web}]'
        apiVersion: aws.podnet.dev/v1alpha1
        kind: SecurityGroupIngress
        metadata: {name: web-from-list}
        spec:
          GroupId: my-pod-security-group
          IpPermissions:
          - {IpProtocol: tcp, FromPort: 80, ToPort: 80, PrefixListIds: [{PrefixListId: web-clients, Description: web}]}
        """;

    private static (PodView Replica, PodView CoreDns) Pods(Podnet.World.World world)
        => (world.ControlPlane.Store.List("v1", "Pod", "my-namespace").Items.Select(p => PodView.Of(p)).OrderBy(p => p.Name, StringComparer.Ordinal).First(),
            world.ControlPlane.Store.List("v1", "Pod", "kube-system").Items.Select(p => PodView.Of(p)).First(p => p.Name.StartsWith("coredns-", StringComparison.Ordinal)));

    [Fact]
    public void PodGroupIngress_FromAPrefixList_AdmitsAnAddressOfItsEntries()
    {
        // The private subnets (192.168.64.0/19, 192.168.96.0/19) hold CoreDNS, which runs with the cluster group only.
        var world = ExampleWorlds.Load("security-groups-for-pods", null, ListAndRule("192.168.64.0/18"));
        var (replica, coredns) = Pods(world);
        var listId = world.Cloud!.Ec2View.DescribeManagedPrefixLists(DescribeRequest.Where(new Filter("prefix-list-name", "web-clients")))[0].PrefixListId;

        var result = new Reachability(world).Evaluate($"kube-system/{coredns.Name}", $"my-namespace/{replica.Name}", "80");

        Assert.True(result.Allowed, string.Join("\n", result.Hops.Select(h => $"{h.Step}: {h.Detail}")));
        Assert.Contains(result.Hops, h => h.Step == "ingress" && h.Detail.Contains($"sg-05b1d815d1e4a1b2c (my-pod-security-group) ingress TCP/80 from {listId} (web-clients) 192.168.64.0/18", StringComparison.Ordinal));
        Assert.False(new Reachability(world).Evaluate($"kube-system/{coredns.Name}", $"my-namespace/{replica.Name}", "443").Allowed);
    }

    [Fact]
    public void PodGroupIngress_FromAPrefixList_RefusesAnAddressOutsideItsEntries()
    {
        var world = ExampleWorlds.Load("security-groups-for-pods", null, ListAndRule("10.0.0.0/8"));
        var (replica, coredns) = Pods(world);

        var result = new Reachability(world).Evaluate($"kube-system/{coredns.Name}", $"my-namespace/{replica.Name}", "80");

        Assert.False(result.Allowed);
        Assert.Equal(("ingress", false), (result.Hops[^1].Step, result.Hops[^1].Allowed));
        Assert.Contains("no ingress rule of sg-05b1d815d1e4a1b2c (my-pod-security-group) allows TCP/80", result.Hops[^1].Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void PrefixListRule_DecidesTheMatrix_AsTheSameRuleWithTheListsEntriesAsCidrs()
    {
        // The entry holds one private subnet's pods and not the other's: the list must split classes as the CIDR does,
        // and the algebra must agree with the pairwise oracle.
        var spec = PortSpec.TryParse("80", out var parsed, out _) ? parsed : throw new InvalidOperationException();
        var listed = new Reachability(ExampleWorlds.Load("security-groups-for-pods", null, ListAndRule("192.168.64.0/19")));
        var cidrRule = ListAndRule("192.168.64.0/19").Replace("PrefixListIds: [{PrefixListId: web-clients, Description: web}]", "IpRanges: [{CidrIp: 192.168.64.0/19}]", StringComparison.Ordinal);
        var plain = new Reachability(ExampleWorlds.Load("security-groups-for-pods", null, cidrRule));

        var algebra = ConnectivityMatrix.Compute(listed, spec);
        var pairwise = ConnectivityMatrix.ComputePairwise(listed, spec);
        var asCidrs = ConnectivityMatrix.Compute(plain, spec);

        Assert.Equal(asCidrs.Pods, algebra.Pods);
        Assert.Equal(asCidrs.Classes, algebra.Classes);
        var pairs = Enumerable.Range(0, algebra.Pods.Count).SelectMany(f => Enumerable.Range(0, algebra.Pods.Count).Select(t => (f, t))).ToList();
        Assert.Equal(pairs.Where(p => asCidrs.Allowed(p.f, p.t)), pairs.Where(p => algebra.Allowed(p.f, p.t)));
        Assert.Equal(pairwise.AllowedPairs(), algebra.AllowedPairs());
        Assert.InRange(algebra.AllowedPairs(), 1, ((long)algebra.Pods.Count * (algebra.Pods.Count - 1)) - 1);
    }

    [Theory]
    [InlineData("pl-0123456789abcdef0", "InvalidPrefixListID.NotFound: The prefix list ID 'pl-0123456789abcdef0' does not exist.")]
    [InlineData("nope", "spec.IpPermissions[0].PrefixListIds: no ManagedPrefixList named \"nope\" in the world")]
    public void PrefixListRule_NamingNoList_IsAnError(string reference, string message)
    {
        var error = BadWorlds.LoadError(ExampleWorlds.Text("security-groups-for-pods", "cluster.yaml") + "\n---\n" + """
            apiVersion: aws.podnet.dev/v1alpha1
            kind: SecurityGroup
            metadata: {name: db}
            spec:
              Vpc: podnet-vpc
              Description: db
              IpPermissions:
              - {IpProtocol: tcp, FromPort: 5432, ToPort: 5432, PrefixListIds: [{PrefixListId: REF}]}
            """.Replace("REF", reference, StringComparison.Ordinal));

        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public void PodGroupEgress_ToTheAwsManagedS3List_AdmitsAnS3Address_AndNothingElse()
    {
        // What EKS users do for S3: the pod group's only egress rule names com.amazonaws.us-west-2.s3 (by its name here).
        var world = ExampleWorlds.Load("security-groups-for-pods", text => text.Replace(
            "  Description: My pod security group\n",
            "  Description: My pod security group\n  IpPermissionsEgress:\n  - {IpProtocol: tcp, FromPort: 443, ToPort: 443, PrefixListIds: [{PrefixListId: com.amazonaws.us-west-2.s3}]}\n",
            StringComparison.Ordinal));
        var (replica, _) = Pods(world);

        var s3 = new Reachability(world).Evaluate($"my-namespace/{replica.Name}", "52.218.130.10", "443");
        var elsewhere = new Reachability(world).Evaluate($"my-namespace/{replica.Name}", "8.8.8.8", "443");

        Assert.True(s3.Allowed, string.Join("\n", s3.Hops.Select(h => $"{h.Step}: {h.Detail}")));
        Assert.Contains(s3.Hops, h => h.Step == "egress" && h.Detail.Contains("sg-05b1d815d1e4a1b2c (my-pod-security-group) egress TCP/443 to pl-68a54001 (com.amazonaws.us-west-2.s3) 52.218.128.0/17", StringComparison.Ordinal));
        Assert.False(elsewhere.Allowed);
        Assert.Equal(("egress", false), (elsewhere.Hops[^1].Step, elsewhere.Hops[^1].Allowed));
    }
}

using Podnet.Kube.Views;
using Podnet.Policy;

namespace Podnet.Tests.Policy;

/// <summary>
/// The matrix by set algebra (<see cref="ConnectivityMatrix.Compute(Reachability, PortSpec?, Action{int, int}?)"/>)
/// held to two oracles on randomised, seeded worlds (<see cref="RandomMatrixWorlds"/>): the per-pair-of-classes path
/// (<see cref="ConnectivityMatrix.ComputePairwise"/>), class by class, and <see cref="Reachability.IsAllowed"/> on
/// every ordered pair of pods — policy-only worlds, and cluster worlds with security groups for pods in strict and
/// standard mode under no enforcer, the VPC CNI's agent and Calico.
/// </summary>
public class AlgebraicMatrixTests
{
    private const int PolicyWorlds = 40;

    public static TheoryData<int> PolicySeeds() => [.. Enumerable.Range(1, PolicyWorlds)];

    [Theory]
    [MemberData(nameof(PolicySeeds))]
    public void RandomPolicyWorld_AlgebraEqualsPairwise(int seed)
    {
        var world = RandomMatrixWorlds.PolicyOnly(seed);

        var verdicts = AssertAlgebraEqualsOracles(world, RandomMatrixWorlds.Ports);

        Assert.True(verdicts.Pods >= 2, $"seed {seed}: {verdicts.Pods} pods in the matrix");
    }

    [Fact]
    public void RandomPolicyWorlds_HaveBothVerdictsOnEveryPort_AndClassesOfManyPods()
    {
        // Guards the randomised test above against worlds too plain to tell a wrong algebra from a right one.
        foreach (var port in RandomMatrixWorlds.Ports)
        {
            var spec = Spec(port);
            var matrices = Enumerable.Range(1, PolicyWorlds).Select(s => ConnectivityMatrix.Compute(RandomMatrixWorlds.PolicyOnly(s), spec)).ToList();
            Assert.Contains(matrices, m => m.AllowedPairs() > 0);
            Assert.Contains(matrices, m => m.AllowedPairs() < (long)m.Pods.Count * (m.Pods.Count - 1));
            Assert.Contains(matrices, m => m.Classes < m.Pods.Count);
        }
    }

    [Fact]
    public void LargeRandomPolicyWorld_AlgebraEqualsPairwise_ClassByClass()
    {
        // Hundreds of classes: several words a row, so the bitsets' vector paths run (the worlds above fit in one word).
        var world = RandomMatrixWorlds.PolicyOnly(seed: 7, pods: 600);
        var reach = new Reachability(world);

        foreach (var port in RandomMatrixWorlds.Ports)
        {
            var algebra = ConnectivityMatrix.Compute(reach, Spec(port));
            var pairwise = ConnectivityMatrix.ComputePairwise(reach, Spec(port));

            Assert.True(algebra.Classes > 256, $"{algebra.Classes} classes");
            Assert.Equal(pairwise.Evaluations, algebra.Evaluations);
            var mismatches = Enumerable.Range(0, algebra.Classes)
                .SelectMany(from => Enumerable.Range(0, algebra.Classes).Select(to => (from, to)))
                .Where(p => algebra.ClassAllowed(p.from, p.to) != pairwise.ClassAllowed(p.from, p.to))
                .ToList();
            Assert.True(mismatches.Count == 0, $"{port}: {mismatches.Count} pairs of classes differ, e.g. {string.Join(", ", mismatches.Take(10))}");
            Assert.Equal(pairwise.AllowedPairs(), algebra.AllowedPairs());
        }
    }

    public static TheoryData<int, string, string> ClusterCases() => new()
    {
        { 1, "strict", "none" },
        { 2, "standard", "vpc-cni" },
        { 3, "strict", "calico" },
        { 4, "standard", "calico" },
        { 5, "strict", "vpc-cni" },
        { 6, "standard", "none" },
    };

    [Theory]
    [MemberData(nameof(ClusterCases))]
    public void RandomClusterWorld_WithSecurityGroups_AlgebraEqualsPairwise(int seed, string mode, string enforcer)
    {
        var world = RandomMatrixWorlds.Cluster(seed, mode, enforcer);
        var reach = new Reachability(world);
        Assert.Equal(enforcer switch { "vpc-cni" => NetworkPolicyEnforcer.VpcCni, "calico" => NetworkPolicyEnforcer.Calico, _ => null }, reach.Enforcer);

        var verdicts = AssertAlgebraEqualsOracles(world, RandomMatrixWorlds.Ports);

        // The world exercises what the algebra combines: branch pods, pods sharing a node, both verdicts.
        Assert.Contains(world.AwsNode!.PodNetworks, n => n.IsBranch && n.PodSecurityGroupEnforcingMode == mode);
        Assert.True(verdicts.Allowed > 0 && verdicts.Denied > 0, $"{verdicts.Allowed} allowed, {verdicts.Denied} denied");
        var nodes = world.AwsNode.PodNetworks.GroupBy(n => n.NodeName).ToList();
        Assert.Contains(nodes, g => g.Count() >= 2);
    }

    [Fact]
    public void RandomClusterWorlds_NameTheirPrefixListInRules()
    {
        // Guards the cluster cases above: their groups' rules name the prefix list, so the algebra's reading of its
        // entries is held to the oracles.
        var named = ClusterCases().Select(c => RandomMatrixWorlds.Cluster((int)c[0], (string)c[1], (string)c[2]))
            .Count(w => w.Cloud!.Ec2View.DescribeSecurityGroups().Any(g => g.IpPermissions.Concat(g.IpPermissionsEgress).Any(p => p.PrefixListIds is { Count: > 0 })));

        Assert.True(named >= 2, $"{named} of the cluster worlds name the prefix list");
    }

    /// <summary>
    /// Asserts the algebraic matrix equals the pairwise one class by class and <see cref="Reachability.IsAllowed"/>
    /// pod by pod, and that exactly the pods with an address off the host network are in it; counts the verdicts.
    /// </summary>
    internal static (int Pods, long Allowed, long Denied) AssertAlgebraEqualsOracles(Podnet.World.World world, IReadOnlyList<string> ports)
    {
        var reach = new Reachability(world);
        var expectedPods = world.ControlPlane.Store.List("v1", "Pod").Items.Select(p => PodView.Of(p))
            .Where(v => v.PodIP is not null && !v.HostNetwork)
            .Select(v => $"{v.Namespace}/{v.Name}")
            .Order(StringComparer.Ordinal)
            .ToList();
        long allowed = 0;
        long denied = 0;
        var podCount = 0;
        foreach (var port in ports)
        {
            var spec = Spec(port);
            var algebra = ConnectivityMatrix.Compute(reach, spec);
            var pairwise = ConnectivityMatrix.ComputePairwise(reach, spec);
            Assert.Equal(expectedPods, algebra.Pods.Order(StringComparer.Ordinal));
            Assert.Equal(pairwise.Pods, algebra.Pods);
            Assert.Equal(pairwise.Classes, algebra.Classes);
            Assert.Equal(pairwise.Evaluations, algebra.Evaluations);
            var classMismatches = new List<string>();
            for (var from = 0; from < algebra.Classes; from++)
            {
                for (var to = 0; to < algebra.Classes; to++)
                {
                    if (algebra.ClassAllowed(from, to) != pairwise.ClassAllowed(from, to))
                    {
                        classMismatches.Add($"{port} class {from} -> {to}: algebra {algebra.ClassAllowed(from, to)}, pairwise {pairwise.ClassAllowed(from, to)}");
                    }
                }
            }

            Assert.True(classMismatches.Count == 0, string.Join("\n", classMismatches.Take(20)));
            var endpoints = algebra.Pods.Select(p => reach.ResolveEndpoint(p)!).ToArray();
            var mismatches = new List<string>();
            for (var from = 0; from < endpoints.Length; from++)
            {
                for (var to = 0; to < endpoints.Length; to++)
                {
                    if (from == to)
                    {
                        Assert.False(algebra.Allowed(from, to));
                        continue;
                    }

                    var expected = reach.IsAllowed(endpoints[from], endpoints[to], spec);
                    if (expected != algebra.Allowed(from, to))
                    {
                        mismatches.Add($"{algebra.Pods[from]} -> {algebra.Pods[to]} {port}: algebra {algebra.Allowed(from, to)}, reach {expected}");
                    }

                    _ = expected ? allowed++ : denied++;
                }
            }

            Assert.True(mismatches.Count == 0, string.Join("\n", mismatches.Take(20)));
            Assert.Equal(algebra.AllowedPairs(), pairwise.AllowedPairs());
            podCount = algebra.Pods.Count;
        }

        return (podCount, allowed, denied);
    }

    internal static PortSpec Spec(string port)
    {
        Assert.True(PortSpec.TryParse(port, out var spec, out var error), error);
        return spec;
    }
}

using System.Globalization;
using System.Net;
using BenchmarkDotNet.Attributes;
using Podnet.Aws.Ec2;
using Podnet.Policy.SecurityGroups;

namespace Podnet.Benchmarks;

/// <summary>
/// The security-group step of <c>podnet reach</c> with hundreds of groups: each group has ten ingress rules (five
/// referencing other groups, five CIDRs on other ports). An interface carries five groups, the most EC2 allows by
/// default; the denied check reads every rule of all five, the allowed one stops at its match.
/// </summary>
[MemoryDiagnoser]
public class SecurityGroupEvaluatorBenchmarks
{
    private SecurityGroupEvaluator _evaluator = null!;
    private SecurityGroupEvaluator.Side _destination = null!;
    private SecurityGroupEvaluator.Side _allowedSource = null!;
    private SecurityGroupEvaluator.Side _deniedSource = null!;

    [Params(100, 1_000)]
    public int Groups { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var groups = new List<SecurityGroup>(Groups);
        for (var g = 0; g < Groups; g++)
        {
            var rules = new List<IpPermission>();
            for (var r = 0; r < 5; r++)
            {
                rules.Add(new IpPermission("tcp", 8000 + r, 8000 + r, UserIdGroupPairs: [new UserIdGroupPair(Id((g + r + 1) % Groups))]));
                rules.Add(new IpPermission("udp", 9000 + r, 9000 + r, IpRanges: [new IpRange(string.Create(CultureInfo.InvariantCulture, $"10.{g % 250}.{r}.0/24"))]));
            }

            groups.Add(new SecurityGroup(Id(g), $"group-{g}", "generated", "vpc-0bench", "111122223333", $"arn:aws:ec2:us-west-2:111122223333:security-group/{Id(g)}", rules, [IpPermission.AllTraffic("0.0.0.0/0")], []));
        }

        _evaluator = new SecurityGroupEvaluator(groups);
        _destination = new SecurityGroupEvaluator.Side(IPAddress.Parse("192.168.64.10"), [Id(0), Id(1), Id(2), Id(3), Id(4)]);
        _allowedSource = new SecurityGroupEvaluator.Side(IPAddress.Parse("192.168.64.20"), [Id(5)]);
        _deniedSource = new SecurityGroupEvaluator.Side(IPAddress.Parse("192.168.64.30"), [Id(Groups - 1 - 10)]);
    }

    [Benchmark]
    public bool IngressAllowed() => _evaluator.Check(_destination, _allowedSource, egress: false, "tcp", 8004).Allowed;

    [Benchmark]
    public bool IngressDenied() => _evaluator.Check(_destination, _deniedSource, egress: false, "tcp", 8004).Allowed;

    private static string Id(int n) => string.Create(CultureInfo.InvariantCulture, $"sg-{n:x17}");
}

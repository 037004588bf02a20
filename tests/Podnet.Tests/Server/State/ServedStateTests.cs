using System.Net;
using System.Text.Json.Nodes;
using Podnet.Aws.Ec2;
using Podnet.Aws.Ec2.Faults;
using Podnet.Server.State;
using Podnet.Tests.TestSupport;
using static Podnet.Tests.TestSupport.StateRequests;

namespace Podnet.Tests.Server.State;

/// <summary>
/// A served account kept in a state directory and served again: the journal replays to the same objects, IDs,
/// resourceVersions and watch history, which the replay itself checks against the recorded objects.
/// </summary>
public sealed class ServedStateTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("podnet-state-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Restart_SameState_ResumesObjectsIdsAndResourceVersions()
    {
        JsonNode patched;
        string groupId;
        long resourceVersion;
        DateTimeOffset stoppedAt;
        IReadOnlyList<ObjectRow> final;
        var first = await StatefulServer.StartAsync(_directory);
        Assert.Equal(0, first.State.Replayed);
        using (var kube = first.Kube())
        using (var aws = first.Aws())
        {
            Assert.Equal(HttpStatusCode.Created, (await CreateConfigMapAsync(kube, "kept", "0")).StatusCode);
            patched = JsonNode.Parse(await (await PatchConfigMapAsync(kube, "kept", "1")).EnsureSuccessStatusCode().Content.ReadAsStringAsync())!;
            var vpcId = await VpcIdAsync(aws);
            groupId = (await Ec2Async(aws, $"Action=CreateSecurityGroup&GroupName=kept&GroupDescription=kept&VpcId={vpcId}")).Element(Ec2 + "groupId")!.Value;
            await Ec2Async(aws, $"Action=CreateTags&ResourceId.1={groupId}&Tag.1.Key=team&Tag.1.Value=net");
        }

        await first.DisposeAsync();
        resourceVersion = first.Server.Cluster.Store.CurrentResourceVersion;
        stoppedAt = first.Server.Account.Time.GetUtcNow();
        final = [.. first.Server.Account.Clusters.SelectMany(c => c.Store.All().Select(o => ObjectRow.Of(c.World.Cluster!.Name, o))).OrderBy(r => (r.ApiVersion, r.Kind, r.Namespace, r.Name))];

        // What was served last is what the state recorded (the replay below is checked against the same table).
        using (var recorded = StateDirectory.Open(_directory))
        {
            Assert.Equal(final, recorded.Objects().OrderBy(r => (r.ApiVersion, r.Kind, r.Namespace, r.Name)));
        }

        await using var second = await StatefulServer.StartAsync(_directory);
        Assert.True(second.State.Replayed > 4, $"{second.State.Replayed} entries replayed");
        Assert.True(second.Server.Cluster.Store.CurrentResourceVersion >= resourceVersion);
        Assert.True(second.Server.Account.Time.GetUtcNow() >= stoppedAt);
        using var kube2 = second.Kube();
        using var aws2 = second.Aws();
        var kept = JsonNode.Parse(await (await GetConfigMapAsync(kube2, "kept")).EnsureSuccessStatusCode().Content.ReadAsStringAsync())!;
        Assert.Equal(patched["metadata"]!["uid"]!.GetValue<string>(), kept["metadata"]!["uid"]!.GetValue<string>());
        Assert.Equal(patched["metadata"]!["resourceVersion"]!.GetValue<string>(), kept["metadata"]!["resourceVersion"]!.GetValue<string>());
        Assert.Equal(patched["metadata"]!["creationTimestamp"]!.GetValue<string>(), kept["metadata"]!["creationTimestamp"]!.GetValue<string>());
        Assert.Equal("1", kept["data"]!["v"]!.GetValue<string>());
        var groups = await SecurityGroupsAsync(aws2);
        Assert.Equal("kept", groups[groupId].Name);
        Assert.Equal("net", groups[groupId].Tags["team"]);

        // The same ports: a kubeconfig written before the restart still reaches the cluster.
        Assert.Equal(first.Server.Kube.Address, second.Server.Kube.Address);
        Assert.Equal(first.Server.Aws.Address, second.Server.Aws.Address);
    }

    [Fact]
    public async Task Restart_KeepsPrefixListsGatewayEndpointsTheirRoutes_AndSubnetAttributes()
    {
        string listId;
        string endpointId;
        string tableId;
        string subnetId;
        await using (var first = await StatefulServer.StartAsync(_directory))
        {
            using var aws = first.Aws();
            var vpcId = await VpcIdAsync(aws);
            listId = (await Ec2Async(aws, "Action=CreateManagedPrefixList&PrefixListName=corp&AddressFamily=IPv4&MaxEntries=2&Entry.1.Cidr=10.1.0.0%2F16")).Descendants(Ec2 + "prefixListId").First().Value;
            tableId = (await Ec2Async(aws, $"Action=CreateRouteTable&VpcId={vpcId}")).Descendants(Ec2 + "routeTableId").First().Value;
            endpointId = (await Ec2Async(aws, $"Action=CreateVpcEndpoint&VpcId={vpcId}&VpcEndpointType=Gateway&ServiceName=com.amazonaws.us-west-2.s3&RouteTableId.1={tableId}")).Descendants(Ec2 + "vpcEndpointId").First().Value;
            subnetId = (await Ec2Async(aws, $"Action=CreateSubnet&VpcId={vpcId}&CidrBlock=192.168.160.0%2F24&AvailabilityZone=us-west-2a")).Descendants(Ec2 + "subnetId").First().Value;
            await Ec2Async(aws, $"Action=ModifySubnetAttribute&SubnetId={subnetId}&MapPublicIpOnLaunch.Value=true");
        }

        await using var second = await StatefulServer.StartAsync(_directory);
        using var aws2 = second.Aws();
        var lists = await Ec2Async(aws2, $"Action=DescribeManagedPrefixLists&PrefixListId.1={listId}");
        var entries = await Ec2Async(aws2, $"Action=GetManagedPrefixListEntries&PrefixListId={listId}");
        var endpoint = await Ec2Async(aws2, $"Action=DescribeVpcEndpoints&VpcEndpointId.1={endpointId}");
        var table = await Ec2Async(aws2, $"Action=DescribeRouteTables&RouteTableId.1={tableId}");
        var subnet = await Ec2Async(aws2, $"Action=DescribeSubnets&SubnetId.1={subnetId}");

        Assert.Equal("corp", lists.Descendants(Ec2 + "prefixListName").Single().Value);
        Assert.Equal("10.1.0.0/16", entries.Descendants(Ec2 + "cidr").Single().Value);
        Assert.Equal((tableId, "com.amazonaws.us-west-2.s3"), (endpoint.Descendants(Ec2 + "routeTableIdSet").Single().Elements().Single().Value, endpoint.Descendants(Ec2 + "serviceName").Single().Value));
        var route = table.Descendants(Ec2 + "item").Single(r => r.Element(Ec2 + "gatewayId")?.Value == endpointId);
        Assert.Equal(("pl-68a54001", "CreateRoute", "active"), (route.Element(Ec2 + "destinationPrefixListId")!.Value, route.Element(Ec2 + "origin")!.Value, route.Element(Ec2 + "state")!.Value));
        Assert.Equal("true", subnet.Descendants(Ec2 + "mapPublicIpOnLaunch").Single().Value);
    }

    [Fact]
    public async Task Watch_AfterRestart_ResumesFromResourceVersion()
    {
        string created;
        string modified;
        await using (var first = await StatefulServer.StartAsync(_directory))
        {
            using var kube = first.Kube();
            created = JsonNode.Parse(await (await CreateConfigMapAsync(kube, "watched", "0")).EnsureSuccessStatusCode().Content.ReadAsStringAsync())!["metadata"]!["resourceVersion"]!.GetValue<string>();
            modified = JsonNode.Parse(await (await PatchConfigMapAsync(kube, "watched", "1")).EnsureSuccessStatusCode().Content.ReadAsStringAsync())!["metadata"]!["resourceVersion"]!.GetValue<string>();
        }

        await using var second = await StatefulServer.StartAsync(_directory);
        using var kube2 = second.Kube();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var response = await kube2.GetAsync($"/api/v1/namespaces/default/configmaps?watch=true&resourceVersion={created}&fieldSelector=metadata.name%3Dwatched", HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        response.EnsureSuccessStatusCode();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));
        var change = JsonNode.Parse((await reader.ReadLineAsync(timeout.Token))!)!;

        // The change made after the watched resourceVersion, before the restart, is the watch's first event.
        Assert.Equal("MODIFIED", change["type"]!.GetValue<string>());
        Assert.Equal(modified, change["object"]!["metadata"]!["resourceVersion"]!.GetValue<string>());
        Assert.Equal("1", change["object"]!["data"]!["v"]!.GetValue<string>());
    }

    [Fact]
    public async Task Restart_WithFaults_ReplaysTheSameFaultsAndDrawsOnIdentically()
    {
        var faults = Ec2FaultSettings.Parse("RequestLimitExceeded=30%,InternalError=20%,InsufficientFreeAddressesInSubnet=10%,EventualConsistency=50%");
        var answers = new List<HttpStatusCode>();
        long calls;
        IReadOnlyDictionary<string, long> injected;
        List<string> interfaces;
        List<string> groups;
        List<string?> nextDraws;
        var first = await StatefulServer.StartAsync(_directory, faults);
        var cloud = first.Server.Account.Cloud!;
        using (var aws = first.Aws())
        {
            var subnet = cloud.Ec2Backend.DescribeSubnets()[0];
            for (var i = 0; i < 12; i++)
            {
                var form = i % 2 == 0
                    ? $"Action=CreateSecurityGroup&GroupName=faulty{i}&GroupDescription=faulty&VpcId={subnet.VpcId}"
                    : $"Action=CreateNetworkInterface&SubnetId={subnet.SubnetId}";
                using var response = await aws.PostAsync("/", new StringContent(form + "&Version=2016-11-15", System.Text.Encoding.UTF8, "application/x-www-form-urlencoded"));
                answers.Add(response.StatusCode);
            }
        }

        await first.DisposeAsync();
        calls = cloud.Faults.Calls;
        injected = cloud.Faults.Injected;
        interfaces = [.. cloud.Ec2Backend.DescribeNetworkInterfaces(DescribeRequest.All).Select(e => $"{e.NetworkInterfaceId} {e.PrivateIpAddress} {e.Status}")];
        groups = [.. cloud.Ec2Backend.DescribeSecurityGroups().Select(g => $"{g.GroupId} {g.GroupName}")];
        nextDraws = [.. Enumerable.Range(0, 20).Select(_ => cloud.Faults.Draw("CreateNetworkInterface")?.Code)];

        // The faults hit some of the requests and let others through (the seed decides which).
        Assert.Contains(answers, a => a == HttpStatusCode.OK);
        Assert.Contains(answers, a => a != HttpStatusCode.OK);

        // Resumed without --faults: the journal sets the same faults at the same point, so the replayed requests and
        // loop passes draw the same faults, and the random sequence goes on where it stopped.
        using var directory = StateDirectory.Open(_directory);
        var resumed = await StatefulServer.OpenAsync(directory);
        var replayed = resumed.Account.Cloud!;
        Assert.Equal(faults, replayed.Faults.Settings);
        Assert.Equal(calls, replayed.Faults.Calls);
        Assert.Equal(injected, replayed.Faults.Injected);
        Assert.Equal(interfaces, replayed.Ec2Backend.DescribeNetworkInterfaces(DescribeRequest.All).Select(e => $"{e.NetworkInterfaceId} {e.PrivateIpAddress} {e.Status}"));
        Assert.Equal(groups, replayed.Ec2Backend.DescribeSecurityGroups().Select(g => $"{g.GroupId} {g.GroupName}"));
        Assert.Equal(nextDraws, Enumerable.Range(0, 20).Select(_ => replayed.Faults.Draw("CreateNetworkInterface")?.Code));
    }
}

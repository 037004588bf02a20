using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using Podnet.Tests.TestSupport;
using Xunit.Abstractions;
using static Podnet.Tests.TestSupport.StateRequests;

namespace Podnet.Tests.Server.State;

/// <summary>
/// The kill test of <c>podnet up --state</c>: a real <c>podnet up</c> process takes writes from two clients at once
/// (ConfigMaps created, patched and deleted over the Kubernetes API; security groups created and tagged over the AWS
/// query API), is killed with SIGKILL at a random moment while they write, and is started again on the same
/// directory; every write it acknowledged must be there, with the resourceVersion and ID it answered, and a write in
/// flight at the kill either happened whole or not at all. The restart itself replays the journal and checks the
/// result against the recorded objects. CI runs 3 kill points; <c>PODNET_KILL_POINTS=50</c> runs the full form.
/// </summary>
public sealed class KillTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("podnet-kill-").FullName;
    private readonly ITestOutputHelper _output;

    public KillTests(ITestOutputHelper output)
    {
        _output = output;
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Kill_WhileClientsWrite_KeepsEveryAcknowledgedWrite()
    {
        var points = int.TryParse(Environment.GetEnvironmentVariable("PODNET_KILL_POINTS"), NumberStyles.None, CultureInfo.InvariantCulture, out var asked) && asked > 0 ? asked : 3;
        var random = new Random(15);
        string[] args = ["--state", Path.Combine(_directory, "state"), "--home", Path.Combine(_directory, "home")];
        var configMaps = new Dictionary<string, ConfigMapWrites>(StringComparer.Ordinal);
        var groups = new Dictionary<string, GroupWrites>(StringComparer.Ordinal);
        var lost = new List<string>();
        var refused = new List<string>();
        var restarts = new List<TimeSpan>();
        var (acknowledged, inFlight, keptInFlight) = (0, 0, 0);
        var total = Stopwatch.StartNew();
        var server = await PodnetUpProcess.StartAsync(args, TimeSpan.FromMinutes(3));
        try
        {
            string vpcId;
            using (var aws = Client(server.Aws))
            {
                vpcId = await VpcIdAsync(aws);
            }

            for (var round = 0; round < points; round++)
            {
                using var kube = Client(server.Kube);
                using var aws = Client(server.Aws);
                using var stop = new CancellationTokenSource();
                var writers = new[]
                {
                    Task.Run(() => WriteConfigMapsAsync(kube, $"r{round}", configMaps, refused, stop.Token)),
                    Task.Run(() => WriteGroupsAsync(aws, vpcId, $"r{round}", groups, refused, stop.Token)),
                };
                // The kill point: after a random number of acknowledged writes of this round, while both clients write.
                var killAfter = random.Next(4, 24);
                var waited = Stopwatch.StartNew();
                while (Acknowledged(configMaps, groups, $"r{round}-") < killAfter && waited.Elapsed < TimeSpan.FromSeconds(60) && !writers.All(w => w.IsCompleted))
                {
                    await Task.Delay(10);
                }

                server.Kill();
                await stop.CancelAsync();
                await Task.WhenAll(writers);

                var restart = Stopwatch.StartNew();
                server.Dispose();
                server = await PodnetUpProcess.StartAsync(args, TimeSpan.FromMinutes(3));
                restarts.Add(restart.Elapsed);
                Assert.Contains("(resumed: ", server.StateLine, StringComparison.Ordinal);

                using var kubeAfter = Client(server.Kube);
                using var awsAfter = Client(server.Aws);
                var found = await SecurityGroupsAsync(awsAfter);
                foreach (var (name, writes) in configMaps)
                {
                    acknowledged += writes.TakeAcknowledged();
                    inFlight += writes.InFlight is null ? 0 : 1;
                    keptInFlight += await writes.CheckAsync(kubeAfter, name, lost) ? 1 : 0;
                }

                foreach (var (name, writes) in groups)
                {
                    acknowledged += writes.TakeAcknowledged();
                    inFlight += writes.InFlight is null ? 0 : 1;
                    keptInFlight += writes.Check(name, found, lost) ? 1 : 0;
                }
            }
        }
        finally
        {
            server.Dispose();
        }

        _output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"kill points: {points}; writes acknowledged: {acknowledged}; in flight at a kill: {inFlight}, of which kept whole: {keptInFlight}, gone whole: {inFlight - keptInFlight}; lost: {lost.Count}"));
        _output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"restart (process start, world load, replay): {string.Join(", ", restarts.Select(r => r.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s"))}; total {total.Elapsed.TotalSeconds:0} s"));
        Assert.Empty(refused);
        Assert.Empty(lost);
        Assert.True(acknowledged > points * 4, $"only {acknowledged} writes were acknowledged: the kills came before the clients wrote");
    }

    /// <summary>How many writes to objects named with <paramref name="prefix"/> were acknowledged (and not yet counted).</summary>
    private static int Acknowledged(Dictionary<string, ConfigMapWrites> configMaps, Dictionary<string, GroupWrites> groups, string prefix)
    {
        lock (configMaps)
        {
            lock (groups)
            {
                return configMaps.Where(c => c.Key.StartsWith(prefix, StringComparison.Ordinal)).Sum(c => c.Value.Pending)
                       + groups.Where(g => g.Key.StartsWith(prefix, StringComparison.Ordinal)).Sum(g => g.Value.Pending);
            }
        }
    }

    private static HttpClient Client(Uri address) => new() { BaseAddress = address, Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>Creates, patches and (every third) deletes ConfigMaps until the server is gone.</summary>
    private static async Task WriteConfigMapsAsync(HttpClient kube, string prefix, Dictionary<string, ConfigMapWrites> model, List<string> refused, CancellationToken stop)
    {
        for (var i = 0; !stop.IsCancellationRequested; i++)
        {
            var name = $"{prefix}-cm{i}";
            var writes = new ConfigMapWrites();
            lock (model)
            {
                model[name] = writes;
            }

            try
            {
                writes.InFlight = "create";
                writes.Acknowledge(await Answer(await CreateConfigMapAsync(kube, name, "0", stop), HttpStatusCode.Created, refused));
                writes.InFlight = "patch";
                writes.Acknowledge(await Answer(await PatchConfigMapAsync(kube, name, "1", stop), HttpStatusCode.OK, refused));
                if (i % 3 == 0)
                {
                    writes.InFlight = "delete";
                    await Answer(await DeleteConfigMapAsync(kube, name, stop), HttpStatusCode.OK, refused);
                    writes.AcknowledgeDelete();
                }
            }
            catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException or System.Net.Sockets.SocketException)
            {
                // The server was killed (or the writer refused, noted in refused): the write in flight was never answered.
                // A connection the kill cut as it was being made escapes HttpClient as a bare SocketException (its
                // ConnectAsync reads the socket's remote end point after the peer is gone).
                return;
            }
        }
    }

    /// <summary>Creates security groups and tags each until the server is gone.</summary>
    private static async Task WriteGroupsAsync(HttpClient aws, string vpcId, string prefix, Dictionary<string, GroupWrites> model, List<string> refused, CancellationToken stop)
    {
        for (var i = 0; !stop.IsCancellationRequested; i++)
        {
            var name = $"{prefix}-sg{i}";
            var writes = new GroupWrites();
            lock (model)
            {
                model[name] = writes;
            }

            try
            {
                writes.InFlight = "create";
                var created = await Ec2Async(aws, $"Action=CreateSecurityGroup&GroupName={name}&GroupDescription=kill&VpcId={vpcId}", stop);
                writes.AcknowledgeCreate(created.Element(Ec2 + "groupId")!.Value);
                writes.InFlight = "tag";
                await Ec2Async(aws, $"Action=CreateTags&ResourceId.1={writes.GroupId}&Tag.1.Key=n&Tag.1.Value={i}", stop);
                writes.AcknowledgeTag(i.ToString(CultureInfo.InvariantCulture));
            }
            catch (HttpRequestException e) when (e.StatusCode is not null)
            {
                lock (refused)
                {
                    refused.Add($"{name}: {e.Message}");
                }

                return;
            }
            catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException or System.Net.Sockets.SocketException)
            {
                // The server was killed: the write in flight was never answered.
                return;
            }
        }
    }

    /// <summary>The answer's object when it has the expected status; otherwise notes the refusal and ends the writer.</summary>
    private static async Task<JsonNode> Answer(HttpResponseMessage response, HttpStatusCode expected, List<string> refused)
    {
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != expected)
            {
                lock (refused)
                {
                    refused.Add($"{response.RequestMessage!.Method} {response.RequestMessage.RequestUri}: {(int)response.StatusCode} {body}");
                }

                throw new OperationCanceledException("refused");
            }

            return JsonNode.Parse(body)!;
        }
    }

    /// <summary>One client's ledger: the write it has in flight, and the acknowledged writes not yet counted.</summary>
    private abstract class Writes
    {
        private int _acknowledged;

        public string? InFlight { get; set; }

        /// <summary>The writes acknowledged and not yet taken.</summary>
        public int Pending => Volatile.Read(ref _acknowledged);

        public int TakeAcknowledged() => Interlocked.Exchange(ref _acknowledged, 0);

        /// <summary>The write in flight was answered: it is no longer in flight, and counts.</summary>
        protected void Acknowledged()
        {
            InFlight = null;
            Interlocked.Increment(ref _acknowledged);
        }
    }

    /// <summary>What a client was answered about one ConfigMap, and the write it had in flight when the server died.</summary>
    private sealed class ConfigMapWrites : Writes
    {

        /// <summary>The answered object (null: never created, or deleted when <see cref="Deleted"/>).</summary>
        public JsonNode? Answered { get; private set; }

        public bool Deleted { get; private set; }

        public void Acknowledge(JsonNode answer)
        {
            Answered = answer;
            Acknowledged();
        }

        public void AcknowledgeDelete()
        {
            Deleted = true;
            Acknowledged();
        }

        /// <summary>
        /// Checks the ConfigMap after the restart; notes what was lost; returns whether the write in flight was kept
        /// (and settles it, so the next round checks against what is there).
        /// </summary>
        public async Task<bool> CheckAsync(HttpClient kube, string name, List<string> lost)
        {
            using var response = await GetConfigMapAsync(kube, name);
            var found = response.StatusCode == HttpStatusCode.OK ? JsonNode.Parse(await response.Content.ReadAsStringAsync()) : null;
            var inFlight = InFlight;
            InFlight = null;
            if (Deleted)
            {
                if (found is not null)
                {
                    lost.Add($"ConfigMap {name}: its acknowledged delete is undone");
                }

                return false;
            }

            if (found is null)
            {
                if (Answered is not null && inFlight != "delete")
                {
                    lost.Add($"ConfigMap {name}: acknowledged at resourceVersion {Rv(Answered)}, missing after the restart");
                }

                Deleted = Answered is not null;
                return inFlight == "delete" && Answered is not null;
            }

            if (Answered is null)
            {
                // An unacknowledged create that was committed: whole, as created.
                if (inFlight != "create" || Value(found) != "0")
                {
                    lost.Add($"ConfigMap {name}: exists as {found.ToJsonString()} though no create of it was acknowledged or in flight");
                }

                Answered = found;
                return true;
            }

            var kept = Rv(found) != Rv(Answered);
            if (kept ? inFlight is not ("patch" or "delete") || Value(found) != "1" : Value(found) != Value(Answered) || Uid(found) != Uid(Answered))
            {
                lost.Add($"ConfigMap {name}: acknowledged as {Answered.ToJsonString()}, found {found.ToJsonString()}");
            }

            Answered = found;
            return kept;
        }

        private static string Rv(JsonNode o) => o["metadata"]!["resourceVersion"]!.GetValue<string>();

        private static string Uid(JsonNode o) => o["metadata"]!["uid"]!.GetValue<string>();

        private static string? Value(JsonNode o) => o["data"]?["v"]?.GetValue<string>();
    }

    /// <summary>What a client was answered about one security group, and the write it had in flight when the server died.</summary>
    private sealed class GroupWrites : Writes
    {

        public string? GroupId { get; private set; }

        public string? Tag { get; private set; }

        public void AcknowledgeCreate(string groupId)
        {
            GroupId = groupId;
            Acknowledged();
        }

        public void AcknowledgeTag(string value)
        {
            Tag = value;
            Acknowledged();
        }

        /// <summary>Checks the group after the restart against <paramref name="found"/> (DescribeSecurityGroups); returns whether the write in flight was kept.</summary>
        public bool Check(string name, Dictionary<string, (string Name, Dictionary<string, string> Tags)> found, List<string> lost)
        {
            var inFlight = InFlight;
            InFlight = null;
            var named = found.Where(g => g.Value.Name == name).ToList();
            if (named.Count > 1)
            {
                lost.Add($"security group {name}: {named.Count} groups of that name");
                return false;
            }

            if (GroupId is null)
            {
                if (named.Count == 1)
                {
                    GroupId = named[0].Key;
                    return true;
                }

                return false;
            }

            if (!found.TryGetValue(GroupId, out var group) || group.Name != name)
            {
                lost.Add($"security group {name}: acknowledged as {GroupId}, missing after the restart");
                return false;
            }

            var tagged = group.Tags.GetValueOrDefault("n");
            if (Tag is not null && tagged != Tag)
            {
                lost.Add($"security group {name} ({GroupId}): its acknowledged tag n={Tag} is {tagged ?? "missing"}");
            }

            if (inFlight == "tag" && tagged is not null)
            {
                Tag = tagged;
                return true;
            }

            return false;
        }
    }
}

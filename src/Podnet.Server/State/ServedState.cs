using System.Globalization;
using System.Text.Json.Nodes;
using Podnet.Server.Aws;
using Podnet.Server.Kube;
using Podnet.Server.Tls;
using Podnet.World;

namespace Podnet.Server.State;

/// <summary>
/// A served account kept in a state directory (<c>podnet up --state DIR</c>). A new directory records the world's
/// text, the wall-clock reading it was loaded at and the clock's settings, then the objects of the loaded world. An
/// existing one is resumed: the recorded world is loaded at the recorded reading, and the journal is replayed in
/// order, each operation at its own reading — the same requests through the same handlers, the same loop passes and
/// clock jumps — which gives the same objects, IDs, resourceVersions, watch history and controller deadlines; the
/// result is then checked against the <c>objects</c> table, and a difference is an error naming the first differing
/// object (nondeterminism caught, not served). The serving certificate, the admin token and the ports are kept too,
/// so kubeconfigs written before keep working.
/// </summary>
public sealed class ServedState
{
    private const string WorldKey = "world";
    private const string WallKey = "wall";
    private const string LeadKey = "lead";
    private const string FastForwardKey = "fast_forward";
    private const string TokenKey = "kube_token";
    private const string AwsPortKey = "aws_port";

    private ServedState(StateDirectory directory, ServedAccount account, KubeApiServerOptions kubeOptions, int replayed)
    {
        Directory = directory;
        Account = account;
        KubeOptions = kubeOptions;
        Replayed = replayed;
    }

    /// <summary>The state directory (its lock is held).</summary>
    public StateDirectory Directory { get; }

    /// <summary>The account, resumed or new, journaling from now on.</summary>
    public ServedAccount Account { get; }

    /// <summary>The Kubernetes API options with the state's admin token.</summary>
    public KubeApiServerOptions KubeOptions { get; }

    /// <summary>How many journal entries were replayed (0 for a new state).</summary>
    public int Replayed { get; }

    /// <summary>
    /// Opens the account of <paramref name="directory"/>: a new one from <paramref name="given"/> (the world's files, or
    /// the default world's), or the recorded one, replayed.
    /// </summary>
    /// <param name="directory">The opened state directory.</param>
    /// <param name="clock">The wall clock to anchor the virtual clock to (holds each replayed entry's reading).</param>
    /// <param name="given">The world's text the user named; for an existing state it must be the recorded one, or null.</param>
    /// <param name="load">Loads a world's text on a clock (<see cref="WorldLoader.Load"/>, with the CLI's progress line).</param>
    /// <param name="lead">How far behind the wall clock a new world's history starts.</param>
    /// <param name="fastForward">The budget of waits that cost no real time from now on.</param>
    /// <param name="kubeOptions">The Kubernetes API's options; a new state records their token.</param>
    /// <param name="awsOptions">The AWS API's options (the principal of an access key in a replayed request).</param>
    /// <exception cref="StateException">Another world than the recorded one, or a journal that does not replay to what it recorded.</exception>
    /// <exception cref="WorldException">The given world is not valid.</exception>
    public static async Task<ServedState> OpenAsync(StateDirectory directory, StateClock clock, IReadOnlyList<WorldSource>? given, Func<IReadOnlyList<WorldSource>, VirtualTimeProvider, Podnet.World.World> load, TimeSpan lead, TimeSpan fastForward, KubeApiServerOptions kubeOptions, AwsApiServerOptions awsOptions)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(load);
        ArgumentNullException.ThrowIfNull(kubeOptions);
        ArgumentNullException.ThrowIfNull(awsOptions);
        if (directory.IsNew)
        {
            var sources = given ?? [WorldLoader.DefaultSource()];
            var wall = clock.RealNow;
            clock.Hold(wall);
            try
            {
                var world = load(sources, VirtualTimeProvider.AnchoredTo(clock, lead));
                var account = new ServedAccount(world, fastForward);
                directory.Initialize(
                [
                    KeyValuePair.Create(WorldKey, SourcesJson(sources)),
                    KeyValuePair.Create(WallKey, Ticks(wall.UtcTicks)),
                    KeyValuePair.Create(LeadKey, Ticks(lead.Ticks)),
                    KeyValuePair.Create(FastForwardKey, Ticks(fastForward.Ticks)),
                    KeyValuePair.Create(TokenKey, kubeOptions.Token),
                ], account.Clusters.SelectMany(c => c.Store.All().Select(o => ObjectRow.Of(NameOf(c), o))));
                return Attached(directory, clock, account, kubeOptions, 0);
            }
            finally
            {
                clock.Release();
            }
        }

        var recorded = Sources(directory.Meta(WorldKey)!);
        if (given is not null && !given.Select(s => s.Text).SequenceEqual(recorded.Select(s => s.Text)))
        {
            throw new StateException($"{directory.Path} keeps the state of another world ({string.Join(", ", recorded.Select(s => s.Name))}); start without the WORLD argument to resume it, or use another --state directory");
        }

        var options = kubeOptions with { Token = directory.Meta(TokenKey) ?? kubeOptions.Token };
        var start = new DateTimeOffset(long.Parse(directory.Meta(WallKey)!, CultureInfo.InvariantCulture), TimeSpan.Zero);
        ServedAccount resumed;
        clock.Hold(start);
        try
        {
            var world = load(recorded, VirtualTimeProvider.AnchoredTo(clock, TimeSpan.FromTicks(long.Parse(directory.Meta(LeadKey)!, CultureInfo.InvariantCulture))));
            resumed = new ServedAccount(world, TimeSpan.FromTicks(long.Parse(directory.Meta(FastForwardKey)!, CultureInfo.InvariantCulture)));
        }
        finally
        {
            clock.Release();
        }

        var journal = directory.Journal();
        await ReplayAsync(resumed, journal, clock, options, awsOptions).ConfigureAwait(false);
        Verify(directory, resumed);

        // Time went on while the server was down, as it does on EKS: what fell due meanwhile is done at once.
        resumed.Time.LimitLag(fastForward);
        return Attached(directory, clock, resumed, options, journal.Count);
    }

    /// <summary>The options of the Kubernetes API of the cluster named <paramref name="cluster"/>: its kept port and certificates, unless a port is asked for.</summary>
    public KubeApiServerOptions ForCluster(string cluster, KubeApiServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (Directory.Meta("kube:" + cluster) is not { } kept || JsonNode.Parse(kept) is not JsonObject endpoint)
        {
            return options;
        }

        var port = options.Port != 0 ? options.Port : endpoint["port"]!.GetValue<int>();
        return endpoint["serving"] is { } serving && !options.Http
            ? options with { Port = port, Certificates = ServingCertificates.Import(Convert.FromBase64String(serving.GetValue<string>()), Convert.FromBase64String(endpoint["authority"]!.GetValue<string>())) }
            : options with { Port = port };
    }

    /// <summary>Keeps the port and certificates of the Kubernetes API of the cluster named <paramref name="cluster"/>.</summary>
    public void Remember(string cluster, KubeApiServer api)
    {
        ArgumentNullException.ThrowIfNull(api);
        var endpoint = new JsonObject { ["port"] = api.Address.Port };
        if (api.Certificates is { } certificates)
        {
            var (serving, authority) = certificates.Export();
            endpoint["serving"] = Convert.ToBase64String(serving);
            endpoint["authority"] = Convert.ToBase64String(authority);
        }

        Directory.SetMeta([KeyValuePair.Create("kube:" + cluster, endpoint.ToJsonString())]);
    }

    /// <summary>The AWS API's options with its kept port, unless a port is asked for.</summary>
    public AwsApiServerOptions ForAws(AwsApiServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Port == 0 && Directory.Meta(AwsPortKey) is { } port ? options with { Port = int.Parse(port, CultureInfo.InvariantCulture) } : options;
    }

    /// <summary>Keeps the AWS API's port.</summary>
    public void Remember(AwsApiServer api)
    {
        ArgumentNullException.ThrowIfNull(api);
        Directory.SetMeta([KeyValuePair.Create(AwsPortKey, api.Address.Port.ToString(CultureInfo.InvariantCulture))]);
    }

    /// <summary>The name the journal and the objects table give a served world: its cluster's, or empty.</summary>
    internal static string NameOf(ServedCluster cluster) => cluster.World.Cluster?.Name ?? string.Empty;

    private static ServedState Attached(StateDirectory directory, StateClock clock, ServedAccount account, KubeApiServerOptions options, int replayed)
    {
        var journal = new StateJournal(directory, clock);
        foreach (var cluster in account.Clusters)
        {
            journal.Track(NameOf(cluster), cluster.Store, snapshot: false);
        }

        account.Attach(journal);
        return new ServedState(directory, account, options, replayed);
    }

    /// <summary>Runs the journal's operations again, in order, each with its wall-clock reading held.</summary>
    private static async Task ReplayAsync(ServedAccount account, IReadOnlyList<JournalEntry> journal, StateClock clock, KubeApiServerOptions kubeOptions, AwsApiServerOptions awsOptions)
    {
        var aws = AwsApiServer.Unserved(account.Primary, awsOptions);
        var kube = kubeOptions with { PrincipalOfAccessKey = key => aws.PrincipalOf(key).Arn };
        foreach (var entry in journal)
        {
            clock.Hold(entry.Wall);
            try
            {
                switch (entry.Kind)
                {
                    case JournalEntry.PassKind:
                        account.RunPass();
                        break;
                    case JournalEntry.AdvanceKind:
                        account.Read(() => account.Advance(entry.Target!.Value));
                        break;
                    case JournalEntry.ClustersKind:
                        account.FollowEks();
                        break;
                    case JournalEntry.FaultsKind:
                        account.SetFaults(Podnet.Aws.Ec2.Faults.Ec2FaultSettings.Parse(entry.Faults!));
                        break;
                    case JournalEntry.RequestKind when entry.Request!.Api == RecordedRequest.AwsApi:
                        await aws.ReplayAsync(entry.Request.ToContext()).ConfigureAwait(false);
                        break;
                    case JournalEntry.RequestKind:
                        var name = entry.Request.Api["kube:".Length..];
                        var cluster = account.Clusters.FirstOrDefault(c => NameOf(c) == name)
                                      ?? throw new StateException($"the journal has a request to the Kubernetes API of cluster {name}, which is not served at that point of the replay");
                        await KubeApiServer.ReplayAsync(cluster, kube, entry.Request.ToContext()).ConfigureAwait(false);
                        break;
                }
            }
            finally
            {
                clock.Release();
            }
        }
    }

    /// <summary>Compares the replayed objects with the recorded ones; the first difference is an error.</summary>
    private static void Verify(StateDirectory directory, ServedAccount account)
    {
        var recorded = directory.Objects().ToDictionary(r => (r.Cluster, r.ApiVersion, r.Kind, r.Namespace, r.Name));
        var replayed = account.Clusters.SelectMany(c => c.Store.All().Select(o => ObjectRow.Of(NameOf(c), o))).ToList();
        foreach (var row in replayed.OrderBy(r => (r.Cluster, r.ApiVersion, r.Kind, r.Namespace, r.Name)))
        {
            if (!recorded.Remove((row.Cluster, row.ApiVersion, row.Kind, row.Namespace, row.Name), out var kept))
            {
                throw Diverged(directory, $"{row.Describe()} exists after the replay but was not recorded");
            }

            if (kept.ResourceVersion != row.ResourceVersion || kept.Json != row.Json)
            {
                throw Diverged(directory, $"{row.Describe()} differs: recorded at resourceVersion {kept.ResourceVersion}, replayed at {row.ResourceVersion}");
            }
        }

        if (recorded.Values.FirstOrDefault() is { } missing)
        {
            throw Diverged(directory, $"{missing.Describe()} was recorded but is missing after the replay");
        }
    }

    private static StateException Diverged(StateDirectory directory, string what)
        => new($"{directory.Path}: replaying the journal did not give the state it recorded: {what}; nothing was changed — report it with the directory, and start with another --state directory meanwhile");

    private static string Ticks(long ticks) => ticks.ToString(CultureInfo.InvariantCulture);

    private static string SourcesJson(IReadOnlyList<WorldSource> sources)
        => new JsonArray([.. sources.Select(s => (JsonNode)new JsonObject { ["name"] = s.Name, ["text"] = s.Text })]).ToJsonString();

    private static List<WorldSource> Sources(string json)
        => [.. JsonNode.Parse(json)!.AsArray().Select(s => new WorldSource(s!["name"]!.GetValue<string>(), s["text"]!.GetValue<string>()))];
}

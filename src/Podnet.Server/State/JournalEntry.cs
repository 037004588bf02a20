namespace Podnet.Server.State;

/// <summary>
/// One gated operation that changed (or may have changed) a served account, as the journal keeps it, in the order
/// the gate let them run: a request to a served API, a pass of the control-plane loop, a jump of the clock, or the
/// served clusters following EKS's, or the EC2 faults set (<c>--faults</c>).
/// </summary>
/// <param name="Kind">One of <see cref="RequestKind"/>, <see cref="PassKind"/>, <see cref="AdvanceKind"/>, <see cref="ClustersKind"/>, <see cref="FaultsKind"/>.</param>
/// <param name="Wall">The wall-clock reading the operation ran at (held for its whole run, see <see cref="StateClock"/>).</param>
/// <param name="Request">The request, for <see cref="RequestKind"/>.</param>
/// <param name="Target">The virtual time jumped to, for <see cref="AdvanceKind"/>.</param>
/// <param name="Faults">The fault settings set, for <see cref="FaultsKind"/>, as <see cref="FaultsText"/> writes them (exact rates).</param>
public sealed record JournalEntry(string Kind, DateTimeOffset Wall, RecordedRequest? Request = null, DateTimeOffset? Target = null, string? Faults = null)
{
    /// <summary>A request to the Kubernetes API of a cluster or to the AWS API.</summary>
    public const string RequestKind = "request";

    /// <summary>A pass of the control-plane loop over every served cluster (<see cref="ServedAccount.RunPass"/>).</summary>
    public const string PassKind = "pass";

    /// <summary>The loop's jump of virtual time to the next due moment.</summary>
    public const string AdvanceKind = "advance";

    /// <summary>The served clusters brought in line with EKS's (<see cref="ServedAccount.FollowEks"/>).</summary>
    public const string ClustersKind = "clusters";

    /// <summary>
    /// The account's EC2 faults set (<c>podnet up --faults</c>): the faults are drawn from one random sequence seeded by
    /// the world's seed, so setting them at the same point of the journal makes the replay draw the same faults for the
    /// same calls.
    /// </summary>
    public const string FaultsKind = "faults";

    /// <summary>The entry's data column: the request's JSON, the target's ticks, the fault settings, or nothing.</summary>
    public string? Data => Kind switch
    {
        RequestKind => Request!.ToJson(),
        FaultsKind => Faults,
        AdvanceKind => Target!.Value.UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => null,
    };

    /// <summary>Reads an entry back from its columns.</summary>
    /// <exception cref="FormatException">An entry of no known kind, or with data that does not read.</exception>
    public static JournalEntry From(string kind, long wallTicks, string? data)
    {
        var wall = new DateTimeOffset(wallTicks, TimeSpan.Zero);
        return kind switch
        {
            RequestKind => new JournalEntry(kind, wall, RecordedRequest.FromJson(data ?? throw new FormatException("a request entry has no request"))),
            AdvanceKind => new JournalEntry(kind, wall, Target: new DateTimeOffset(long.Parse(data ?? throw new FormatException("an advance entry has no target"), System.Globalization.CultureInfo.InvariantCulture), TimeSpan.Zero)),
            FaultsKind => new JournalEntry(kind, wall, Faults: data ?? throw new FormatException("a faults entry has no settings")),
            PassKind or ClustersKind => new JournalEntry(kind, wall),
            _ => throw new FormatException($"a journal entry of unknown kind \"{kind}\""),
        };
    }

    /// <summary>
    /// <paramref name="settings"/> as a faults entry keeps them: every key with its exact rate as a fraction (the
    /// round-trip format), which <see cref="Podnet.Aws.Ec2.Faults.Ec2FaultSettings.Parse"/> reads back to equal
    /// settings — <see cref="Podnet.Aws.Ec2.Faults.Ec2FaultSettings.ToString"/> rounds percentages for people.
    /// </summary>
    public static string FaultsText(Podnet.Aws.Ec2.Faults.Ec2FaultSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        static string R(double value) => value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        return $"RequestLimitExceeded={R(settings.RequestLimitExceeded)},InternalError={R(settings.InternalError)},InsufficientFreeAddressesInSubnet={R(settings.InsufficientFreeAddressesInSubnet)},EventualConsistency={R(settings.EventualConsistency)},EventualConsistencySeconds={R(settings.EventualConsistencySeconds)}";
    }
}

namespace Podnet.Server.State;

/// <summary>
/// One gated operation that changed (or may have changed) a served account, as the journal keeps it, in the order
/// the gate let them run: a request to a served API, a pass of the control-plane loop, a jump of the clock, or the
/// served clusters following EKS's.
/// </summary>
/// <param name="Kind">One of <see cref="RequestKind"/>, <see cref="PassKind"/>, <see cref="AdvanceKind"/>, <see cref="ClustersKind"/>.</param>
/// <param name="Wall">The wall-clock reading the operation ran at (held for its whole run, see <see cref="StateClock"/>).</param>
/// <param name="Request">The request, for <see cref="RequestKind"/>.</param>
/// <param name="Target">The virtual time jumped to, for <see cref="AdvanceKind"/>.</param>
public sealed record JournalEntry(string Kind, DateTimeOffset Wall, RecordedRequest? Request = null, DateTimeOffset? Target = null)
{
    /// <summary>A request to the Kubernetes API of a cluster or to the AWS API.</summary>
    public const string RequestKind = "request";

    /// <summary>A pass of the control-plane loop over every served cluster (<see cref="ServedAccount.RunPass"/>).</summary>
    public const string PassKind = "pass";

    /// <summary>The loop's jump of virtual time to the next due moment.</summary>
    public const string AdvanceKind = "advance";

    /// <summary>The served clusters brought in line with EKS's (<see cref="ServedAccount.FollowEks"/>).</summary>
    public const string ClustersKind = "clusters";

    /// <summary>The entry's data column: the request's JSON, the target's ticks, or nothing.</summary>
    public string? Data => Kind switch
    {
        RequestKind => Request!.ToJson(),
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
            PassKind or ClustersKind => new JournalEntry(kind, wall),
            _ => throw new FormatException($"a journal entry of unknown kind \"{kind}\""),
        };
    }
}

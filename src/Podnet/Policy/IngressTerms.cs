namespace Podnet.Policy;

/// <summary>
/// The ingress half of a matrix's verdicts as terms "these destinations let in these sources" — a rule's admitted
/// peers with the destination classes whose isolating policies hold the rule, a security group's admitted peers with
/// the classes whose interface has the group — plus the destinations that let every source in. Destinations that
/// share a term share its sources set (each rule's or group's set is computed once), so turning the terms into rows
/// by source costs a union per term and source it admits, not a bit per pair of classes.
/// </summary>
internal sealed class IngressTerms
{
    private readonly Dictionary<ClassSet, ClassSet> _destinationsBySources = new(ReferenceEqualityComparer.Instance);

    /// <summary>Terms over <paramref name="count"/> classes; none yet, and no open destination.</summary>
    public IngressTerms(int count)
    {
        Count = count;
        Open = new ClassSet(count);
    }

    /// <summary>How many classes the terms range over.</summary>
    public int Count { get; }

    /// <summary>The destinations that let every source in (not isolated; no security groups).</summary>
    public ClassSet Open { get; }

    /// <summary>Destination <paramref name="destination"/> lets in the classes of <paramref name="sources"/> (a shared set: not copied).</summary>
    public void Add(ClassSet sources, int destination) => DestinationsOf(sources).Add(destination);

    /// <summary>Every class of <paramref name="destinations"/> lets in the classes of <paramref name="sources"/>.</summary>
    public void Add(ClassSet sources, ClassSet destinations) => DestinationsOf(sources).UnionWith(destinations);

    /// <summary>For each source class, the destinations that let it in: the open ones and those of every term admitting it.</summary>
    public ClassSet[] BySource()
    {
        var rows = new ClassSet[Count];
        for (var s = 0; s < Count; s++)
        {
            rows[s] = Open.Copy();
        }

        foreach (var (sources, destinations) in _destinationsBySources)
        {
            foreach (var s in sources)
            {
                rows[s].UnionWith(destinations);
            }
        }

        return rows;
    }

    private ClassSet DestinationsOf(ClassSet sources)
    {
        if (!_destinationsBySources.TryGetValue(sources, out var destinations))
        {
            _destinationsBySources.Add(sources, destinations = new ClassSet(Count));
        }

        return destinations;
    }
}

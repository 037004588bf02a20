namespace Podnet.Policy;

/// <summary>
/// A connectivity matrix: the pods (<c>namespace/name</c>, sorted), the classes of alike pods they fall into, and
/// whether each may connect to each other — held per pair of classes (a bit each), so its size grows with the
/// classes, not the pods.
/// </summary>
public sealed class MatrixResult
{
    private readonly int[] _classOf;
    private readonly ClassSet[] _allowed;
    private int[][]? _podsOfClass;

    internal MatrixResult(PortSpec port, IReadOnlyList<string> pods, int[] classOf, int classes, ClassSet[] allowed, long evaluations)
    {
        Port = port;
        Pods = pods;
        _classOf = classOf;
        Classes = classes;
        _allowed = allowed;
        Evaluations = evaluations;
    }

    /// <summary>The protocol and destination port the matrix is for.</summary>
    public PortSpec Port { get; }

    /// <summary>The pods, <c>namespace/name</c>, by namespace and name; indices into the matrix.</summary>
    public IReadOnlyList<string> Pods { get; }

    /// <summary>How many equivalence classes the pods fell into.</summary>
    public int Classes { get; }

    /// <summary>
    /// How many ordered pairs of classes were decided: <see cref="Classes"/>², less a class of one pod to itself
    /// (it holds no pair of pods).
    /// </summary>
    public long Evaluations { get; }

    /// <summary>The class of pod <paramref name="pod"/>: pods of one class get the same verdicts.</summary>
    public int ClassOf(int pod) => _classOf[pod];

    /// <summary>The pods of class <paramref name="class"/> (indices into <see cref="Pods"/>, increasing); never empty.</summary>
    public IReadOnlyList<int> PodsOf(int @class)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(@class);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(@class, Classes);
        if (_podsOfClass is null)
        {
            var lists = Enumerable.Range(0, Classes).Select(_ => new List<int>()).ToArray();
            for (var pod = 0; pod < _classOf.Length; pod++)
            {
                lists[_classOf[pod]].Add(pod);
            }

            _podsOfClass = [.. lists.Select(l => l.ToArray())];
        }

        return _podsOfClass[@class];
    }

    /// <summary>
    /// Whether a pod of class <paramref name="from"/> may open a connection to a pod of class <paramref name="to"/>
    /// (another pod, when the classes are one); false for a class of one pod to itself.
    /// </summary>
    public bool ClassAllowed(int from, int to)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(from);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(from, Classes);
        ArgumentOutOfRangeException.ThrowIfNegative(to);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(to, Classes);
        return _allowed[from].Contains(to);
    }

    /// <summary>Whether pod <paramref name="from"/> may open a connection to pod <paramref name="to"/>; false for a pod to itself.</summary>
    public bool Allowed(int from, int to)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(from);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(from, Pods.Count);
        ArgumentOutOfRangeException.ThrowIfNegative(to);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(to, Pods.Count);
        return from != to && _allowed[_classOf[from]].Contains(_classOf[to]);
    }

    /// <summary>How many ordered pairs of distinct pods are allowed.</summary>
    public long AllowedPairs()
    {
        var perClass = new long[Classes];
        foreach (var c in _classOf)
        {
            perClass[c]++;
        }

        long total = 0;
        for (var from = 0; from < Classes; from++)
        {
            foreach (var to in _allowed[from])
            {
                total += perClass[from] * (from == to ? perClass[to] - 1 : perClass[to]);
            }
        }

        return total;
    }
}

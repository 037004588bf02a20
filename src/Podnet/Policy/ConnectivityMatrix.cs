namespace Podnet.Policy;

/// <summary>
/// Who can open a connection to whom, for one protocol and port: every ordered pair of pods that have an IP and are
/// not on the host network (a pod to itself is not asked). Pods that no rule can tell apart (equal decision keys:
/// namespace, labels, namespace labels, container ports, node, interface security groups, branch and enforcing mode,
/// and which ipBlock/CIDR rules contain their address) form a class; each pair of classes is decided once, by
/// <see cref="Reachability"/> on one representative pair, so the cost grows with the classes rather than the pods.
/// </summary>
public static class ConnectivityMatrix
{
    /// <summary>TCP/80, the port a matrix is for unless told otherwise.</summary>
    public static PortSpec DefaultPort { get; } = new("TCP", 80);

    public static MatrixResult Compute(Podnet.World.World world, PortSpec? port = null)
    {
        ArgumentNullException.ThrowIfNull(world);
        return Compute(new Reachability(world), port);
    }

    /// <summary>
    /// The matrix of <paramref name="reachability"/>'s world on <paramref name="port"/> (TCP/80 by default);
    /// <paramref name="progress"/>, when given, is called with (source classes done, classes) after each row of classes.
    /// </summary>
    public static MatrixResult Compute(Reachability reachability, PortSpec? port = null, Action<int, int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(reachability);
        var spec = port ?? DefaultPort;
        var pods = reachability.MatrixPods();
        var keys = reachability.DecisionKeys(pods);

        // Classes in order of their first pod; each keeps its first two pods (a class to itself needs two).
        var classIds = new Dictionary<string, int>(StringComparer.Ordinal);
        var classOf = new int[pods.Count];
        var first = new List<int>();
        var second = new List<int>();
        for (var i = 0; i < pods.Count; i++)
        {
            if (!classIds.TryGetValue(keys[i], out var id))
            {
                id = classIds.Count;
                classIds.Add(keys[i], id);
                first.Add(i);
                second.Add(-1);
            }
            else if (second[id] < 0)
            {
                second[id] = i;
            }

            classOf[i] = id;
        }

        var classes = first.Count;
        var allowed = new bool[classes * classes];
        var evaluations = 0;
        for (var from = 0; from < classes; from++)
        {
            for (var to = 0; to < classes; to++)
            {
                var source = first[from];
                var destination = from == to ? second[to] : first[to];
                if (destination < 0)
                {
                    continue;
                }

                allowed[(from * classes) + to] = reachability.IsAllowed(pods[source], pods[destination], spec);
                evaluations++;
            }

            progress?.Invoke(from + 1, classes);
        }

        return new MatrixResult(spec, [.. pods.Select(p => p.Display)], classOf, classes, allowed, evaluations);
    }
}

/// <summary>A connectivity matrix: the pods (<c>namespace/name</c>, sorted) and whether each may connect to each other.</summary>
public sealed class MatrixResult
{
    private readonly int[] _classOf;
    private readonly bool[] _allowed;

    internal MatrixResult(PortSpec port, IReadOnlyList<string> pods, int[] classOf, int classes, bool[] allowed, int evaluations)
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

    /// <summary>How many connections were evaluated (at most <see cref="Classes"/>²).</summary>
    public int Evaluations { get; }

    /// <summary>The class of pod <paramref name="pod"/>: pods of one class get the same verdicts.</summary>
    public int ClassOf(int pod) => _classOf[pod];

    /// <summary>Whether pod <paramref name="from"/> may open a connection to pod <paramref name="to"/>; false for a pod to itself.</summary>
    public bool Allowed(int from, int to)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(from);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(from, Pods.Count);
        ArgumentOutOfRangeException.ThrowIfNegative(to);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(to, Pods.Count);
        return from != to && _allowed[(_classOf[from] * Classes) + _classOf[to]];
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
            for (var to = 0; to < Classes; to++)
            {
                if (_allowed[(from * Classes) + to])
                {
                    total += perClass[from] * (from == to ? perClass[to] - 1 : perClass[to]);
                }
            }
        }

        return total;
    }
}

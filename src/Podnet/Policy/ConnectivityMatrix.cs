namespace Podnet.Policy;

/// <summary>
/// Who can open a connection to whom, for one protocol and port: every ordered pair of pods that have an IP and are
/// not on the host network (a pod to itself is not asked). Pods that no rule can tell apart (equal decision keys:
/// namespace, labels, namespace labels, container ports, node, interface security groups, branch and enforcing mode,
/// and which ipBlock/CIDR rules contain their address) form a class, so the cost grows with the classes rather than
/// the pods. <see cref="Compute(Reachability, PortSpec?, Action{int, int}?)"/> decides the pairs of classes by set
/// algebra (each rule's admitted classes worked out once, as bitsets, and combined per direction);
/// <see cref="ComputePairwise"/> asks <see cref="Reachability"/> once per pair of classes, and is the oracle the
/// algebra is tested against.
/// </summary>
public static class ConnectivityMatrix
{
    /// <summary>TCP/80, the port a matrix is for unless told otherwise.</summary>
    public static PortSpec DefaultPort { get; } = new("TCP", 80);

    /// <summary>The matrix of <paramref name="world"/> on <paramref name="port"/> (TCP/80 by default), by set algebra.</summary>
    public static MatrixResult Compute(Podnet.World.World world, PortSpec? port = null)
    {
        ArgumentNullException.ThrowIfNull(world);
        return Compute(new Reachability(world), port);
    }

    /// <summary>
    /// The matrix of <paramref name="reachability"/>'s world on <paramref name="port"/> (TCP/80 by default), by set
    /// algebra over the classes; <paramref name="progress"/>, when given, is called with (source classes done,
    /// classes) after each row of classes.
    /// </summary>
    public static MatrixResult Compute(Reachability reachability, PortSpec? port = null, Action<int, int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(reachability);
        var spec = port ?? DefaultPort;
        var classes = MatrixClasses.Of(reachability);
        var rows = reachability.AllowedClasses([.. classes.First.Select(p => classes.Pods[p])], spec, progress);

        // A class of one pod has no pair within itself: its diagonal is not a verdict.
        long evaluations = (long)classes.Count * classes.Count;
        for (var c = 0; c < classes.Count; c++)
        {
            if (classes.Second[c] < 0)
            {
                rows[c].Remove(c);
                evaluations--;
            }
        }

        return new MatrixResult(spec, [.. classes.Pods.Select(p => p.Display)], classes.ClassOf, classes.Count, rows, evaluations);
    }

    /// <summary>
    /// The same matrix as <see cref="Compute(Reachability, PortSpec?, Action{int, int}?)"/>, decided the slow way:
    /// <see cref="Reachability.IsAllowed"/> once per ordered pair of classes, on a representative pair of pods (a
    /// class to itself needs two). The oracle the algebra is held to, and the baseline it is measured against.
    /// </summary>
    public static MatrixResult ComputePairwise(Reachability reachability, PortSpec? port = null, Action<int, int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(reachability);
        var spec = port ?? DefaultPort;
        var classes = MatrixClasses.Of(reachability);
        var pods = classes.Pods;
        var rows = new ClassSet[classes.Count];
        long evaluations = 0;
        for (var from = 0; from < classes.Count; from++)
        {
            rows[from] = new ClassSet(classes.Count);
            for (var to = 0; to < classes.Count; to++)
            {
                var source = classes.First[from];
                var destination = from == to ? classes.Second[to] : classes.First[to];
                if (destination < 0)
                {
                    continue;
                }

                if (reachability.IsAllowed(pods[source], pods[destination], spec))
                {
                    rows[from].Add(to);
                }

                evaluations++;
            }

            progress?.Invoke(from + 1, classes.Count);
        }

        return new MatrixResult(spec, [.. pods.Select(p => p.Display)], classes.ClassOf, classes.Count, rows, evaluations);
    }

    /// <summary>
    /// The matrix pods and their classes, numbered in order of their first pod; each class keeps its first two pods
    /// (indices into <see cref="Pods"/>; <see cref="Second"/> is −1 for a class of one pod).
    /// </summary>
    private sealed record MatrixClasses(List<Endpoint> Pods, int[] ClassOf, List<int> First, List<int> Second)
    {
        public int Count => First.Count;

        public static MatrixClasses Of(Reachability reachability)
        {
            var pods = reachability.MatrixPods();
            var keys = reachability.DecisionKeys(pods);
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

            return new MatrixClasses(pods, classOf, first, second);
        }
    }
}

namespace Podnet.Kube.Store;

/// <summary>
/// Who makes a request, as admission sees it (<c>system:serviceaccount:kube-system:aws-node</c>), and whether it is a
/// dry run (<c>?dryRun=All</c>: defaulting, admission and validation run, nothing is stored, the answer is the
/// object as it would have been).
/// </summary>
public sealed record RequestContext(string UserName)
{
    /// <summary>Run the request through admission and validation but store nothing (<c>dryRun=All</c>).</summary>
    public bool DryRun { get; init; }

    /// <summary>
    /// The request's field manager (<c>?fieldManager=kubectl-client-side-apply</c>): the fields it sets are recorded as
    /// its own in <c>metadata.managedFields</c>. Null (the emulated controllers' writes) records nothing.
    /// </summary>
    public string? FieldManager { get; init; }

    /// <summary>A server-side apply takes over fields other managers own instead of failing (<c>?force=true</c>).</summary>
    public bool Force { get; init; }

    /// <summary>The HTTP request's URI, for the audit log; null for a write made in process.</summary>
    public string? RequestUri { get; init; }

    /// <summary>The client's User-Agent (<c>kubectl/v1.31.9 …</c>), for the audit log.</summary>
    public string? UserAgent { get; init; }

    public static RequestContext Admin { get; } = new("kubernetes-admin");

    /// <summary>A controller of the control plane, e.g. <c>system:serviceaccount:kube-system:replicaset-controller</c>.</summary>
    /// <remarks>
    /// Made once per name and shared (a context is immutable): controllers ask for theirs on every reconcile and the
    /// event recorder on every Event, and the user name was written out each time.
    /// </remarks>
    public static RequestContext ServiceAccount(string @namespace, string name)
        => ServiceAccounts.TryGetValue((@namespace, name), out var known)
            ? known
            : Keep(ServiceAccounts, (@namespace, name), new RequestContext($"system:serviceaccount:{@namespace}:{name}"));

    /// <summary>
    /// The kubelet of node <paramref name="nodeName"/> (<c>system:node:ip-10-0-1-5.ec2.internal</c>, in the group
    /// <c>system:nodes</c>): what it registers its node and posts its pods' status as, the user EKS maps a node's IAM
    /// role to (aws-auth's <c>system:node:{{EC2PrivateDNSName}}</c>). Kept by node name alone, so that the kubelet,
    /// asking on every pod sync, makes neither a name nor a pair to look it up.
    /// </summary>
    public static RequestContext Kubelet(string nodeName)
        => Kubelets.TryGetValue(nodeName, out var known)
            ? known
            : Keep(Kubelets, nodeName, new RequestContext(NodeUserPrefix + nodeName));

    /// <summary>What a node's user name begins with (<c>system:node:</c>; the node authorizer's <c>NodeUserNamePrefix</c>).</summary>
    public const string NodeUserPrefix = "system:node:";

    /// <summary>Keeps <paramref name="made"/> under <paramref name="key"/> while fewer than the bound are kept, and returns the one kept.</summary>
    private static RequestContext Keep<TKey>(System.Collections.Concurrent.ConcurrentDictionary<TKey, RequestContext> kept, TKey key, RequestContext made)
        where TKey : notnull
    {
        // Bounded: a kubelet's identity names its node, and a long-running server sees nodes come and go (a Fargate
        // pod gets a node of its own). The bound is counted here, not read from the dictionary: its Count takes every
        // lock, and past the bound every kubelet of a 5,000-node cluster asked it on each write (a twentieth of that
        // cluster's settle).
        if (Volatile.Read(ref _made) >= Kept)
        {
            return made;
        }

        var found = kept.GetOrAdd(key, made);
        if (ReferenceEquals(found, made))
        {
            Interlocked.Increment(ref _made);
        }

        return found;
    }

    // A kubelet each for the largest clusters Podnet is measured on (5,000 nodes), and every controller.
    private const int Kept = 16_384;

    private static int _made;

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(string Namespace, string Name), RequestContext> ServiceAccounts = new();

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, RequestContext> Kubelets = new(StringComparer.Ordinal);
}

public enum PropagationPolicy
{
    Background,
    Foreground,
    Orphan,
}

/// <summary>DeleteOptions: propagation, grace period and preconditions.</summary>
public sealed record DeleteOptions(
    PropagationPolicy? PropagationPolicy = null,
    long? GracePeriodSeconds = null,
    string? PreconditionUid = null,
    string? PreconditionResourceVersion = null)
{
    public static DeleteOptions Default { get; } = new();

    public static DeleteOptions Now { get; } = new(GracePeriodSeconds: 0);
}

public enum PatchType
{
    /// <summary><c>application/merge-patch+json</c> (RFC 7386).</summary>
    Merge,

    /// <summary><c>application/strategic-merge-patch+json</c>.</summary>
    StrategicMerge,

    /// <summary><c>application/json-patch+json</c> (RFC 6902).</summary>
    Json,

    /// <summary>
    /// <c>application/apply-patch+yaml</c>: server-side apply. The applied configuration is merged in (as a strategic
    /// merge patch for built-in kinds, a merge patch for custom resources) and becomes the manager's; a field another
    /// manager owns with another value is a 409 conflict unless forced; the object is created when absent.
    /// </summary>
    Apply,
}

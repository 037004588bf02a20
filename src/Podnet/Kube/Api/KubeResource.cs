using System.Collections.Frozen;

namespace Podnet.Kube.Api;

/// <summary>
/// A kind the API server serves: its group, version, plural resource name, scope and short names, and what its
/// registry strategy decides for every object of the kind (k8s.io/apiserver's <c>rest.RESTCreateStrategy</c> and
/// <c>RESTUpdateStrategy</c>, one per kind under pkg/registry): whether status is a subresource, whether
/// <c>metadata.generation</c> counts spec changes, whether a create keeps the status it is given, and which fields
/// a field selector may name. A kind nobody registered (a custom resource of a world) has none of them.
/// </summary>
public sealed record KubeResource(string Group, string Version, string Kind, string Plural, bool Namespaced, IReadOnlyList<string> ShortNames)
{
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary>The resource as messages name it: <c>pods</c>, <c>deployments.apps</c>, <c>securitygrouppolicies.vpcresources.k8s.aws</c>.</summary>
    public string QualifiedResource => Group.Length == 0 ? Plural : $"{Plural}.{Group}";

    public string Singular => Kind.ToLowerInvariant();

    /// <summary>
    /// Status is written through <c>/status</c> only: an update of the main resource keeps the stored status, an
    /// update of the status keeps everything else, and a create drops the status it is given (unless
    /// <see cref="KeepsStatusOnCreate"/>), as the strategies' PrepareForCreate and PrepareForUpdate do.
    /// </summary>
    public bool HasStatusSubresource { get; init; }

    /// <summary>A create sets <c>metadata.generation</c> to 1 and every change of <c>spec</c> adds one.</summary>
    public bool TracksGeneration { get; init; }

    /// <summary>A create keeps the given status (nodeStrategy.PrepareForCreate: a kubelet registers its node with status).</summary>
    public bool KeepsStatusOnCreate { get; init; }

    /// <summary>
    /// The fields a field selector may name besides <c>metadata.name</c> and <c>metadata.namespace</c> (the kind's
    /// registered field label conversion); any other is a BadRequest "field label not supported".
    /// </summary>
    public FrozenSet<string> FieldSelectors { get; init; } = FrozenSet<string>.Empty;

    /// <summary>
    /// The store keeps the kind's objects compact (<see cref="KubeObject.Compact"/>: their JSON text and identity, not a
    /// tree): for a kind written far more than it is read, as Events are (six per pod started, read by describe).
    /// </summary>
    /// <remarks>
    /// Only a new object is made compact. A version that replaces another keeps its tree: for Events that is a
    /// recorder's count-up, which reads the version it replaces whole, and an Event counted up once usually is again (a
    /// pod waiting for its branch interface fails its sandbox every 10 s, 25 writes and then one per 5 minutes). Kept
    /// compact, each count-up parsed the text back and wrote it out anew: a sixth of what a security-group world
    /// allocated. What it costs is one tree per Event ever counted up.
    /// </remarks>
    public bool KeptCompact { get; init; }

    /// <summary>
    /// How long an object of the kind lives after its last write, or null for as long as nobody deletes it: Events, 1 hour
    /// (<see cref="KubeResources.EventTimeToLive"/>). The API server stores such an object under an etcd lease that each
    /// create and update renews (pkg/registry/core/event/storage's <c>TTLFunc</c>, kube-apiserver's <c>--event-ttl</c>;
    /// the leases a little longer and shared, <see cref="Store.LeaseManager"/>), and etcd deletes it when the lease runs
    /// out (<see cref="Store.ObjectStore.ExpireDue"/>).
    /// </summary>
    public TimeSpan? TimeToLive { get; init; }

    /// <summary>
    /// The top-level fields whose parts the store holds once for all objects of the kind that have them equal
    /// (<see cref="Store.SubtreeInterner"/>): a pod's containers, volumes, tolerations, labels and owner references, equal
    /// in every pod of a workload. Empty for a kind whose objects seldom share parts.
    /// </summary>
    public IReadOnlyList<string> SharedParts { get; init; } = [];

    /// <summary>
    /// The kind is a custom resource (served from a CustomResourceDefinition, or unknown and served as one): its
    /// table is NAME plus <see cref="AdditionalPrinterColumns"/>, or NAME AGE without them (apiextensions-apiserver's
    /// tableconvertor), never a built-in printer.
    /// </summary>
    public bool IsCustomResource { get; init; }

    /// <summary>
    /// A custom resource version's <c>additionalPrinterColumns</c>, in order (empty for built-in kinds and for
    /// custom resources without columns).
    /// </summary>
    public IReadOnlyList<PrinterColumn> AdditionalPrinterColumns { get; init; } = [];

    /// <summary>
    /// The verbs served, as discovery lists them; null for an object kind's (create, delete, deletecollection, get,
    /// list, patch, update, watch). A review the API server answers without storing it has <c>create</c> only.
    /// </summary>
    public IReadOnlyList<string>? Verbs { get; init; }
}

using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Podnet.Kube.Serialization;

namespace Podnet.Kube.Nodes;

/// <summary>
/// The kubelet's image manager (pkg/kubelet/images/image_manager.go EnsureImageExists) over each node's image store:
/// an image a node has is used at once with <c>IfNotPresent</c> ("already present on machine"); a missing one, or any
/// with <c>Always</c>, is pulled, which takes time. Pulls on a node run in parallel (the EKS AMIs' kubelet config sets
/// <c>serializeImagePulls: false</c>), so a pull never waits for another and "including waiting" equals the pull; a
/// container whose image another pod is pulling on the node waits for that same pull. <c>Never</c> with the image
/// missing is <c>ErrImageNeverPull</c>.
/// </summary>
/// <remarks>
/// Podnet has no registry: an image's size is derived from its name (the same in every world), and a pull's duration
/// from the world's seed and the image, so runs repeat exactly: a full pull is a round trip of 0.4–1.2 s plus the
/// size at 10–19 MB/s (a 70 MB image in 5–8 s, as nginx pulls from Docker Hub on a fresh EKS node); a pull of an image
/// the node has (<c>Always</c>) checks the manifest only, 0.15–0.65 s.
/// </remarks>
internal sealed class ImageManager(int seed)
{
    /// <summary>The event reason of a pull starting and of an image ready (kubelet events.PullingImage, events.PulledImage).</summary>
    public const string PullingReason = "Pulling";

    /// <inheritdoc cref="PullingReason"/>
    public const string PulledReason = "Pulled";

    /// <summary>The event reason and container waiting reason for a missing image under <c>Never</c> (events.ErrImageNeverPullPolicy).</summary>
    public const string NeverPullReason = "ErrImageNeverPull";

    /// <summary>Per node, per image: when the image is (or will be, while a pull runs) in the node's store.</summary>
    private readonly Dictionary<string, Dictionary<string, DateTimeOffset>> _stores = new(StringComparer.Ordinal);

    private readonly Dictionary<string, long> _sizes = new(StringComparer.Ordinal);

    /// <summary>
    /// Whether a node (its name) has an image from its boot, as its machine image caches some
    /// (<see cref="Aws.Eks.AmiCachedImages"/>); none unless set.
    /// </summary>
    public Func<string, string, bool> Preloaded { get; set; } = (_, _) => false;

    /// <summary>
    /// What starting a container with <paramref name="image"/> on <paramref name="node"/> at <paramref name="now"/>
    /// takes: no pull (present), a pull and how long it lasts, or the image missing under <c>Never</c>. A pull
    /// started here puts the image in the node's store when it ends.
    /// </summary>
    public ImagePull Ensure(string node, string image, string? pullPolicy, DateTimeOffset now)
    {
        var store = _stores.TryGetValue(node, out var found) ? found : _stores[node] = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        if (!store.ContainsKey(image) && Preloaded(node, image))
        {
            store[image] = DateTimeOffset.MinValue;
        }

        var has = store.TryGetValue(image, out var availableAt);
        if (pullPolicy == "Never")
        {
            return has && availableAt <= now ? ImagePull.Present : ImagePull.MissingUnderNever;
        }

        if (has && availableAt > now)
        {
            // Another pod's pull of the image is under way on this node: this one gets it when that pull ends.
            return new ImagePull(true, false, availableAt - now, SizeOf(image));
        }

        if (has && pullPolicy != "Always")
        {
            return ImagePull.Present;
        }

        var duration = has ? ManifestCheck(image) : FullPull(image);
        if (!has)
        {
            store[image] = now + duration;
        }

        return new ImagePull(true, false, duration, SizeOf(image));
    }

    /// <summary>Forgets a node's images (the node is gone).</summary>
    public void Forget(string node) => _stores.Remove(node);

    /// <summary>kubelet image_manager.go: <c>Container image "X" already present on machine</c>.</summary>
    public static string PresentMessage(string image) => $"Container image \"{image}\" already present on machine";

    /// <summary>kubelet image_manager.go: <c>Pulling image "X"</c>.</summary>
    public static string PullingMessage(string image) => $"Pulling image \"{image}\"";

    /// <summary>kubelet image_manager.go: <c>Successfully pulled image "X" in 9.897s (9.897s including waiting). Image size: N bytes.</c></summary>
    public static string PulledMessage(string image, ImagePull pull)
    {
        var took = GoDuration.Format(pull.Duration);
        return $"Successfully pulled image \"{image}\" in {took} ({took} including waiting). Image size: {pull.Size.ToString(CultureInfo.InvariantCulture)} bytes.";
    }

    /// <summary>kubelet image_manager.go: <c>Container image "X" is not present with pull policy of Never</c>.</summary>
    public static string NeverPullMessage(string image) => $"Container image \"{image}\" is not present with pull policy of Never";

    /// <summary>The image's size in bytes: 5–150 MB, from its name alone; drawn once per image (every pod waiting for a pull asks).</summary>
    private long SizeOf(string image)
    {
        if (!_sizes.TryGetValue(image, out var size))
        {
            _sizes[image] = size = 5_000_000 + (long)(Hash($"size/{image}") % 145_000_000);
        }

        return size;
    }

    private TimeSpan FullPull(string image)
    {
        var roundTripMs = 400 + (long)(Hash($"{seed}/rtt/{image}") % 800);
        var bytesPerMs = 10_000 + (long)(Hash($"{seed}/rate/{image}") % 10_000);
        return TimeSpan.FromMilliseconds(roundTripMs + (SizeOf(image) / bytesPerMs));
    }

    private TimeSpan ManifestCheck(string image) => TimeSpan.FromMilliseconds(150 + (long)(Hash($"{seed}/manifest/{image}") % 500));

    private static ulong Hash(string text) => BinaryPrimitives.ReadUInt64BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
}

/// <summary>What the image manager does for one container start.</summary>
/// <param name="Pulls">True when the kubelet pulls (events Pulling, then Pulled after <paramref name="Duration"/>).</param>
/// <param name="NeverPullMissing">True when the image is missing and the policy is <c>Never</c>: the container cannot start.</param>
/// <param name="Duration">How long the pull takes (zero when there is none).</param>
/// <param name="Size">The image's size in bytes, as the Pulled event reports it.</param>
internal sealed record ImagePull(bool Pulls, bool NeverPullMissing, TimeSpan Duration, long Size)
{
    /// <summary>The node has the image; no pull.</summary>
    public static ImagePull Present { get; } = new(false, false, TimeSpan.Zero, 0);

    /// <summary>The image is missing under <c>Never</c>.</summary>
    public static ImagePull MissingUnderNever { get; } = new(false, true, TimeSpan.Zero, 0);
}

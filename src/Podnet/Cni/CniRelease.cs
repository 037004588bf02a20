using System.Globalization;
using System.Text.RegularExpressions;

namespace Podnet.Cni;

/// <summary>
/// A release of the VPC CNI as an image tag names it: <c>v1.11.2-eksbuild.1</c> is version 1.11.2, EKS build 1;
/// an upstream tag (<c>v1.11.2</c>) has EKS build 0. Releases compare by version, then by EKS build, so EKS's
/// documented floors such as custom networking's <c>1.6.3-eksbuild.2</c> can be checked.
/// </summary>
public sealed partial record CniRelease(Version Version, int EksBuild = 0) : IComparable<CniRelease>
{
    public CniRelease(int major, int minor, int patch, int eksBuild = 0)
        : this(new Version(major, minor, patch), eksBuild)
    {
    }

    /// <summary>The release in an amazon-k8s-cni image reference (<c>…/amazon-k8s-cni:v1.11.2-eksbuild.1</c>); null without a version tag.</summary>
    public static CniRelease? FromImage(string? image)
        => image is null || image.LastIndexOf(':') is var colon && colon < 0 ? null : FromTag(image[(colon + 1)..]);

    /// <summary>The release an image tag or add-on version names (<c>v1.11.2-eksbuild.1</c>, <c>1.11.2</c>); null for another form.</summary>
    public static CniRelease? FromTag(string? tag)
    {
        if (tag is null)
        {
            return null;
        }

        var match = TagPattern().Match(tag);
        if (!match.Success)
        {
            return null;
        }

        static int Number(Group g) => g.Success ? int.Parse(g.Value, CultureInfo.InvariantCulture) : 0;
        return new CniRelease(Number(match.Groups[1]), Number(match.Groups[2]), Number(match.Groups[3]), Number(match.Groups[4]));
    }

    public int CompareTo(CniRelease? other)
        => other is null ? 1 : Version.CompareTo(other.Version) is var byVersion && byVersion != 0 ? byVersion : EksBuild.CompareTo(other.EksBuild);

    public static bool operator <(CniRelease left, CniRelease right) => left.CompareTo(right) < 0;

    public static bool operator >(CniRelease left, CniRelease right) => left.CompareTo(right) > 0;

    public static bool operator <=(CniRelease left, CniRelease right) => left.CompareTo(right) <= 0;

    public static bool operator >=(CniRelease left, CniRelease right) => left.CompareTo(right) >= 0;

    /// <summary><c>1.11.2</c>, or <c>1.6.3-eksbuild.2</c> for an EKS build.</summary>
    public override string ToString()
        => EksBuild > 0 ? $"{Version.ToString(3)}-eksbuild.{EksBuild.ToString(CultureInfo.InvariantCulture)}" : Version.ToString(3);

    [GeneratedRegex(@"^v?(\d+)\.(\d+)(?:\.(\d+))?(?:-eksbuild\.(\d+))?")]
    private static partial Regex TagPattern();
}

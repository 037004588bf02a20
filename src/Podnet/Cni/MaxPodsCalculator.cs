using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.RegularExpressions;
using Podnet.Aws.InstanceTypes;

namespace Podnet.Cni;

/// <summary>
/// The inputs of EKS's <c>max-pods-calculator.sh</c> (awslabs/amazon-eks-ami), by the script's flags:
/// <c>--instance-type</c>, <c>--cni-version</c> (X.Y.Z), <c>--cni-custom-networking-enabled</c>,
/// <c>--cni-prefix-delegation-enabled</c>, <c>--cni-max-eni</c> and <c>--show-max-allowed</c>.
/// </summary>
public sealed record MaxPodsOptions(string InstanceType, string CniVersion)
{
    public bool CustomNetworking { get; init; }

    public bool PrefixDelegation { get; init; }

    /// <summary>The most ENIs the CNI may use (MAX_ENI); null for all of the instance type's.</summary>
    public int? MaxEni { get; init; }

    /// <summary>Print the formula's value without the 110/250 ceiling.</summary>
    public bool ShowMaxAllowed { get; init; }
}

/// <summary>The input a <see cref="MaxPodsError"/> is about.</summary>
public enum MaxPodsInput
{
    InstanceType,
    CniVersion,
    MaxEni,
}

public sealed record MaxPodsError(MaxPodsInput Input, string Message);

/// <summary>
/// What <c>max-pods-calculator.sh</c> prints (<see cref="MaxPods"/>) and every value it was computed from.
/// </summary>
/// <param name="MaxPods">The script's output: <see cref="MaxAllowed"/>, capped at <see cref="Ceiling"/> when there is one.</param>
/// <param name="IsNitro">Whether EC2 reports the hypervisor as <c>nitro</c>; bare-metal types report none, so the script does not count them.</param>
/// <param name="InstanceEnis">Network interfaces of the default network card.</param>
/// <param name="EnisForPods">ENIs the formula uses: min(MaxEni, InstanceEnis), one fewer under custom networking.</param>
/// <param name="PrefixDelegationSupported">Whether the CNI version is 1.9 or later.</param>
/// <param name="PrefixDelegationUsed">Whether the /28 prefix formula applies: Nitro, prefix delegation enabled and supported.</param>
/// <param name="MaxAllowed">The formula's value: ENIs × ((IPv4 per ENI − 1) × 16) + 2 with prefixes, else ENIs × (IPv4 per ENI − 1) + 2.</param>
/// <param name="Ceiling">250 above 30 vCPUs, else 110; null with ShowMaxAllowed.</param>
public sealed record MaxPodsResult(
    int MaxPods,
    string InstanceType,
    Version CniVersion,
    bool IsNitro,
    int InstanceEnis,
    int Ipv4AddressesPerInterface,
    int? DefaultVCpus,
    int? MaxEni,
    bool CustomNetworking,
    int EnisForPods,
    bool PrefixDelegationEnabled,
    bool PrefixDelegationSupported,
    bool PrefixDelegationUsed,
    int MaxAllowed,
    int? Ceiling);

/// <summary>
/// EKS's max-pods calculator (<c>max-pods-calculator.sh</c> of awslabs/amazon-eks-ami), as
/// <c>shared/reference/vpc-cni.md</c> §2.2 gives it: the value to pass to the kubelet's <c>--max-pods</c>.
/// </summary>
public static partial class MaxPodsCalculator
{
    /// <summary>Addresses in a /28 prefix.</summary>
    public const int IpsPerPrefix = 16;

    public const int CeilingForLowCpu = 110;

    public const int CeilingForHighCpu = 250;

    /// <summary>Above this many vCPUs the ceiling is <see cref="CeilingForHighCpu"/>.</summary>
    public const int HighCpuThreshold = 30;

    public static bool TryCalculate(
        MaxPodsOptions options,
        InstanceTypeCatalog catalog,
        [NotNullWhen(true)] out MaxPodsResult? result,
        [NotNullWhen(false)] out MaxPodsError? error)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(catalog);
        result = null;

        if (catalog.Find(options.InstanceType) is not { } type)
        {
            error = new MaxPodsError(MaxPodsInput.InstanceType, catalog.NotKnownMessage(options.InstanceType));
            return false;
        }

        if (!TryParseCniVersion(options.CniVersion, out var version))
        {
            error = new MaxPodsError(MaxPodsInput.CniVersion, $"\"{options.CniVersion}\" is not a CNI version of the form X.Y.Z, e.g. 1.19.2, v1.19.2 or 1.19.2-eksbuild.1");
            return false;
        }

        if (options.MaxEni is < 1)
        {
            error = new MaxPodsError(MaxPodsInput.MaxEni, $"must be at least 1, not {options.MaxEni.Value.ToString(CultureInfo.InvariantCulture)}");
            return false;
        }

        if (type is not { DefaultCardMaximumNetworkInterfaces: { } instanceEnis, Ipv4AddressesPerInterface: { } ips })
        {
            error = new MaxPodsError(MaxPodsInput.InstanceType, $"instance type \"{type.InstanceType}\" has no known network limits (ENIs and IPv4 addresses per ENI)");
            return false;
        }

        if (!options.ShowMaxAllowed && type.DefaultVCpus is null)
        {
            error = new MaxPodsError(MaxPodsInput.InstanceType, $"instance type \"{type.InstanceType}\" has no known vCPU count, which the recommended value's ceiling (110 or 250) depends on");
            return false;
        }

        // The script compares major and minor only: prefix delegation came with CNI 1.9.
        var pdSupported = version.Major > 1 || (version.Major == 1 && version.Minor > 8);
        var isNitro = type.Hypervisor == "nitro";

        var enis = options.MaxEni is { } maxEni ? Math.Min(maxEni, instanceEnis) : instanceEnis;
        if (options.CustomNetworking)
        {
            enis--;
        }

        var pdUsed = isNitro && options.PrefixDelegation && pdSupported;
        var maxAllowed = pdUsed ? (enis * ((ips - 1) * IpsPerPrefix)) + 2 : (enis * (ips - 1)) + 2;
        int? ceiling = options.ShowMaxAllowed ? null : type.DefaultVCpus > HighCpuThreshold ? CeilingForHighCpu : CeilingForLowCpu;

        result = new MaxPodsResult(
            MaxPods: ceiling is { } cap ? Math.Min(maxAllowed, cap) : maxAllowed,
            InstanceType: type.InstanceType,
            CniVersion: version,
            IsNitro: isNitro,
            InstanceEnis: instanceEnis,
            Ipv4AddressesPerInterface: ips,
            DefaultVCpus: type.DefaultVCpus,
            MaxEni: options.MaxEni,
            CustomNetworking: options.CustomNetworking,
            EnisForPods: enis,
            PrefixDelegationEnabled: options.PrefixDelegation,
            PrefixDelegationSupported: pdSupported,
            PrefixDelegationUsed: pdUsed,
            MaxAllowed: maxAllowed,
            Ceiling: ceiling);
        error = null;
        return true;
    }

    /// <summary>
    /// Reads a CNI version as the seeds and EKS print it: <c>X.Y.Z</c> (the script's example 1.7.5), with or without
    /// the image tag's <c>v</c> (<c>v1.11.2</c>, what <c>kubectl describe daemonset aws-node</c> shows) and an EKS
    /// build suffix (<c>1.11.2-eksbuild.1</c>, what <c>aws eks describe-addon-versions</c> lists). The script itself
    /// splits on dots and compares the first two fields numerically: <c>1.11.2-eksbuild.1</c> reads right there, but
    /// <c>v1.11.2</c> makes bash's <c>-gt</c> read "v1" as an unset variable (0), so prefix delegation would silently
    /// count as unsupported; Podnet reads the version the user meant. Anything else (<c>1.9</c>, <c>1.x.0</c>) is
    /// refused.
    /// </summary>
    public static bool TryParseCniVersion(string? text, [NotNullWhen(true)] out Version? version)
    {
        version = null;
        if (text is null || !CniVersionPattern().IsMatch(text))
        {
            return false;
        }

        var match = CniVersionPattern().Match(text);
        if (!int.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var major)
            || !int.TryParse(match.Groups[2].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var minor)
            || !int.TryParse(match.Groups[3].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var patch))
        {
            return false;
        }

        version = new Version(major, minor, patch);
        return true;
    }

    [GeneratedRegex(@"^v?([0-9]+)\.([0-9]+)\.([0-9]+)(?:-eksbuild\.[0-9]+)?$", RegexOptions.CultureInvariant)]
    private static partial Regex CniVersionPattern();
}

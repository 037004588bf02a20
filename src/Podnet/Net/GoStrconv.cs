namespace Podnet.Net;

/// <summary>
/// Go's <c>strconv</c> parsing, as the AWS components written in Go read their settings (the VPC CNI's environment,
/// the resource controller's ConfigMap): what they accept is Go's, not .NET's.
/// </summary>
internal static class GoStrconv
{
    /// <summary>Go's <c>strconv.ParseBool</c>: 1, t, T, TRUE, true, True, 0, f, F, FALSE, false, False; null otherwise.</summary>
    public static bool? ParseBool(string? text) => text switch
    {
        "1" or "t" or "T" or "TRUE" or "true" or "True" => true,
        "0" or "f" or "F" or "FALSE" or "false" or "False" => false,
        _ => null,
    };
}

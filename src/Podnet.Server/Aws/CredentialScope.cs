namespace Podnet.Server.Aws;

/// <summary>
/// The credential scope of a SigV4-signed request: <c>Authorization: AWS4-HMAC-SHA256
/// Credential=AKIA…/20261129/us-west-2/ec2/aws4_request, SignedHeaders=…, Signature=…</c> (AWS General Reference,
/// "Elements of an AWS API request signature"). Podnet reads it to route and to know who calls; it does not check
/// the signature, as moto and LocalStack do not.
/// </summary>
/// <param name="AccessKeyId">The access key the request was signed with.</param>
/// <param name="Date">The scope's date (<c>yyyyMMdd</c>).</param>
/// <param name="Region">The region the client signed for; any string (seed 003 signs for <c>region-code</c>).</param>
/// <param name="Service">The signing name: <c>ec2</c>, <c>iam</c>, <c>sts</c>, <c>eks</c>, <c>cloudformation</c>.</param>
public sealed record CredentialScope(string AccessKeyId, string Date, string Region, string Service)
{
    /// <summary>The scope of an <c>Authorization</c> header, or null when it is absent or not SigV4 (an unsigned request).</summary>
    public static CredentialScope? Parse(string? authorization)
    {
        const string Marker = "Credential=";
        if (authorization is null || !authorization.StartsWith("AWS4-HMAC-SHA256", StringComparison.Ordinal))
        {
            return null;
        }

        var start = authorization.IndexOf(Marker, StringComparison.Ordinal);
        if (start < 0)
        {
            return null;
        }

        start += Marker.Length;
        var end = authorization.IndexOfAny([',', ' '], start);
        var credential = end < 0 ? authorization[start..] : authorization[start..end];
        var parts = credential.Split('/');
        return parts is [var key, var date, var region, var service, "aws4_request"] ? new CredentialScope(key, date, region, service) : null;
    }
}

using System.Text;
using System.Web;

namespace Podnet.Server.Kube;

/// <summary>
/// The bearer token <c>aws eks get-token</c> makes: <c>k8s-aws-v1.</c> and the base64url (unpadded) of a presigned
/// STS <c>GetCallerIdentity</c> URL (aws-iam-authenticator pkg/token: <c>v1Prefix</c>, <c>Verify</c>). EKS's
/// authenticator calls that URL to learn the caller's IAM identity; Podnet reads the SigV4 credential in it (the
/// <c>X-Amz-Credential</c> query parameter's access key) and asks the served AWS account whose key it is.
/// </summary>
public static class EksToken
{
    /// <summary>The token's prefix (aws-iam-authenticator's <c>v1Prefix</c>).</summary>
    public const string Prefix = "k8s-aws-v1.";

    /// <summary>The access key ID the token's presigned URL is signed with, or null when the token is not one.</summary>
    public static string? AccessKeyIdOf(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (!token.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var encoded = token[Prefix.Length..].Replace('-', '+').Replace('_', '/');
        encoded = encoded.PadRight(encoded.Length + ((4 - (encoded.Length % 4)) % 4), '=');
        string url;
        try
        {
            url = Encoding.UTF8.GetString(Convert.FromBase64String(encoded));
        }
        catch (FormatException)
        {
            return null;
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri)
            || HttpUtility.ParseQueryString(uri.Query) is not { } query
            || query["Action"] != "GetCallerIdentity"
            || query["X-Amz-Credential"] is not { Length: > 0 } credential)
        {
            return null;
        }

        var key = credential.Split('/')[0];
        return key.Length > 0 ? key : null;
    }
}

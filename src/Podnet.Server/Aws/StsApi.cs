using System.Xml.Linq;
using Podnet.Aws;
using Podnet.Aws.Iam;
using static Podnet.Server.Aws.AwsXml;

namespace Podnet.Server.Aws;

/// <summary>
/// STS over the query protocol (<c>Version=2011-06-15</c>): <c>GetCallerIdentity</c>, the caller's account, ARN
/// and user ID (botocore data/sts/2011-06-15/service-2.json <c>GetCallerIdentityResponse</c>; STS API Reference).
/// </summary>
public sealed class StsApi
{
    /// <summary>The API version STS requests carry.</summary>
    public const string ApiVersion = "2011-06-15";

    private readonly string _accountId;

    /// <summary>STS of the account <paramref name="accountId"/>.</summary>
    public StsApi(string accountId)
    {
        _accountId = accountId;
    }

    /// <summary>The actions served.</summary>
    public static IReadOnlyList<string> Actions { get; } = ["GetCallerIdentity"];

    /// <summary>Runs <paramref name="action"/> for <paramref name="principal"/>; returns the members of its result.</summary>
    /// <exception cref="AwsException"><c>InvalidAction</c> for an action not served.</exception>
    public IReadOnlyList<XElement?> Handle(string action, AwsPrincipal principal) => action switch
    {
        "GetCallerIdentity" => [Text("UserId", UserIdOf(principal)), Text("Account", _accountId), Text("Arn", principal.Arn)],
        _ => throw new AwsException("InvalidAction", $"Could not find operation {action} for version {ApiVersion}"),
    };

    /// <summary>
    /// The unique ID STS reports: an IAM user's ID (<c>AIDA…</c>), or for a role session the role's ID and the
    /// session name (<c>AROA…:session</c>). Podnet's administrator has a fixed one.
    /// </summary>
    private static string UserIdOf(AwsPrincipal principal)
        => principal.RoleName is { } role ? $"AROA{role.ToUpperInvariant()}:{principal.Arn[(principal.Arn.LastIndexOf('/') + 1)..]}" : "AIDAPODNETADMIN000001";
}

using System.Text.Json.Nodes;
using Podnet.Kube.Api;
using Podnet.Kube.Store;

namespace Podnet.Server.Kube;

/// <summary>
/// The reviews a client asks about itself, answered and never stored (their registry's <c>Create</c> returns the
/// object with a status; nothing can be read back): <c>SelfSubjectAccessReview</c> and <c>SelfSubjectRulesReview</c>
/// (authorization.k8s.io/v1: <c>kubectl auth can-i VERB RESOURCE</c>, <c>kubectl auth can-i --list</c>) and
/// <c>SelfSubjectReview</c> (authentication.k8s.io/v1: <c>kubectl auth whoami</c>). Podnet's API server authorizes
/// nothing — every authenticated user may do everything, as a member of <c>system:masters</c> may — so an access review
/// is allowed and a rules review gives the bootstrap ClusterRoles that user holds: <c>cluster-admin</c>'s every verb
/// on every resource and non-resource URL, and <c>system:basic-user</c>'s creates of these reviews
/// (kubernetes plugin/pkg/auth/authorizer/rbac/bootstrappolicy/policy.go <c>ClusterRoles</c>).
/// </summary>
internal static class SelfReviews
{
    /// <summary>The three reviews as discovery lists them: cluster-scoped, <c>create</c> only.</summary>
    public static readonly IReadOnlyList<KubeResource> Resources =
    [
        new("authentication.k8s.io", "v1", "SelfSubjectReview", "selfsubjectreviews", false, []) { Verbs = ["create"] },
        new("authorization.k8s.io", "v1", "SelfSubjectAccessReview", "selfsubjectaccessreviews", false, []) { Verbs = ["create"] },
        new("authorization.k8s.io", "v1", "SelfSubjectRulesReview", "selfsubjectrulesreviews", false, []) { Verbs = ["create"] },
    ];

    /// <summary>The review served at <c>/apis/GROUP/VERSION/PLURAL</c>, or null.</summary>
    public static KubeResource? Find(string group, string version, string plural)
        => Resources.FirstOrDefault(r => r.Group == group && r.Version == version && r.Plural == plural);

    /// <summary>
    /// The answer to a create of <paramref name="review"/> by <paramref name="user"/>: the body it sent, with
    /// <c>metadata.creationTimestamp</c> null as the API server leaves it and the review's status.
    /// </summary>
    /// <exception cref="KubeException">400 when the body's apiVersion is not the path's (handlers/create.go's words).</exception>
    public static JsonObject Answer(KubeResource review, JsonObject body, RequestContext user)
    {
        ArgumentNullException.ThrowIfNull(review);
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(user);
        if (body["apiVersion"] is JsonValue given && given.TryGetValue<string>(out var apiVersion) && apiVersion != review.ApiVersion)
        {
            throw StatusResponses.ApiVersionMismatch(apiVersion, review);
        }

        var answer = new JsonObject
        {
            ["kind"] = review.Kind,
            ["apiVersion"] = review.ApiVersion,
            ["metadata"] = new JsonObject { ["creationTimestamp"] = null },
        };
        if (body["spec"] is JsonObject spec)
        {
            answer["spec"] = spec.DeepClone();
        }

        answer["status"] = review.Kind switch
        {
            "SelfSubjectAccessReview" => new JsonObject { ["allowed"] = true },
            "SelfSubjectRulesReview" => new JsonObject
            {
                ["resourceRules"] = new JsonArray(
                    Rule(["*"], ["*"], ["*"]),
                    Rule(["create"], ["authorization.k8s.io"], ["selfsubjectaccessreviews", "selfsubjectrulesreviews"]),
                    Rule(["create"], ["authentication.k8s.io"], ["selfsubjectreviews"])),
                ["nonResourceRules"] = new JsonArray(new JsonObject { ["verbs"] = new JsonArray("*"), ["nonResourceURLs"] = new JsonArray("*") }),
                ["incomplete"] = false,
            },
            _ => new JsonObject { ["userInfo"] = UserInfo(user) },
        };
        return answer;

        static JsonObject Rule(string[] verbs, string[] groups, string[] resources) => new()
        {
            ["verbs"] = new JsonArray([.. verbs.Select(v => (JsonNode)v)]),
            ["apiGroups"] = new JsonArray([.. groups.Select(g => (JsonNode)g)]),
            ["resources"] = new JsonArray([.. resources.Select(r => (JsonNode)r)]),
        };
    }

    /// <summary>
    /// Who the user is to the API server: Podnet's own kubeconfig user <c>kubernetes-admin</c> in <c>system:masters</c>
    /// (as a kubeadm admin certificate's organisation makes it), an EKS token's IAM principal by its ARN; both
    /// <c>system:authenticated</c>, which the authenticator adds to every user.
    /// </summary>
    private static JsonObject UserInfo(RequestContext user)
    {
        var groups = user.UserName == RequestContext.Admin.UserName
            ? new JsonArray("system:masters", "system:authenticated")
            : new JsonArray("system:authenticated");
        return new JsonObject { ["username"] = user.UserName, ["groups"] = groups };
    }
}

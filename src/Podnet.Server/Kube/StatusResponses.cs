using System.Text.Json.Nodes;
using Podnet.Kube.Api;

namespace Podnet.Server.Kube;

/// <summary>The API server's <c>Status</c> answers that are not a <see cref="KubeException"/> of the store.</summary>
public static class StatusResponses
{
    /// <summary>404 for a path no handler serves (the API server's NotFound handler).</summary>
    public static KubeException PathNotFound() => new("NotFound", "the server could not find the requested resource", 404);

    /// <summary>405 for a verb a path does not support.</summary>
    public static KubeException MethodNotSupported(string verb, string resource)
        => new("MethodNotAllowed", $"the server does not allow this method on the requested resource ({verb} {resource})", 405);

    /// <summary>
    /// 400 for a body whose apiVersion is not the one the path serves (handlers/create.go and update.go: "the API
    /// version in the data (apps/v1) does not match the expected API version (v1)").
    /// </summary>
    public static KubeException ApiVersionMismatch(string given, KubeResource expected)
        => KubeException.BadRequest($"the API version in the data ({given}) does not match the expected API version ({expected.ApiVersion})");

    /// <summary>401 for a request without valid credentials.</summary>
    public static KubeException Unauthorized() => new("Unauthorized", "Unauthorized", 401);

    /// <summary>A successful delete of an object that is gone (metav1.Status with status Success).</summary>
    public static JsonObject Deleted(KubeResource resource, string name, string? uid)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var details = new JsonObject { ["name"] = name, ["kind"] = resource.Plural };
        if (resource.Group.Length > 0)
        {
            details["group"] = resource.Group;
        }

        if (uid is not null)
        {
            details["uid"] = uid;
        }

        return new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Success",
            ["details"] = details,
        };
    }
}

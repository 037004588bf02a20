using System.Text.Json.Nodes;

namespace Podnet.Kube.Api;

/// <summary>An API error as the Kubernetes API server answers it: a <c>Status</c> with reason, message and code.</summary>
public sealed class KubeException : Exception
{
    public KubeException(string reason, string message, int code, string? name = null, string? kind = null, string? group = null, IReadOnlyList<StatusCause>? causes = null)
        : base(message)
    {
        Reason = reason;
        Code = code;
        DetailsName = name;
        DetailsKind = kind;
        DetailsGroup = group;
        Causes = causes ?? [];
    }

    public KubeException()
        : this("InternalError", "Internal error occurred", 500)
    {
    }

    public KubeException(string message)
        : this("InternalError", message, 500)
    {
    }

    public KubeException(string message, Exception innerException)
        : base(message, innerException)
    {
        Reason = "InternalError";
        Code = 500;
        Causes = [];
    }

    public string Reason { get; }

    public int Code { get; }

    public string? DetailsName { get; }

    public string? DetailsKind { get; }

    public string? DetailsGroup { get; }

    public IReadOnlyList<StatusCause> Causes { get; }

    /// <summary>What kubectl prints: <c>Error from server (NotFound): pods "x" not found</c>.</summary>
    public string KubectlText => Reason.Length == 0 ? $"Error from server: {Message}" : $"Error from server ({Reason}): {Message}";

    public JsonObject ToStatus()
    {
        var status = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = Message,
            ["reason"] = Reason,
        };
        if (DetailsName is not null || DetailsKind is not null || Causes.Count > 0)
        {
            var details = new JsonObject();
            if (DetailsName is not null)
            {
                details["name"] = DetailsName;
            }

            if (DetailsGroup is { Length: > 0 })
            {
                details["group"] = DetailsGroup;
            }

            if (DetailsKind is not null)
            {
                details["kind"] = DetailsKind;
            }

            if (Causes.Count > 0)
            {
                details["causes"] = new JsonArray([.. Causes.Select(c => (JsonNode)new JsonObject { ["reason"] = c.Reason, ["message"] = c.Message, ["field"] = c.Field })]);
            }

            status["details"] = details;
        }

        status["code"] = Code;
        return status;
    }

    public static KubeException NotFound(KubeResource resource, string name)
        => new("NotFound", $"{resource.QualifiedResource} \"{name}\" not found", 404, name, resource.Plural, resource.Group);

    public static KubeException AlreadyExists(KubeResource resource, string name)
        => new("AlreadyExists", $"{resource.QualifiedResource} \"{name}\" already exists", 409, name, resource.Plural, resource.Group);

    public static KubeException Conflict(KubeResource resource, string name)
        => new("Conflict", $"Operation cannot be fulfilled on {resource.QualifiedResource} \"{name}\": the object has been modified; please apply your changes to the latest version and try again", 409, name, resource.Plural, resource.Group);

    public static KubeException Invalid(KubeResource resource, string name, IReadOnlyList<StatusCause> causes)
    {
        var summary = causes.Count == 1
            ? $"{causes[0].Field}: {causes[0].Message}"
            : "[" + string.Join(", ", causes.Select(c => $"{c.Field}: {c.Message}")) + "]";
        // The API server qualifies kinds outside the core group: Deployment.apps "web" is invalid.
        var kind = resource.Group.Length == 0 ? resource.Kind : $"{resource.Kind}.{resource.Group}";
        return new("Invalid", $"{kind} \"{name}\" is invalid: {summary}", 422, name, resource.Kind, resource.Group, causes);
    }

    public static KubeException Forbidden(KubeResource resource, string name, string why)
        => new("Forbidden", $"{resource.QualifiedResource} \"{name}\" is forbidden: {why}", 403, name, resource.Plural, resource.Group);

    public static KubeException BadRequest(string message) => new("BadRequest", message, 400);

    public static KubeException Gone(string message) => new("Expired", message, 410);

    public static KubeException UnsupportedMediaType(string message) => new("UnsupportedMediaType", message, 415);
}

/// <summary>One reason an object is invalid: <c>FieldValueRequired</c> "Required value" at <c>spec.containers</c>.</summary>
public sealed record StatusCause(string Reason, string Message, string Field)
{
    public static StatusCause Required(string field) => new("FieldValueRequired", "Required value", field);

    public static StatusCause Invalid(string field, string value, string detail) => new("FieldValueInvalid", $"Invalid value: \"{value}\": {detail}", field);

    /// <summary>field.Required with a detail: <c>Required value: must specify a peer</c>.</summary>
    public static StatusCause Required(string field, string detail) => new("FieldValueRequired", $"Required value: {detail}", field);

    /// <summary>field.Invalid for a number, which Go prints without quotes: <c>Invalid value: 70000: must be …</c>.</summary>
    public static StatusCause Invalid(string field, long value, string detail)
        => new("FieldValueInvalid", string.Create(System.Globalization.CultureInfo.InvariantCulture, $"Invalid value: {value}: {detail}"), field);

    /// <summary>field.Duplicate of a string value.</summary>
    public static StatusCause Duplicate(string field, string value) => new("FieldValueDuplicate", $"Duplicate value: \"{value}\"", field);

    public static StatusCause Forbidden(string field, string detail) => new("FieldValueForbidden", $"Forbidden: {detail}", field);

    public static StatusCause NotSupported(string field, string value, IEnumerable<string> supported)
        => new("FieldValueNotSupported", $"Unsupported value: \"{value}\": supported values: {string.Join(", ", supported.Select(s => $"\"{s}\""))}", field);
}

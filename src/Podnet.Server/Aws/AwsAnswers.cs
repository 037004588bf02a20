using System.Text;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Microsoft.AspNetCore.Http;
using Podnet.Aws;

namespace Podnet.Server.Aws;

/// <summary>
/// Writes answers in the three wire formats the served services speak, successes and errors, exactly as AWS sends
/// them (observed bodies in shared/reference/api-server.md §3.3; moto's <c>moto/core/serialize.py</c>
/// <c>EC2Serializer</c>, <c>QuerySerializer</c>, <c>RestJSONSerializer</c>), so the aws CLI prints
/// <c>An error occurred (Code) when calling the Op operation: message</c> and exits 255.
/// </summary>
public static class AwsAnswers
{
    /// <summary>EC2's XML namespace (real answers carry the trailing slash; botocore ignores namespaces).</summary>
    public const string Ec2Namespace = "http://ec2.amazonaws.com/doc/2016-11-15/";

    /// <summary>IAM's XML namespace.</summary>
    public const string IamNamespace = "https://iam.amazonaws.com/doc/2010-05-08/";

    /// <summary>CloudFormation's XML namespace (the model's <c>xmlNamespace</c>, as real answers carry it).</summary>
    public const string CloudFormationNamespace = "http://cloudformation.amazonaws.com/doc/2010-05-15/";

    /// <summary>STS's XML namespace.</summary>
    public const string StsNamespace = "https://sts.amazonaws.com/doc/2011-06-15/";

    /// <summary>
    /// An EC2 answer: <c>&lt;ActionResponse xmlns="…"&gt;&lt;requestId&gt;…&lt;/requestId&gt;members&lt;/ActionResponse&gt;</c>, 200.
    /// </summary>
    public static Task Ec2Async(HttpContext context, string action, IEnumerable<XElement?> members, string requestId)
    {
        var root = new XElement(action + "Response", new XElement("requestId", requestId), members.Where(m => m is not null));
        return WriteAsync(context, 200, "text/xml;charset=UTF-8", AwsXml.Render(root, Ec2Namespace));
    }

    /// <summary>
    /// An EC2 error: <c>&lt;Response&gt;&lt;Errors&gt;&lt;Error&gt;&lt;Code/&gt;&lt;Message/&gt;&lt;/Error&gt;&lt;/Errors&gt;&lt;RequestID/&gt;&lt;/Response&gt;</c>
    /// with no namespace and <c>RequestID</c> spelled so (botocore/parsers.py <c>EC2QueryParser._do_error_parse</c>).
    /// </summary>
    public static Task Ec2ErrorAsync(HttpContext context, AwsException error, string requestId)
    {
        var root = new XElement(
            "Response",
            new XElement("Errors", new XElement("Error", new XElement("Code", error.Code), new XElement("Message", error.Message))),
            new XElement("RequestID", requestId));
        return WriteAsync(context, error.HttpStatusCode, "text/xml;charset=UTF-8", AwsXml.Render(root, null));
    }

    /// <summary>
    /// A query-protocol answer (IAM, STS): <c>&lt;ActionResponse&gt;&lt;ActionResult&gt;result&lt;/ActionResult&gt;&lt;ResponseMetadata&gt;&lt;RequestId/&gt;…</c>;
    /// an operation without output (<c>DeleteRole</c>) has no result element.
    /// </summary>
    public static Task QueryAsync(HttpContext context, string xmlNamespace, string action, IEnumerable<XElement?>? result, string requestId)
    {
        var root = new XElement(
            action + "Response",
            result is null ? null : new XElement(action + "Result", result.Where(r => r is not null)),
            new XElement("ResponseMetadata", new XElement("RequestId", requestId)));
        return WriteAsync(context, 200, "text/xml", AwsXml.Render(root, xmlNamespace));
    }

    /// <summary>
    /// A query-protocol error: <c>&lt;ErrorResponse&gt;&lt;Error&gt;&lt;Type&gt;Sender&lt;/Type&gt;&lt;Code/&gt;&lt;Message/&gt;&lt;/Error&gt;&lt;RequestId/&gt;&lt;/ErrorResponse&gt;</c>
    /// (<c>Receiver</c> for server faults).
    /// </summary>
    public static Task QueryErrorAsync(HttpContext context, string xmlNamespace, AwsException error, string requestId)
    {
        var root = new XElement(
            "ErrorResponse",
            new XElement("Error", new XElement("Type", error.HttpStatusCode >= 500 ? "Receiver" : "Sender"), new XElement("Code", error.Code), new XElement("Message", error.Message)),
            new XElement("RequestId", requestId));
        return WriteAsync(context, error.HttpStatusCode, "text/xml", AwsXml.Render(root, xmlNamespace));
    }

    /// <summary>A rest-json answer (EKS).</summary>
    public static Task JsonAsync(HttpContext context, int status, JsonObject body, string requestId)
    {
        context.Response.Headers["x-amzn-RequestId"] = requestId;
        return WriteAsync(context, status, "application/json", body.ToJsonString());
    }

    /// <summary>
    /// A rest-json error: the code in the <c>x-amzn-ErrorType</c> header (botocore's <c>RestJSONParser</c> takes it
    /// first), the text in <c>{"message": …}</c>, the status from the error shape (404 for ResourceNotFoundException).
    /// </summary>
    public static Task JsonErrorAsync(HttpContext context, AwsException error, string requestId)
    {
        context.Response.Headers["x-amzn-ErrorType"] = error.Code;
        context.Response.Headers["x-amzn-RequestId"] = requestId;
        return WriteAsync(context, error.HttpStatusCode, "application/json", new JsonObject { ["message"] = error.Message }.ToJsonString());
    }

    private static Task WriteAsync(HttpContext context, int status, string contentType, string body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        return context.Response.WriteAsync(body, Encoding.UTF8);
    }
}

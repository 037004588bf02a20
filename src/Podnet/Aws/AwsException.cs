namespace Podnet.Aws;

/// <summary>
/// An error answer from an emulated AWS API: the exact error code and message the real service sends, and the
/// operation it came from, so users see what the aws CLI would print.
/// </summary>
public sealed class AwsException : Exception
{
    public AwsException(string code, string message, int httpStatusCode = 400, string? operation = null)
        : base(message)
    {
        Code = code;
        HttpStatusCode = httpStatusCode;
        Operation = operation;
    }

    private AwsException(string code, string message, int httpStatusCode, string service, string operation, string? requestId)
        : this(code, message, httpStatusCode, operation)
    {
        Service = service;
        RequestId = requestId;
    }

    public AwsException()
        : this("InternalError", "An internal error has occurred")
    {
    }

    public AwsException(string message)
        : this("InternalError", message)
    {
    }

    public AwsException(string message, Exception innerException)
        : base(message, innerException)
    {
        Code = "InternalError";
        HttpStatusCode = 500;
    }

    public string Code { get; }

    public int HttpStatusCode { get; }

    /// <summary>The API operation (e.g. <c>CreateNetworkInterface</c>); set by the client that made the call.</summary>
    public string? Operation { get; }

    /// <summary>The service's name in SDK errors (<c>EC2</c>); set by the client that made the call.</summary>
    public string? Service { get; }

    /// <summary>The request ID of the failed call (a GUID); set by the client that made the call.</summary>
    public string? RequestId { get; }

    /// <summary>What the aws CLI prints to stderr for this error.</summary>
    public string CliText => $"An error occurred ({Code}) when calling the {Operation ?? "unknown"} operation: {Message}";

    /// <summary>
    /// The error as aws-sdk-go-v2 prints it (smithy-go's <c>OperationError</c> around the HTTP <c>ResponseError</c>),
    /// which is what the VPC CNI and the VPC resource controller log and put into events:
    /// <c>operation error EC2: CreateNetworkInterface, https response error StatusCode: 400, RequestID: 4e11…, api error InvalidParameterValue: …</c>
    /// (as in aws/amazon-vpc-resource-controller-k8s#583).
    /// </summary>
    public string SdkText => $"operation error {Service ?? "EC2"}: {Operation ?? "unknown"}, https response error StatusCode: {HttpStatusCode}, RequestID: {RequestId ?? "00000000-0000-0000-0000-000000000000"}, api error {Code}: {Message}";

    internal AwsException InOperation(string service, string operation, string requestId)
        => Operation is null ? new AwsException(Code, Message, HttpStatusCode, service, operation, requestId) : this;

    public override string ToString() => CliText;
}

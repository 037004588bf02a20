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

    /// <summary>What the aws CLI prints to stderr for this error.</summary>
    public string CliText => $"An error occurred ({Code}) when calling the {Operation ?? "unknown"} operation: {Message}";

    internal AwsException InOperation(string operation)
        => Operation is null ? new AwsException(Code, Message, HttpStatusCode, operation) : this;

    public override string ToString() => CliText;
}

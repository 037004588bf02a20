namespace Podnet.Server.Kube.Protobuf;

/// <summary>
/// A body that is not a well-formed Kubernetes protobuf message (truncated, bad varint, wrong wire type).
/// Internal: <see cref="KubeProtobuf.Decode"/> turns it into a 400 BadRequest; the texts mirror gogo-protobuf's
/// ("unexpected EOF", "proto: wrong wireType = 0 for field name").
/// </summary>
internal sealed class ProtobufFormatException : Exception
{
    public ProtobufFormatException()
    {
    }

    public ProtobufFormatException(string message)
        : base(message)
    {
    }

    public ProtobufFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

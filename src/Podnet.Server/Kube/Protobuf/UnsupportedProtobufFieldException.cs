namespace Podnet.Server.Kube.Protobuf;

/// <summary>
/// A well-formed body carrying a field with content that Podnet's tables do not describe (a PodSpec volume, a probe):
/// decoding it would silently drop what kubectl sent, so <see cref="KubeProtobuf.Decode"/> answers 415 instead,
/// with the message naming the field (e.g. <c>spec.template.spec: field 1 of PodSpec is not one Podnet decodes</c>)
/// in <see cref="Exception.Data"/> under <see cref="KubeProtobuf.DetailKey"/>.
/// </summary>
internal sealed class UnsupportedProtobufFieldException : Exception
{
    public UnsupportedProtobufFieldException()
    {
    }

    public UnsupportedProtobufFieldException(string message)
        : base(message)
    {
    }

    public UnsupportedProtobufFieldException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

using System.Text.Json.Nodes;
using Podnet.Kube.Api;

namespace Podnet.Server.Kube.Protobuf;

// TEMPORARY stand-in until the protobuf branch lands (replaced at merge).
public static class KubeProtobuf
{
    public static JsonObject Decode(ReadOnlySpan<byte> body) => throw KubeException.UnsupportedMediaType("protobuf bodies are not read yet");
}

using Podnet.Kube.Api;

namespace Podnet.Kube.Controllers;

/// <summary>namespace/name, the key controllers queue.</summary>
public readonly record struct ObjectKey(string? Namespace, string Name)
{
    public static ObjectKey Of(KubeObject obj) => new(obj.Namespace, obj.Name);

    public override string ToString() => Namespace is null ? Name : $"{Namespace}/{Name}";
}

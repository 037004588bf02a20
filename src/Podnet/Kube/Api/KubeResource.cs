namespace Podnet.Kube.Api;

/// <summary>A kind the API server serves: its group, version, plural resource name, scope and short names.</summary>
public sealed record KubeResource(string Group, string Version, string Kind, string Plural, bool Namespaced, IReadOnlyList<string> ShortNames)
{
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary>The resource as messages name it: <c>pods</c>, <c>deployments.apps</c>, <c>securitygrouppolicies.vpcresources.k8s.aws</c>.</summary>
    public string QualifiedResource => Group.Length == 0 ? Plural : $"{Plural}.{Group}";

    public string Singular => Kind.ToLowerInvariant();
}

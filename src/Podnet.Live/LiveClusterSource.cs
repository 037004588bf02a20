namespace Podnet.Live;

/// <summary>
/// Where a live cluster is: a kubeconfig file and one of its contexts (null: its current-context) for the Kubernetes
/// API, and the AWS region for EC2 (null: the SDK's own resolution — <c>AWS_REGION</c>, <c>AWS_DEFAULT_REGION</c>, the
/// profile — else the region the nodes' <c>topology.kubernetes.io/region</c> label names). The endpoint
/// (<c>AWS_ENDPOINT_URL</c>, <c>AWS_ENDPOINT_URL_EC2</c>), the profile (<c>AWS_PROFILE</c>) and the credentials come
/// from the AWS SDK's default chains, as for the aws CLI.
/// </summary>
public sealed record LiveClusterSource(string Kubeconfig, string? Context = null, string? Region = null)
{
    /// <summary>How messages name the cluster: <c>kubeconfig ./kc (context podnet)</c>.</summary>
    public string Display => Context is null ? $"kubeconfig {Kubeconfig}" : $"kubeconfig {Kubeconfig} (context {Context})";
}

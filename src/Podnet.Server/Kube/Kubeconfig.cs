using System.Text;

namespace Podnet.Server.Kube;

/// <summary>
/// A kubeconfig for a served cluster, named as <c>aws eks update-kubeconfig</c> names it (cluster, context and user
/// are the cluster's ARN), with a bearer token for the user and the cluster's CA — or no CA for plain HTTP, where
/// kubectl sends no token anyway.
/// </summary>
public static class Kubeconfig
{
    /// <summary>The kubeconfig's YAML text.</summary>
    /// <param name="clusterArn">e.g. <c>arn:aws:eks:us-west-2:123456789012:cluster/my-cluster</c>.</param>
    /// <param name="server">e.g. <c>https://127.0.0.1:6443</c>.</param>
    /// <param name="authorityData">base64 PEM of the CA; null for an http:// server.</param>
    /// <param name="token">The user's bearer token.</param>
    public static string Render(string clusterArn, string server, string? authorityData, string token)
    {
        var text = new StringBuilder();
        text.Append("apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n");
        if (authorityData is not null)
        {
            text.Append("    certificate-authority-data: ").Append(authorityData).Append('\n');
        }

        text.Append("    server: ").Append(server).Append('\n')
            .Append("  name: ").Append(clusterArn).Append('\n')
            .Append("contexts:\n- context:\n    cluster: ").Append(clusterArn).Append('\n')
            .Append("    user: ").Append(clusterArn).Append('\n')
            .Append("  name: ").Append(clusterArn).Append('\n')
            .Append("current-context: ").Append(clusterArn).Append('\n')
            .Append("preferences: {}\nusers:\n- name: ").Append(clusterArn).Append('\n')
            .Append("  user:\n    token: ").Append(token).Append('\n');
        return text.ToString();
    }
}

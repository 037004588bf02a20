using System.Text.Json.Nodes;
using Podnet.Kube.Admission;
using Podnet.Kube.Api;

namespace Podnet.ResourceController;

/// <summary>
/// The validating webhook <c>vnode.vpc.k8s.aws</c> on node UPDATE: aws-node may change only the
/// <c>has-trunk-attached</c> and <c>eniConfig</c> labels of a Node; other users are not checked.
/// </summary>
public static class NodeUpdateValidatingWebhook
{
    public const string LimitedFieldsMessage = "aws-node can only update limited fields on the Node Object";

    private static readonly string[] IgnoredMetadata = ["managedFields", "selfLink", "resourceVersion"];

    private static readonly string[] AwsNodeLabels = [ResourceControllerNames.HasTrunkAttachedLabel, ResourceControllerNames.EniConfigLabel];

    public static bool Matches(AdmissionRequest request)
        => request is { Operation: AdmissionOperation.Update, Resource: { Group: "", Kind: "Node" }, SubResource: null };

    public static AdmissionWebhook ToWebhook() => new(ResourceControllerNames.ValidatingNodeWebhook, false, FailurePolicy.Ignore, Matches, Handle);

    public static AdmissionResult Handle(AdmissionRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.UserName != ResourceControllerNames.AwsNodeUser || request.Object is not { } node || request.OldObject is not { } old)
        {
            return AdmissionResult.Allow();
        }

        return JsonNode.DeepEquals(Comparable(node), Comparable(old))
            ? AdmissionResult.Allow()
            : AdmissionResult.Deny(LimitedFieldsMessage, 403, "Forbidden");
    }

    /// <summary>The node without what aws-node may change and what the server keeps for itself.</summary>
    private static JsonObject Comparable(KubeObject node)
    {
        var json = node.ToJson();
        if (json["metadata"] is JsonObject metadata)
        {
            foreach (var field in IgnoredMetadata)
            {
                metadata.Remove(field);
            }

            if (metadata["labels"] is JsonObject labels)
            {
                foreach (var label in AwsNodeLabels)
                {
                    labels.Remove(label);
                }

                if (labels.Count == 0)
                {
                    metadata.Remove("labels");
                }
            }
        }

        return json;
    }
}

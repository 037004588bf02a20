using Podnet.Aws.Ec2;
using Podnet.Cni;
using Podnet.ResourceController;

namespace Podnet.Lint;

/// <summary>
/// Pods on Amazon EC2 nodes that a SecurityGroupPolicy selects in a cluster of the IPv6 family (aws-node with
/// ENABLE_IPv6 and ENABLE_POD_ENI). Seed 000: "Sicherheitsgruppen für pods können nicht mit Clustern verwendet werden,
/// die für die IPv6-Familie konfiguriert sind, die Amazon-EC2-Knoten enthalten" (only with Fargate nodes alone) —
/// true of the VPC CNI before 1.16.0, whose ipamd never asks for a trunk in IPv6 mode
/// (<see cref="CniSettings.Ipv6PodEniSince"/>): no node gets <c>vpc.amazonaws.com/pod-eni</c>, and the webhook's
/// request for it keeps the pod Pending. From 1.16.0 it works, but a branch interface takes its IPv6 address only from
/// a subnet that assigns one on creation (the resource controller asks EC2 for none); without it the CNI cannot
/// read an address from the pod's annotation ("Failed to parse pod-ENI annotation", AddNetwork in
/// pkg/ipamd/rpc_handler.go) and the pod stays ContainerCreating.
/// </summary>
public sealed class Ipv6SecurityGroupPods : ILintCheck
{
    public const string Id = "security-group-pod-ipv6";

    public IEnumerable<LintFinding> Check(LintContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Settings is not { EnableIPv6: true, EnablePodEni: true } settings)
        {
            yield break;
        }

        foreach (var set in context.SecurityGroupPods)
        {
            var ec2Pods = set.Pods.Where(p => !p.Object.Labels.ContainsKey(ResourceControllerNames.FargateProfileLabel)).ToList();
            if (ec2Pods.Count == 0)
            {
                continue;
            }

            var display = new SecurityGroupPodSet(set.Namespace, set.Groups, ec2Pods).Display;
            var groups = string.Join(", ", set.Groups);
            if (!settings.ServesPodEni)
            {
                yield return new LintFinding(
                    LintSeverity.Error,
                    Id,
                    display,
                    $"is selected by a SecurityGroupPolicy ({groups}) in a cluster of the IPv6 family, on Amazon EC2 nodes whose VPC CNI {settings.Release} does not serve security groups for pods in IPv6 mode: ipamd never asks for a trunk interface, so no node has vpc.amazonaws.com/pod-eni and the pod stays Pending",
                    $"use the VPC CNI {CniSettings.Ipv6PodEniSince} or later (aws eks update-addon --addon-name vpc-cni --addon-version …), or run these pods on Fargate (seed 000: security groups for pods can be used in a cluster of the IPv6 family with Fargate nodes alone)");
                continue;
            }

            var subnets = ec2Pods.Select(p => NodeSubnet(context, p.NodeName)).OfType<Subnet>()
                .Where(s => !s.AssignIpv6AddressOnCreation).Select(s => s.SubnetId).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
            if (subnets.Count > 0)
            {
                yield return new LintFinding(
                    LintSeverity.Error,
                    Id,
                    display,
                    $"is selected by a SecurityGroupPolicy ({groups}) in a cluster of the IPv6 family, but its node's subnet ({string.Join(", ", subnets)}) does not assign IPv6 addresses on creation: the pod's branch interface gets no IPv6 address, the CNI finds none in the pod's annotation (Failed to parse pod-ENI annotation) and the pod stays ContainerCreating",
                    $"aws ec2 modify-subnet-attribute --subnet-id {subnets[0]} --assign-ipv6-address-on-creation (AssignIpv6AddressOnCreation: true on the world's Subnet), then re-create the pods");
            }
        }
    }

    /// <summary>The subnet of the node's instance's primary interface (where the trunk and its branches are); null when unknown.</summary>
    private static Subnet? NodeSubnet(LintContext context, string? nodeName)
    {
        var ec2 = context.World.Cloud?.Ec2View;
        if (ec2 is null || nodeName is null || context.Nodes.FirstOrDefault(n => n.Name == nodeName)?.InstanceId is not { } instanceId)
        {
            return null;
        }

        var primary = ec2.DescribeNetworkInterfaces(DescribeRequest.Where(new Filter("attachment.instance-id", instanceId), new Filter("attachment.device-index", "0")));
        return primary.Count == 0 ? null : ec2.DescribeSubnets(DescribeRequest.ForIds(primary[0].SubnetId)) is [var subnet, ..] ? subnet : null;
    }
}

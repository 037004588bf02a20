using System.Text.Json.Nodes;
using Podnet.Aws;
using Podnet.Aws.Eks;

namespace Podnet.Server.Aws;

/// <summary>
/// EKS over rest-json (botocore data/eks/2017-11-01/service-2.json; moto's <c>moto/eks/urls.py</c> routes):
/// <c>POST /clusters</c> (CreateCluster: CREATING, then ACTIVE with a Kubernetes API of its own), <c>DELETE
/// /clusters/{name}</c> (DeleteCluster: DELETING, then gone), <c>GET /clusters</c> (ListClusters), <c>GET /clusters/{name}</c> (DescribeCluster),
/// <c>POST /clusters/{name}/updates</c> (UpdateClusterVersion), <c>GET /clusters/{name}/node-groups</c> (ListNodegroups), <c>GET /clusters/{name}/node-groups/{nodegroupName}</c>
/// (DescribeNodegroup), <c>POST /clusters/{name}/node-groups</c> (CreateNodegroup: its instances launch and join the
/// served cluster as nodes), <c>POST /clusters/{name}/node-groups/{nodegroupName}/update-config</c> (UpdateNodegroupConfig:
/// labels, taints, sizes), <c>POST /clusters/{name}/node-groups/{nodegroupName}/update-version</c> (UpdateNodegroupVersion:
/// the group's nodes replaced by nodes of the cluster's version), <c>DELETE /clusters/{name}/node-groups/{nodegroupName}</c> (DeleteNodegroup). Writes
/// run under the served cluster's gate. The served cluster's <c>endpoint</c> and <c>certificateAuthority.data</c> are those of its
/// Kubernetes API, so <c>aws eks update-kubeconfig</c> writes a kubeconfig that reaches it.
/// </summary>
public sealed partial class EksApi
{
    private readonly ServedCluster _cluster;
    private readonly Func<string, ServedEndpoint?> _endpoints;

    /// <summary>EKS of <paramref name="cluster"/>'s world.</summary>
    /// <param name="cluster">The served world.</param>
    /// <param name="endpoints">The Kubernetes API serving a cluster of that name, if one does.</param>
    public EksApi(ServedCluster cluster, Func<string, ServedEndpoint?> endpoints)
    {
        _cluster = cluster;
        _endpoints = endpoints;
    }

    /// <summary>
    /// Answers <paramref name="method"/> <paramref name="path"/> (with the JSON <paramref name="body"/> of a POST):
    /// the operation's name and its JSON.
    /// </summary>
    /// <exception cref="AwsException">EKS's error: <c>ResourceNotFoundException</c> (404) with the texts the seeds show, <c>InvalidParameterException</c>, <c>ResourceInUseException</c>.</exception>
    public (string Operation, JsonObject Body) Handle(string method, string path, JsonObject? body = null)
    {
        var eks = (_cluster.World.Cloud ?? throw new AwsException("ResourceNotFoundException", "This world has no AWS account (a policy-only world): EKS is not served.", 404)).Eks;
        var segments = path.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToArray();
        return (method, segments) switch
        {
            ("POST", ["clusters"]) => ("CreateCluster", _cluster.Write(() => new JsonObject { ["cluster"] = Cluster(eks.CreateCluster(CreateClusterRequestOf(body ?? [])), null) })),
            ("DELETE", ["clusters", var name]) => ("DeleteCluster", _cluster.Write(() => new JsonObject { ["cluster"] = Cluster(eks.DeleteCluster(name), null) })),
            ("GET", ["clusters"]) => ("ListClusters", _cluster.Read(() => new JsonObject { ["clusters"] = Strings(eks.ListClusters()) })),
            ("GET", ["clusters", var name]) => ("DescribeCluster", _cluster.Read(() => new JsonObject { ["cluster"] = Cluster(eks.DescribeCluster(name), _endpoints(name)) })),
            ("POST", ["clusters", var name, "updates"]) => ("UpdateClusterVersion", _cluster.Write(() => new JsonObject { ["update"] = Update(eks.UpdateClusterVersion(name, RestJsonMembers.String((body ?? [])["version"]) ?? throw new AwsException("InvalidParameterException", "version is required", 400))) })),
            ("POST", ["clusters", var name, "update-config"]) => ("UpdateClusterConfig", _cluster.Write(() => new JsonObject { ["update"] = Update(UpdateClusterConfig(eks, name, body ?? [])) })),
            ("GET", ["clusters", var name, "node-groups"]) => ("ListNodegroups", _cluster.Read(() => new JsonObject { ["nodegroups"] = Strings(eks.ListNodegroups(name)) })),
            ("GET", ["clusters", var name, "node-groups", var nodegroup]) => ("DescribeNodegroup", _cluster.Read(() => new JsonObject { ["nodegroup"] = Nodegroup(eks.DescribeNodegroup(name, nodegroup)) })),
            ("POST", ["clusters", var name, "node-groups"]) => ("CreateNodegroup", _cluster.Write(() => new JsonObject { ["nodegroup"] = Nodegroup(eks.CreateNodegroup(CreateNodegroupRequestOf(name, body ?? []))) })),
            ("POST", ["clusters", var name, "node-groups", var nodegroup, "update-version"]) => ("UpdateNodegroupVersion", _cluster.Write(() => new JsonObject { ["update"] = Update(eks.UpdateNodegroupVersion(name, nodegroup, NodegroupVersionUpdateOf(body ?? []))) })),
            ("POST", ["clusters", var name, "node-groups", var nodegroup, "update-config"]) => ("UpdateNodegroupConfig", _cluster.Write(() => new JsonObject { ["update"] = Update(eks.UpdateNodegroupConfig(name, nodegroup, NodegroupConfigUpdateOf(body ?? []))) })),
            ("DELETE", ["clusters", var name, "node-groups", var nodegroup]) => ("DeleteNodegroup", _cluster.Write(() => new JsonObject { ["nodegroup"] = Nodegroup(eks.DeleteNodegroup(name, nodegroup)) })),
            (_, ["addons", ..] or ["clusters", _, "addons", ..] or ["clusters", _, "updates", ..]) => Addons(eks, method, segments, body), // addons
            (_, ["clusters", _, "fargate-profiles", ..]) => FargateProfiles(eks, method, segments, body),
            _ => throw new AwsException("UnknownOperationException", $"Podnet's EKS does not serve {method} {path} (it serves CreateCluster, DescribeCluster, ListClusters, DeleteCluster, UpdateClusterConfig of the endpoint access, UpdateClusterVersion, CreateNodegroup, DescribeNodegroup, ListNodegroups, UpdateNodegroupConfig, UpdateNodegroupVersion, DeleteNodegroup, ListUpdates, DescribeUpdate, the Fargate profile and the add-on operations).", 404),
        };
    }

    /// <summary>
    /// UpdateClusterConfig (<c>POST /clusters/NAME/update-config</c>) of <c>resourcesVpcConfig</c>'s endpoint access, the
    /// part Podnet emulates (how nodes reach the API server); any other member (logging, subnets, groups, …) is refused
    /// rather than ignored.
    /// </summary>
    private static Update UpdateClusterConfig(EksBackend eks, string name, JsonObject body)
    {
        var other = body.Select(p => p.Key).Where(k => k is not ("resourcesVpcConfig" or "clientRequestToken")).ToList();
        var vpc = RestJsonMembers.Object(body["resourcesVpcConfig"]);
        other.AddRange((vpc ?? []).Select(p => p.Key).Where(k => k is not ("endpointPublicAccess" or "endpointPrivateAccess" or "publicAccessCidrs")).Select(k => "resourcesVpcConfig." + k));
        if (other.Count > 0 || vpc is null)
        {
            throw new AwsException("InvalidParameterException", $"Podnet's UpdateClusterConfig changes only resourcesVpcConfig's endpointPublicAccess, endpointPrivateAccess and publicAccessCidrs{(other.Count > 0 ? $", not {string.Join(", ", other)}" : string.Empty)}", 400);
        }

        return eks.UpdateClusterEndpointAccess(
            name,
            RestJsonMembers.Bool(vpc["endpointPublicAccess"]),
            RestJsonMembers.Bool(vpc["endpointPrivateAccess"]),
            RestJsonMembers.Strings(vpc["publicAccessCidrs"]));
    }

    /// <summary>
    /// A <c>Cluster</c> in rest-json: camelCase members, <c>createdAt</c> in epoch seconds (the CLI v1 prints it so).
    /// The <c>endpoint</c> and <c>certificateAuthority</c> appear once the cluster is ACTIVE, as on EKS (so
    /// <c>aws eks update-kubeconfig</c> refuses a cluster still being created).
    /// </summary>
    public static JsonObject Cluster(Cluster cluster, ServedEndpoint? served)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        if (cluster.Status is not (ClusterStatus.Active or ClusterStatus.Updating))
        {
            served = null;
        }

        var json = new JsonObject
        {
            ["name"] = cluster.Name,
            ["arn"] = cluster.Arn,
            ["createdAt"] = cluster.CreatedAt.ToUnixTimeMilliseconds() / 1000.0,
            ["version"] = cluster.Version,
            ["roleArn"] = cluster.RoleArn,
            ["resourcesVpcConfig"] = new JsonObject
            {
                ["subnetIds"] = Strings(cluster.ResourcesVpcConfig.SubnetIds),
                ["securityGroupIds"] = Strings(cluster.ResourcesVpcConfig.SecurityGroupIds),
                ["clusterSecurityGroupId"] = cluster.ResourcesVpcConfig.ClusterSecurityGroupId,
                ["vpcId"] = cluster.ResourcesVpcConfig.VpcId,
                ["endpointPublicAccess"] = cluster.ResourcesVpcConfig.EndpointPublicAccess,
                ["endpointPrivateAccess"] = cluster.ResourcesVpcConfig.EndpointPrivateAccess,
                ["publicAccessCidrs"] = Strings(cluster.ResourcesVpcConfig.PublicAccessCidrs),
            },
            ["kubernetesNetworkConfig"] = KubernetesNetworkConfig(cluster.KubernetesNetworkConfig),
            ["status"] = cluster.Status,
            ["platformVersion"] = cluster.PlatformVersion,
            ["tags"] = Map(cluster.Tags),
        };
        if (cluster.Status is ClusterStatus.Active or ClusterStatus.Updating)
        {
            json["endpoint"] = served?.Endpoint ?? cluster.Endpoint;
        }

        if (served?.CertificateAuthorityData is { } authority)
        {
            json["certificateAuthority"] = new JsonObject { ["data"] = authority };
        }

        return json;
    }

    /// <summary>
    /// A <c>KubernetesNetworkConfigResponse</c>: <c>serviceIpv4Cidr</c> for an ipv4 cluster, <c>serviceIpv6Cidr</c> for
    /// an ipv6 one (a member without a value is left out, as EKS leaves it out), and <c>ipFamily</c>.
    /// </summary>
    public static JsonObject KubernetesNetworkConfig(KubernetesNetworkConfigResponse config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var json = new JsonObject();
        if (config.ServiceIpv4Cidr is { } v4)
        {
            json["serviceIpv4Cidr"] = v4;
        }

        if (config.ServiceIpv6Cidr is { } v6)
        {
            json["serviceIpv6Cidr"] = v6;
        }

        json["ipFamily"] = config.IpFamily;
        return json;
    }

    /// <summary>A <c>Nodegroup</c> in rest-json.</summary>
    public static JsonObject Nodegroup(Nodegroup nodegroup) => new()
    {
        ["nodegroupName"] = nodegroup.NodegroupName,
        ["nodegroupArn"] = nodegroup.NodegroupArn,
        ["clusterName"] = nodegroup.ClusterName,
        ["version"] = nodegroup.Version,
        ["releaseVersion"] = EksOptimizedAmi.ReleaseVersion(nodegroup.AmiType, nodegroup.Version),
        ["createdAt"] = nodegroup.CreatedAt.ToUnixTimeMilliseconds() / 1000.0,
        ["status"] = nodegroup.Status,
        ["capacityType"] = nodegroup.CapacityType,
        ["scalingConfig"] = new JsonObject
        {
            ["minSize"] = nodegroup.ScalingConfig.MinSize,
            ["maxSize"] = nodegroup.ScalingConfig.MaxSize,
            ["desiredSize"] = nodegroup.ScalingConfig.DesiredSize,
        },
        ["instanceTypes"] = Strings(nodegroup.InstanceTypes),
        ["subnets"] = Strings(nodegroup.Subnets),
        ["amiType"] = nodegroup.AmiType,
        ["nodeRole"] = nodegroup.NodeRole,
        ["labels"] = Map(nodegroup.Labels),
        ["taints"] = new JsonArray([.. nodegroup.Taints.Select(t => (JsonNode)new JsonObject { ["key"] = t.Key, ["value"] = t.Value, ["effect"] = t.Effect })]),
        ["resources"] = new JsonObject
        {
            ["autoScalingGroups"] = new JsonArray([.. nodegroup.Resources.AutoScalingGroups.Select(g => (JsonNode)new JsonObject { ["name"] = g.Name })]),
        },
        ["health"] = new JsonObject
        {
            ["issues"] = new JsonArray([.. nodegroup.Health.Issues.Select(i => (JsonNode)new JsonObject { ["code"] = i.Code, ["message"] = i.Message, ["resourceIds"] = Strings(i.ResourceIds) })]),
        },
        ["tags"] = Map(nodegroup.Tags),
        ["diskSize"] = nodegroup.DiskSize,
        ["updateConfig"] = nodegroup.UpdateConfig.MaxUnavailable is { } maxUnavailable
            ? new JsonObject { ["maxUnavailable"] = maxUnavailable }
            : new JsonObject { ["maxUnavailablePercentage"] = nodegroup.UpdateConfig.MaxUnavailablePercentage },
    };

    /// <summary>CreateCluster's body (<c>aws eks create-cluster</c>): camelCase members of <c>CreateClusterRequest</c>.</summary>
    /// <exception cref="AwsException"><c>InvalidParameterException</c> for a missing required member.</exception>
    public static CreateClusterRequest CreateClusterRequestOf(JsonObject body)
    {
        ArgumentNullException.ThrowIfNull(body);
        static AwsException Missing(string member) => new("InvalidParameterException", $"{member} is required", 400);
        var vpc = RestJsonMembers.Object(body["resourcesVpcConfig"]) ?? throw Missing("resourcesVpcConfig");
        var network = RestJsonMembers.Object(body["kubernetesNetworkConfig"]);
        static IReadOnlyList<string>? List(JsonObject json, string member) => RestJsonMembers.Strings(json[member]);
        return new CreateClusterRequest(
            RestJsonMembers.String(body["name"]) ?? throw Missing("name"),
            RestJsonMembers.String(body["roleArn"]) ?? throw Missing("roleArn"),
            List(vpc, "subnetIds") ?? [],
            List(vpc, "securityGroupIds"),
            RestJsonMembers.String(body["version"]),
            RestJsonMembers.String(network?["serviceIpv4Cidr"]),
            RestJsonMembers.StringMap(body["tags"]),
            IpFamily: RestJsonMembers.String(network?["ipFamily"]),
            EndpointPublicAccess: RestJsonMembers.Bool(vpc["endpointPublicAccess"]),
            EndpointPrivateAccess: RestJsonMembers.Bool(vpc["endpointPrivateAccess"]),
            PublicAccessCidrs: List(vpc, "publicAccessCidrs"));
    }

    /// <summary>CreateNodegroup's body (<c>aws eks create-nodegroup</c>): camelCase members of <c>CreateNodegroupRequest</c>.</summary>
    public static CreateNodegroupRequest CreateNodegroupRequestOf(string clusterName, JsonObject body)
    {
        static AwsException Missing(string member) => new("InvalidParameterException", $"{member} is required", 400);
        IReadOnlyList<string>? List(string member) => RestJsonMembers.Strings(body[member]);
        IReadOnlyDictionary<string, string>? Map(string member) => RestJsonMembers.StringMap(body[member]);
        var scaling = RestJsonMembers.Object(body["scalingConfig"]) is { } config
            ? new NodegroupScalingConfig(RestJsonMembers.Int(config["minSize"]) ?? 1, RestJsonMembers.Int(config["maxSize"]) ?? 2, RestJsonMembers.Int(config["desiredSize"]) ?? 2)
            : null;

        var taints = Taints(body["taints"], "taints");

        // Members Podnet does not emulate are refused rather than ignored (a launch template, remote access, a release
        // version, node repair, a warm pool).
        var other = body.Select(p => p.Key).Where(k => k is not ("nodegroupName" or "nodeRole" or "subnets" or "instanceTypes" or "scalingConfig" or "labels" or "tags"
            or "amiType" or "taints" or "clientRequestToken" or "version" or "capacityType" or "diskSize" or "updateConfig")).ToList();
        if (other.Count > 0)
        {
            throw new AwsException("InvalidParameterException", $"Podnet's CreateNodegroup does not emulate {string.Join(", ", other)}", 400);
        }

        var update = RestJsonMembers.Object(body["updateConfig"]);
        return new CreateNodegroupRequest(
            clusterName,
            RestJsonMembers.String(body["nodegroupName"]) ?? throw Missing("nodegroupName"),
            RestJsonMembers.String(body["nodeRole"]) ?? throw Missing("nodeRole"),
            List("subnets") ?? throw Missing("subnets"),
            List("instanceTypes"),
            scaling,
            Map("labels"),
            Map("tags"),
            RestJsonMembers.String(body["amiType"]),
            taints)
        {
            Version = RestJsonMembers.String(body["version"]),
            CapacityType = RestJsonMembers.String(body["capacityType"]),
            DiskSize = RestJsonMembers.Int(body["diskSize"]),
            UpdateConfig = update is null ? null : new NodegroupUpdateConfig(RestJsonMembers.Int(update["maxUnavailable"]), RestJsonMembers.Int(update["maxUnavailablePercentage"])),
        };
    }

    /// <summary>A list of <c>Taint</c>s; a taint's key and effect are required members of the shape (botocore's eks model).</summary>
    private static List<NodegroupTaint>? Taints(JsonNode? list, string member)
        => RestJsonMembers.Objects(list)?
            .Select(t => new NodegroupTaint(
                RestJsonMembers.String(t["key"]) ?? throw new AwsException("InvalidParameterException", $"{member}.key is required", 400),
                RestJsonMembers.String(t["value"]),
                RestJsonMembers.String(t["effect"]) ?? throw new AwsException("InvalidParameterException", $"{member}.effect is required", 400)))
            .ToList();

    /// <summary>
    /// UpdateNodegroupConfig's body (<c>aws eks update-nodegroup-config</c>): <c>labels</c> (<c>addOrUpdateLabels</c>,
    /// <c>removeLabels</c>), <c>taints</c> (<c>addOrUpdateTaints</c>, <c>removeTaints</c>), <c>scalingConfig</c> and
    /// <c>updateConfig</c>; <c>nodeRepairConfig</c> and anything else is refused rather than ignored.
    /// </summary>
    /// <exception cref="AwsException"><c>InvalidParameterException</c>: a member Podnet does not serve, a taint without key or effect, an empty scalingConfig.</exception>
    public static NodegroupConfigUpdate NodegroupConfigUpdateOf(JsonObject body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var other = body.Select(p => p.Key).Where(k => k is not ("labels" or "taints" or "scalingConfig" or "updateConfig" or "clientRequestToken")).ToList();
        if (other.Count > 0)
        {
            throw new AwsException("InvalidParameterException", $"Podnet's UpdateNodegroupConfig changes labels, taints, scalingConfig and updateConfig, not {string.Join(", ", other)}", 400);
        }

        var labels = RestJsonMembers.Object(body["labels"]);
        var taints = RestJsonMembers.Object(body["taints"]);
        var scaling = RestJsonMembers.Object(body["scalingConfig"]);
        var update = RestJsonMembers.Object(body["updateConfig"]);
        if (scaling is not null && scaling["minSize"] is null && scaling["maxSize"] is null && scaling["desiredSize"] is null)
        {
            // EKS's words (rancher#33302).
            throw new AwsException("InvalidParameterException", "Either all or at least one of minSize, maxSize, desiredSize must be provided", 400);
        }

        return new NodegroupConfigUpdate(
            labels is null ? null : RestJsonMembers.StringMap(labels["addOrUpdateLabels"]),
            labels is null ? null : RestJsonMembers.Strings(labels["removeLabels"]),
            taints is null ? null : Taints(taints["addOrUpdateTaints"], "taints.addOrUpdateTaints"),
            taints is null ? null : Taints(taints["removeTaints"], "taints.removeTaints"),
            scaling is null ? null : RestJsonMembers.Int(scaling["minSize"]),
            scaling is null ? null : RestJsonMembers.Int(scaling["maxSize"]),
            scaling is null ? null : RestJsonMembers.Int(scaling["desiredSize"]),
            update is null ? null : RestJsonMembers.Int(update["maxUnavailable"]),
            update is null ? null : RestJsonMembers.Int(update["maxUnavailablePercentage"]));
    }

    /// <summary>
    /// UpdateNodegroupVersion's body (<c>aws eks update-nodegroup-version</c>): <c>version</c>, <c>releaseVersion</c>,
    /// <c>launchTemplate</c> (whose presence is passed on, to be refused), <c>force</c>; anything else is refused.
    /// </summary>
    /// <exception cref="AwsException"><c>InvalidParameterException</c>: a member Podnet does not serve.</exception>
    public static NodegroupVersionUpdate NodegroupVersionUpdateOf(JsonObject body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var other = body.Select(p => p.Key).Where(k => k is not ("version" or "releaseVersion" or "launchTemplate" or "force" or "clientRequestToken")).ToList();
        if (other.Count > 0)
        {
            throw new AwsException("InvalidParameterException", $"Podnet's UpdateNodegroupVersion takes version, releaseVersion, launchTemplate and force, not {string.Join(", ", other)}", 400);
        }

        return new NodegroupVersionUpdate(
            RestJsonMembers.String(body["version"]),
            RestJsonMembers.String(body["releaseVersion"]),
            RestJsonMembers.Bool(body["force"]) ?? false,
            body["launchTemplate"] is not null);
    }

    /// <summary>
    /// One page of a list operation's <paramref name="member"/>: at most <paramref name="maxResults"/> (all when not
    /// given) from the position <paramref name="nextToken"/> names, and the <c>nextToken</c> of the next page while
    /// there is one.
    /// </summary>
    /// <exception cref="AwsException"><c>InvalidParameterException</c> for a maxResults outside 1–100 or a token this list did not give.</exception>
    private static JsonObject Page(string member, IReadOnlyList<string> items, string? maxResults, string? nextToken)
    {
        var start = 0;
        if (nextToken is not null && (!int.TryParse(nextToken, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out start) || start > items.Count))
        {
            throw new AwsException("InvalidParameterException", "The nextToken is not valid.", 400);
        }

        var size = items.Count - start;
        if (maxResults is not null && (!int.TryParse(maxResults, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out size) || size is < 1 or > 100))
        {
            throw new AwsException("InvalidParameterException", "maxResults must be between 1 and 100.", 400);
        }

        var page = new JsonObject { [member] = Strings(items.Skip(start).Take(size)) };
        if (start + size < items.Count)
        {
            page["nextToken"] = (start + size).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return page;
    }

    private static JsonArray Strings(IEnumerable<string> values) => new([.. values.Select(v => (JsonNode)JsonValue.Create(v))]);

    private static JsonObject Map(IReadOnlyDictionary<string, string> values) => new(values.Select(p => KeyValuePair.Create(p.Key, (JsonNode?)JsonValue.Create(p.Value))));
}

/// <summary>Where a cluster's Kubernetes API is served: its URL and the base64 PEM of its CA (null over plain HTTP).</summary>
public sealed record ServedEndpoint(string Endpoint, string? CertificateAuthorityData);

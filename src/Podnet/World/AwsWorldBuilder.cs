using System.Text.Json.Nodes;
using Podnet.Aws;
using Podnet.Aws.Ec2;
using Podnet.Aws.Eks;
using Podnet.Aws.Iam;
using Podnet.Cni;
using Podnet.Kube.Nodes;
using Podnet.Kube.Selectors;

namespace Podnet.World;

/// <summary>
/// Creates a world's AWS resources (kinds of <c>aws.podnet.dev/v1alpha1</c>) in the emulated cloud, in dependency
/// order: VPCs, subnets, internet and NAT gateways, route tables (or, for a world that declares none, the tables a
/// fresh EKS VPC has), security groups (then their rules, which may name each other), IAM roles, EKS clusters, node
/// groups, the network interfaces that exist already (a snapshot's: attached to the node groups' instances, trunks'
/// branches, or detached) and Fargate profiles. References take a name from the world or an AWS ID, so IDs from a
/// real account work verbatim.
/// </summary>
/// <remarks>
/// It writes to <see cref="Aws.AwsCloud.Ec2Backend"/> directly, past <see cref="Aws.Ec2.IEc2"/>: a world states the
/// account as it was before the world began, a fixture rather than a principal's API calls, so no IAM, no rate-limit
/// tokens spent and no injected faults (those start once it is built), and a snapshot's fields EC2's API cannot set
/// (an interface's given ID, its requester) are kept.
/// </remarks>
internal sealed partial class AwsWorldBuilder
{
    public const string ApiGroup = "aws.podnet.dev";

    private static readonly string[] Order = ["Account", "Vpc", "Subnet", "ManagedPrefixList", "InternetGateway", "EgressOnlyInternetGateway", "NatGateway", "RouteTable", "VpcEndpoint", "SecurityGroup", "Role", "Cluster", "Addon", "SecurityGroupIngress", "NodeGroup", "NetworkInterface", "FargateProfile"];

    /// <summary>The name of the VPC CNI's add-on (<c>aws eks create-addon --addon-name vpc-cni</c>).</summary>
    public const string VpcCniAddon = AddonVersionCatalog.VpcCni;

    private static readonly string[] AddonNames = [.. AddonVersionCatalog.All.Select(a => a.AddonName)];

    private readonly AwsCloud _cloud;
    private readonly Dictionary<(string Kind, string Name), string> _ids = [];
    private IReadOnlyList<WorldDocument> _documents = [];

    public AwsWorldBuilder(AwsCloud cloud)
    {
        _cloud = cloud;
    }

    public List<(string Cluster, string Nodegroup)> Nodegroups { get; } = [];

    /// <summary>The configuration values of the cluster's add-ons, by add-on name (e.g. vpc-cni's <c>env</c>).</summary>
    public Dictionary<string, JsonObject> AddonConfiguration { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// The add-on versions the world's Addon documents pin (<c>AddonVersion</c>, as <c>aws eks create-addon
    /// --addon-version v1.11.2-eksbuild.1</c>), by add-on name; an add-on without one runs EKS's default version.
    /// </summary>
    public Dictionary<string, string> AddonVersions { get; } = new(StringComparer.Ordinal);

    /// <summary>Node groups whose nodes' kubelets get <c>--max-pods</c> from the world instead of the AMI's table.</summary>
    public Dictionary<string, int> MaxPods { get; } = new(StringComparer.Ordinal);

    public List<Cluster> Clusters { get; } = [];

    public void Apply(IReadOnlyList<WorldDocument> documents)
    {
        foreach (var doc in documents)
        {
            if (!Order.Contains(doc.Kind))
            {
                throw doc.Error("kind", $"Unsupported value: \"{doc.Kind}\": supported kinds of {ApiGroup}/v1alpha1: {string.Join(", ", Order)}");
            }

            if (doc.Name.Length == 0)
            {
                throw doc.Error("metadata.name", "Required value");
            }
        }

        var ordered = documents.OrderBy(d => Array.IndexOf(Order, d.Kind)).ToList();
        _documents = ordered;
        foreach (var doc in ordered)
        {
            Run(doc, () => Create(doc));
        }

        if (ordered.FirstOrDefault(d => d.Kind == "Vpc") is { } firstVpc)
        {
            Run(firstVpc, () => CreateFreshEksVpcRoutes(ordered));
        }

        foreach (var doc in ordered.Where(d => d.Kind == "SecurityGroup"))
        {
            Run(doc, () => AuthorizeRules(doc));
        }

        foreach (var doc in ordered.Where(d => d.Kind == "SecurityGroupIngress"))
        {
            Run(doc, () => AuthorizeIngress(doc));
        }

        // The add-ons the world's Addon documents describe are EKS's (describe-addon, update-addon), ACTIVE, with the
        // version and configuration values their documents give.
        foreach (var doc in ordered.Where(d => d.Kind == "Addon").GroupBy(d => DocumentFields.String(d, "AddonName") ?? d.Name).Select(g => g.Last()))
        {
            Run(doc, () => RegisterAddon(doc));
        }

        foreach (var doc in ordered.Where(d => d.Kind == "NodeGroup"))
        {
            Run(doc, () => CreateNodegroup(doc));
        }

        // Interfaces after the instances they are attached to, trunks before the branches associated with them.
        foreach (var doc in ordered.Where(d => d.Kind == "NetworkInterface").OrderBy(d => DocumentFields.String(d, "InterfaceType") == NetworkInterfaceTypes.Branch))
        {
            Run(doc, () => WorldNetworkInterface.Create(doc, _cloud.Ec2Backend, (field, value) => Resolve(doc, field, field == "SubnetId" ? "Subnet" : "SecurityGroup", field == "SubnetId" ? "subnet" : "sg", value)));
        }

        foreach (var doc in ordered.Where(d => d.Kind == "FargateProfile"))
        {
            Run(doc, () => CreateFargateProfile(doc));
        }
    }

    /// <summary>
    /// A Fargate profile, as <c>aws eks create-fargate-profile</c> takes it: <c>Cluster</c>, <c>PodExecutionRoleArn</c>
    /// (a Role of the world or an ARN; default a role with AmazonEKSFargatePodExecutionRolePolicy), <c>Subnets</c>
    /// (private ones), <c>Selectors</c> (<c>[{namespace, labels}]</c>, as <c>--selectors</c> takes them in JSON), <c>Tags</c>.
    /// </summary>
    private void CreateFargateProfile(WorldDocument doc)
    {
        var clusterName = DocumentFields.RequiredString(doc, "Cluster");
        if (!_ids.ContainsKey(("Cluster", clusterName)))
        {
            throw doc.Error("spec.Cluster", $"no Cluster named \"{clusterName}\" in the world");
        }

        var list = DocumentFields.Spec(doc)["Selectors"] switch
        {
            null => [],
            JsonArray a => a,
            _ => throw doc.Error("spec.Selectors", "must be a list of {namespace, labels}, as aws eks create-fargate-profile --selectors takes them"),
        };
        var selectors = new List<FargateProfileSelector>();
        for (var i = 0; i < list.Count; i++)
        {
            var path = $"spec.Selectors[{i}]";
            if (list[i] is not JsonObject entry)
            {
                throw doc.Error(path, "must be a map with namespace and labels");
            }

            if (entry.Select(p => p.Key).FirstOrDefault(k => k is not ("namespace" or "labels")) is { } unknown)
            {
                throw doc.Error($"{path}.{unknown}", "unknown field: a selector has namespace and labels");
            }

            var labels = entry["labels"] switch
            {
                null => [],
                JsonObject map => map.ToDictionary(p => p.Key, p => DocumentFields.StringAt(doc, p.Value, $"{path}.labels.{p.Key}") ?? string.Empty, StringComparer.Ordinal),
                _ => throw doc.Error($"{path}.labels", "must be a map of labels"),
            };
            selectors.Add(new FargateProfileSelector(DocumentFields.StringAt(doc, entry["namespace"], $"{path}.namespace") ?? string.Empty, labels));
        }

        var role = RoleArn(doc, "PodExecutionRoleArn", [ManagedPolicy.AmazonEKSFargatePodExecutionRolePolicy], "pod-execution");
        _cloud.Eks.CreateFargateProfile(new CreateFargateProfileRequest(
            doc.Name,
            clusterName,
            role,
            [.. DocumentFields.Strings(doc, "Subnets").Select(s => Resolve(doc, "Subnets", "Subnet", "subnet", s))],
            selectors,
            DocumentFields.Tags(doc).ToDictionary(t => t.Key, t => t.Value, StringComparer.Ordinal),
            Existing: true));
    }

    /// <summary>
    /// A Cluster's <c>KubernetesNetworkConfig.IpFamily</c> (<c>aws eks create-cluster --kubernetes-network-config
    /// ipFamily=ipv6</c>), null for EKS's default (ipv4); EKS checks the value. Security groups for pods are not
    /// refused here: EKS accepts them, and what the VPC CNI release in use does with them on EC2 nodes decides (see
    /// <see cref="CniSettings.Ipv6PodEniSince"/>; lint's <c>security-group-pod-ipv6</c> for seed 000's advice).
    /// </summary>
    private static string? IpFamily(WorldDocument doc)
    {
        var config = DocumentFields.Spec(doc)["KubernetesNetworkConfig"] switch
        {
            null => [],
            JsonObject o => o,
            _ => throw doc.Error("spec.KubernetesNetworkConfig", "must be a map, e.g. {IpFamily: ipv6}"),
        };
        if (config.Select(p => p.Key).FirstOrDefault(k => k != "IpFamily") is { } unknown)
        {
            throw doc.Error($"spec.KubernetesNetworkConfig.{unknown}", "unknown field: Podnet reads IpFamily (ServiceIpv4Cidr is the Cluster's own field; an ipv6 cluster's ServiceIpv6Cidr is EKS's choice)");
        }

        return DocumentFields.StringAt(doc, config["IpFamily"], "spec.KubernetesNetworkConfig.IpFamily");
    }

    /// <summary>An Addon document's add-on, installed already: EKS knows it at its version with its configuration values.</summary>
    private void RegisterAddon(WorldDocument doc)
    {
        var cluster = Clusters.FirstOrDefault() ?? throw doc.Error("kind", "Invalid value: \"Addon\": an add-on is installed in the world's EKS Cluster, and the world has none");
        var addon = DocumentFields.String(doc, "AddonName") ?? doc.Name;
        var values = AddonConfiguration.GetValueOrDefault(addon);
        _cloud.Eks.CreateAddon(new CreateAddonRequest(
            cluster.Name,
            addon,
            AddonVersions.GetValueOrDefault(addon),
            ConfigurationValues: values is { Count: > 0 } ? values.ToJsonString() : null,
            Existing: true));
    }

    private void Create(WorldDocument doc)
    {
        var ec2 = _cloud.Ec2Backend;
        switch (doc.Kind)
        {
            case "Account":
                // The account itself: its region is read before the cloud exists (WorldLoader.Region). A world of an
                // account alone is where seed 003 starts: the aws CLI creates everything else.
                break;
            case "Vpc":
                var givenVpcId = DocumentFields.String(doc, "VpcId");
                var (mainTableId, mainAssociationId) = GivenMainRouteTable(doc.Name, givenVpcId);
                // AmazonProvidedIpv6CidrBlock as aws ec2 create-vpc takes it; Ipv6CidrBlock is the /56 EC2 gave an
                // existing VPC (as VpcId is its ID), without which the block is drawn from the region's Amazon pool.
                var amazonIpv6 = DocumentFields.Bool(doc, "AmazonProvidedIpv6CidrBlock") ?? false;
                var givenIpv6 = DocumentFields.String(doc, "Ipv6CidrBlock");
                if (givenIpv6 is not null && !amazonIpv6)
                {
                    throw doc.Error("spec.Ipv6CidrBlock", $"Invalid value: \"{givenIpv6}\": a VPC's IPv6 block is Amazon-provided: set AmazonProvidedIpv6CidrBlock: true with it");
                }

                var vpc = ec2.CreateVpc(new CreateVpcRequest(
                    DocumentFields.RequiredString(doc, "CidrBlock"),
                    WithName(DocumentFields.Tags(doc), doc.Name),
                    VpcId: givenVpcId,
                    MainRouteTableId: mainTableId,
                    MainRouteTableAssociationId: mainAssociationId,
                    AmazonProvidedIpv6CidrBlock: amazonIpv6,
                    Ipv6CidrBlock: givenIpv6));
                Remember(doc, vpc.VpcId);
                foreach (var block in DocumentFields.Strings(doc, "SecondaryCidrBlocks"))
                {
                    ec2.AssociateVpcCidrBlock(vpc.VpcId, block);
                }

                break;
            case "Subnet":
                var subnet = ec2.CreateSubnet(new CreateSubnetRequest(
                    Resolve(doc, "Vpc", "Vpc", "vpc"),
                    DocumentFields.RequiredString(doc, "CidrBlock"),
                    DocumentFields.String(doc, "AvailabilityZone"),
                    DocumentFields.String(doc, "AvailabilityZoneId"),
                    WithName(DocumentFields.Tags(doc), doc.Name),
                    DocumentFields.String(doc, "SubnetId"),
                    DocumentFields.Bool(doc, "MapPublicIpOnLaunch") ?? false,
                    DocumentFields.String(doc, "Ipv6CidrBlock"),
                    DocumentFields.Bool(doc, "AssignIpv6AddressOnCreation") ?? false,
                    DocumentFields.Bool(doc, "EnableDns64") ?? false));
                Remember(doc, subnet.SubnetId);
                break;
            case "ManagedPrefixList":
                CreateManagedPrefixList(doc);
                break;
            case "InternetGateway":
                CreateInternetGateway(doc);
                break;
            case "EgressOnlyInternetGateway":
                CreateEgressOnlyInternetGateway(doc);
                break;
            case "NatGateway":
                CreateNatGateway(doc);
                break;
            case "RouteTable":
                CreateRouteTable(doc);
                break;
            case "VpcEndpoint":
                CreateVpcEndpoint(doc);
                break;
            case "SecurityGroup":
                var groupId = ec2.CreateSecurityGroup(new CreateSecurityGroupRequest(
                    DocumentFields.String(doc, "GroupName") ?? doc.Name,
                    DocumentFields.String(doc, "Description") ?? $"{doc.Name} (created by Podnet)",
                    Resolve(doc, "Vpc", "Vpc", "vpc"),
                    DocumentFields.Tags(doc),
                    DocumentFields.String(doc, "GroupId")));
                Remember(doc, groupId);
                break;
            case "Role":
                var role = _cloud.Iam.CreateRole(DocumentFields.String(doc, "RoleName") ?? doc.Name);
                foreach (var policy in DocumentFields.Strings(doc, "ManagedPolicies"))
                {
                    _cloud.Iam.AttachRolePolicy(role.RoleName, policy.StartsWith("arn:", StringComparison.Ordinal) ? policy : $"arn:aws:iam::aws:policy/{policy}");
                }

                Remember(doc, role.Arn);
                break;
            case "Cluster":
                var ipFamily = IpFamily(doc);
                var roleArn = RoleArn(doc, "Role", [ManagedPolicy.AmazonEKSClusterPolicy, ManagedPolicy.AmazonEKSVPCResourceController], "cluster");
                var cluster = _cloud.Eks.CreateCluster(new CreateClusterRequest(
                    doc.Name,
                    roleArn,
                    [.. DocumentFields.Strings(doc, "Subnets").Select(s => Resolve(doc, "Subnets", "Subnet", "subnet", s))],
                    [.. DocumentFields.Strings(doc, "SecurityGroups").Select(s => Resolve(doc, "SecurityGroups", "SecurityGroup", "sg", s))],
                    DocumentFields.String(doc, "Version"),
                    DocumentFields.String(doc, "ServiceIpv4Cidr"),
                    Existing: true,
                    ClusterSecurityGroupId: DocumentFields.String(doc, "ClusterSecurityGroupId"),
                    IpFamily: ipFamily,
                    EndpointPublicAccess: DocumentFields.Bool(doc, "EndpointPublicAccess"),
                    EndpointPrivateAccess: DocumentFields.Bool(doc, "EndpointPrivateAccess"),
                    PublicAccessCidrs: DocumentFields.Strings(doc, "PublicAccessCidrs")));
                Clusters.Add(cluster);
                Remember(doc, cluster.Name);
                break;
            case "SecurityGroupIngress":
                break;
            case "Addon":
                var addon = DocumentFields.String(doc, "AddonName") ?? doc.Name;
                if (!AddonNames.Contains(addon))
                {
                    throw doc.Error("spec.AddonName", $"Unsupported value: \"{addon}\": supported values: {string.Join(", ", AddonNames.Select(a => $"\"{a}\""))}");
                }

                var version = DocumentFields.String(doc, "AddonVersion");
                var release = version is null ? null : AddonRelease(doc, version);
                var values = DocumentFields.Spec(doc)["ConfigurationValues"] switch
                {
                    null => [],
                    JsonObject o => (JsonObject)o.DeepClone(),
                    _ => throw doc.Error("spec.ConfigurationValues", "must be a map, e.g. {env: {AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG: \"true\"}}"),
                };
                if (values.Count > 0 && addon != VpcCniAddon)
                {
                    // kube-proxy's and CoreDNS's schemas configure nothing Podnet emulates; accepting them would ignore them.
                    throw doc.Error("spec.ConfigurationValues", $"Unsupported value: Podnet applies the configuration values of the {VpcCniAddon} add-on only, not of {addon}");
                }

                // EKS checks the values against the add-on version's configuration schema (describe-addon-configuration)
                // and refuses the call, rather than install the add-on without them: an unknown key, an env value that is
                // not a string (an unquoted true or 5), a missing required field.
                if (addon == VpcCniAddon && AddonConfigurationSchema.VpcCni((release ?? CniSettings.DefaultRelease).Version).Validate(values) is [var (path, _), ..] errors)
                {
                    var refused = EksErrors.ConfigurationValueNotSupported(errors.Select(e => e.Message));
                    throw doc.Error("spec.ConfigurationValues" + path[1..], $"{refused.Code}: {refused.Message}");
                }

                if (version is not null)
                {
                    AddonVersions[addon] = version;
                }

                // Documents for one add-on compose, later ones winning field by field: the default world's bare
                // Addon documents (the add-ons eksctl installs) leave the values an application's Addon gives.
                if (DocumentFields.Spec(doc)["ConfigurationValues"] is not null || !AddonConfiguration.ContainsKey(addon))
                {
                    AddonConfiguration[addon] = values;
                }

                break;
        }
    }

    private void AuthorizeRules(WorldDocument doc)
    {
        var groupId = _ids[("SecurityGroup", doc.Name)];
        var ingress = Permissions(doc, "IpPermissions");
        if (ingress.Count > 0)
        {
            _cloud.Ec2Backend.AuthorizeSecurityGroupIngress(groupId, ingress);
        }

        if (DocumentFields.Spec(doc)["IpPermissionsEgress"] is not null)
        {
            // Given egress rules replace the default allow-all, as Terraform and CloudFormation do.
            _cloud.Ec2Backend.RevokeSecurityGroupEgress(new RevokeSecurityGroupRequest(groupId, [IpPermission.AllTraffic("0.0.0.0/0")]));
            var egress = Permissions(doc, "IpPermissionsEgress");
            if (egress.Count > 0)
            {
                _cloud.Ec2Backend.AuthorizeSecurityGroupEgress(groupId, egress);
            }
        }
    }

    /// <summary>
    /// Rules added to a group the world does not define, as <c>aws ec2 authorize-security-group-ingress</c> does:
    /// <c>GroupId</c> (a name or ID) or <c>ClusterSecurityGroup</c> (a Cluster's name: the group EKS made for it).
    /// </summary>
    private void AuthorizeIngress(WorldDocument doc)
    {
        string groupId;
        if (DocumentFields.String(doc, "ClusterSecurityGroup") is { } clusterName)
        {
            groupId = Clusters.FirstOrDefault(c => c.Name == clusterName)?.ResourcesVpcConfig.ClusterSecurityGroupId
                      ?? throw doc.Error("spec.ClusterSecurityGroup", $"no Cluster named \"{clusterName}\" in the world");
        }
        else
        {
            groupId = Resolve(doc, "GroupId", "SecurityGroup", "sg");
        }

        var permissions = Permissions(doc, "IpPermissions");
        if (permissions.Count == 0)
        {
            throw doc.Error("spec.IpPermissions", "Required value");
        }

        _cloud.Ec2Backend.AuthorizeSecurityGroupIngress(groupId, permissions);
    }

    /// <summary>
    /// A managed node group, in the fields of <c>aws eks create-nodegroup</c>: <c>Cluster</c>, <c>NodeRole</c>,
    /// <c>Subnets</c>, <c>InstanceTypes</c>, the scaling sizes, <c>Labels</c>, <c>Taints</c>, <c>AmiType</c> (default
    /// EKS's for the cluster's version: AL2_x86_64 before 1.30, AL2023_x86_64_STANDARD from it; a <c>WINDOWS_…</c> type
    /// makes Windows nodes), and Podnet's <c>MaxPods</c> and
    /// <c>Instances</c>.
    /// </summary>
    private void CreateNodegroup(WorldDocument doc)
    {
        var clusterName = DocumentFields.RequiredString(doc, "Cluster");
        if (!_ids.ContainsKey(("Cluster", clusterName)))
        {
            throw doc.Error("spec.Cluster", $"no Cluster named \"{clusterName}\" in the world");
        }

        var nodeRole = RoleArn(doc, "NodeRole", [ManagedPolicy.AmazonEKSWorkerNodePolicy, ManagedPolicy.AmazonEKS_CNI_Policy, ManagedPolicy.AmazonEC2ContainerRegistryReadOnly], "node");
        var types = DocumentFields.Strings(doc, "InstanceTypes") is { Count: > 0 } list ? list : DocumentFields.Strings(doc, "InstanceType");
        var instances = NodeGroupInstances.Read(doc, value => Resolve(doc, "Instances", "Subnet", "subnet", value));
        var desired = DocumentFields.Int(doc, "DesiredSize") ?? (instances.Count > 0 ? instances.Count : 2);
        if (desired < instances.Count)
        {
            throw doc.Error("spec.DesiredSize", $"Invalid value: {desired}: the node group runs {instances.Count} instances already (spec.Instances)");
        }

        var labels = (DocumentFields.Spec(doc)["Labels"] as JsonObject ?? []).ToDictionary(p => p.Key, p => DocumentFields.StringAt(doc, p.Value, $"spec.Labels.{p.Key}") ?? string.Empty, StringComparer.Ordinal);
        // EKS labels every node of the group eks.amazonaws.com/nodegroup=<name>: a name no label value can hold would
        // keep its nodes from registering (the fuzzer's crash on metadata.name: 1e30).
        if (LabelValidation.ValidateValue(doc.Name) is { } nameError)
        {
            throw doc.Error("metadata.name", $"Invalid value: \"{doc.Name}\": {nameError}");
        }

        foreach (var (key, value) in labels)
        {
            // The node group's labels become its nodes' labels: a kubelet could not register with one the API refuses.
            if (LabelValidation.ValidateKey(key) is { } keyError)
            {
                throw doc.Error($"spec.Labels.{key}", $"Invalid value: \"{key}\": {keyError}");
            }

            if (LabelValidation.ValidateValue(value) is { } valueError)
            {
                throw doc.Error($"spec.Labels.{key}", $"Invalid value: \"{value}\": {valueError}");
            }
        }

        if (KubeletNodeLabels.Error(labels.Keys) is { } kubeletError)
        {
            // EKS takes the node group, but its nodes' kubelets exit at start and never join.
            throw doc.Error("spec.Labels", $"the nodes would never join the cluster (NodeCreationFailure: Instances failed to join the kubernetes cluster): their kubelet exits: {kubeletError}");
        }

        var taints = Taints(doc);
        var amiType = DocumentFields.String(doc, "AmiType");
        if (amiType is not null)
        {
            // EKS's refusal of the field, named as the world spells it: a value outside its enum, or an AMI type it
            // publishes no AMI of for the cluster's version (AL2 after 1.32, AL2023 before 1.23).
            var version = _cloud.Eks.DescribeCluster(clusterName).Version;
            if ((AmiTypes.All.Contains(amiType, StringComparer.Ordinal) ? AmiTypes.NotOffered(amiType, version) : AmiTypes.Invalid(amiType)) is { } refused)
            {
                throw doc.Error("spec.AmiType", $"{refused.Code}: {refused.Message}" + (refused.Code == "ValidationException" ? string.Empty : $" (Kubernetes {version}: leave AmiType out for EKS's default, {AmiTypes.DefaultFor(version)})"));
            }
        }
        _cloud.Eks.CreateNodegroup(new CreateNodegroupRequest(
            clusterName,
            doc.Name,
            nodeRole,
            [.. DocumentFields.Strings(doc, "Subnets").Select(s => Resolve(doc, "Subnets", "Subnet", "subnet", s))],
            types.Count == 0 ? null : types,
            new NodegroupScalingConfig(DocumentFields.Int(doc, "MinSize") ?? Math.Min(1, desired), DocumentFields.Int(doc, "MaxSize") ?? Math.Max(desired, 1), desired),
            labels,
            AmiType: amiType,
            Taints: taints,
            Instances: instances));
        if (_cloud.Eks.NodegroupLaunchError(clusterName, doc.Name) is { } launchError)
        {
            // EKS would take the group and fail it (CREATE_FAILED): a world whose nodes cannot launch is bad input.
            throw launchError;
        }

        if (_cloud.Eks.NodegroupCreationIssue(clusterName, doc.Name) is { } issue)
        {
            throw doc.Error("spec.Subnets", $"{issue.Code}: {issue.Message}");
        }

        Nodegroups.Add((clusterName, doc.Name));
        if (DocumentFields.Int(doc, "MaxPods") is { } maxPods)
        {
            MaxPods[doc.Name] = maxPods > 0 ? maxPods : throw doc.Error("spec.MaxPods", $"Invalid value: {maxPods}: must be greater than 0");
        }
        else if (!AmiTypes.IsWindows(amiType) && NodegroupMaxPods.For(_cloud.Eks.DescribeNodegroup(clusterName, doc.Name).InstanceTypes, VpcCniAddonSettings(), _cloud.Ec2Backend.InstanceTypes) is { } computed)
        {
            // EKS's own launch template: with prefix delegation on in the add-on, max pods as EKS computes it. The
            // add-on's prefix delegation is aws-node's, which does not run on Windows nodes.
            MaxPods[doc.Name] = computed;
        }
    }

    /// <summary>
    /// The node group's <c>Taints</c>, as <c>aws eks create-nodegroup --taints</c> takes them in JSON: a list of
    /// <c>{key, value, effect}</c> with EKS's effects (NO_SCHEDULE, NO_EXECUTE, PREFER_NO_SCHEDULE). The kubelet
    /// registers its node with them, so each must be a taint the API server accepts: a label key, a label value, and
    /// one taint per key and effect (ValidateNodeSpecificAnnotations/validateNodeTaints in the API server).
    /// </summary>
    private static List<NodegroupTaint> Taints(WorldDocument doc)
    {
        var list = DocumentFields.Spec(doc)["Taints"] switch
        {
            null => [],
            JsonArray a => a,
            _ => throw doc.Error("spec.Taints", "must be a list of {key, value, effect}, as aws eks create-nodegroup --taints takes them"),
        };
        var taints = new List<NodegroupTaint>();
        for (var i = 0; i < list.Count; i++)
        {
            var path = $"spec.Taints[{i}]";
            if (list[i] is not JsonObject entry)
            {
                throw doc.Error(path, "must be a map with key, value and effect");
            }

            if (entry.Select(p => p.Key).FirstOrDefault(k => k is not ("key" or "value" or "effect")) is { } unknown)
            {
                throw doc.Error($"{path}.{unknown}", "unknown field: a taint has key, value and effect");
            }

            var key = DocumentFields.StringAt(doc, entry["key"], $"{path}.key") ?? throw doc.Error($"{path}.key", "Required value");
            if (LabelValidation.ValidateKey(key) is { } keyError)
            {
                throw doc.Error($"{path}.key", $"Invalid value: \"{key}\": {keyError}");
            }

            var value = DocumentFields.StringAt(doc, entry["value"], $"{path}.value");
            if (value is not null && LabelValidation.ValidateValue(value) is { } valueError)
            {
                throw doc.Error($"{path}.value", $"Invalid value: \"{value}\": {valueError}");
            }

            var effect = DocumentFields.StringAt(doc, entry["effect"], $"{path}.effect") ?? throw doc.Error($"{path}.effect", "Required value");
            if (!NodegroupTaint.Effects.Contains(effect))
            {
                throw doc.Error($"{path}.effect", $"Unsupported value: \"{effect}\": supported values: {string.Join(", ", NodegroupTaint.Effects.Select(e => $"\"{e}\""))}");
            }

            var taint = new NodegroupTaint(key, value, effect);
            if (taints.Any(t => t.Key == key && t.Effect == effect))
            {
                throw doc.Error(path, $"Duplicate value: \"{key}:{taint.KubernetesEffect}\": taints must be unique by key and effect pair");
            }

            taints.Add(taint);
        }

        return taints;
    }

    /// <summary>The VPC CNI's settings as the vpc-cni add-on's version and configuration values (<c>env</c>) make them, now.</summary>
    private CniSettings VpcCniAddonSettings()
    {
        // An IPv6 cluster's add-on starts from EKS's IPv6 settings (prefix delegation among them), under the user's values.
        var env = Clusters.FirstOrDefault()?.KubernetesNetworkConfig.IsIpv6 == true
            ? new Dictionary<string, string>(CniSettings.Ipv6ClusterEnvironment, StringComparer.Ordinal)
            : [];
        if (AddonConfiguration.TryGetValue(VpcCniAddon, out var values) && values["env"] is JsonObject given)
        {
            foreach (var (name, value) in given)
            {
                env[name] = value?.GetValue<string>() ?? string.Empty;
            }
        }

        return CniSettings.FromEnvironment(env, AddonVersions.TryGetValue(VpcCniAddon, out var version) ? $"amazon-k8s-cni:{version}" : null);
    }

    /// <summary>
    /// The release an add-on version names. EKS's add-on versions are <c>vMAJOR.MINOR.PATCH-eksbuild.N</c>
    /// (DescribeAddonVersions); any other text is refused as CreateAddon refuses a version it does not list.
    /// </summary>
    private static CniRelease AddonRelease(WorldDocument doc, string version)
    {
        if (!System.Text.RegularExpressions.Regex.IsMatch(version, @"^v\d+\.\d+\.\d+-eksbuild\.\d+$", System.Text.RegularExpressions.RegexOptions.CultureInvariant)
            || CniRelease.FromTag(version) is not { } release)
        {
            var error = EksErrors.AddonVersionNotSupported();
            throw doc.Error("spec.AddonVersion", $"Invalid value: \"{version}\": {error.Code}: {error.Message} (add-on versions look like v1.11.2-eksbuild.1)");
        }

        return release;
    }

    private List<IpPermission> Permissions(WorldDocument doc, string field)
    {
        var list = DocumentFields.Spec(doc)[field] as JsonArray ?? [];
        var result = new List<IpPermission>();
        for (var i = 0; i < list.Count; i++)
        {
            var path = $"spec.{field}[{i}]";
            if (list[i] is not JsonObject p)
            {
                throw doc.Error(path, "must be an IpPermission (IpProtocol, FromPort, ToPort, IpRanges, …)");
            }

            result.Add(new IpPermission(
                DocumentFields.StringAt(doc, p["IpProtocol"], $"{path}.IpProtocol") ?? throw doc.Error($"{path}.IpProtocol", "Required value"),
                DocumentFields.IntAt(doc, p["FromPort"], $"{path}.FromPort"),
                DocumentFields.IntAt(doc, p["ToPort"], $"{path}.ToPort"),
                [.. Entries(doc, p, path, "IpRanges").Select(r => new IpRange(Required(doc, r.Entry, r.Path, "CidrIp"), DocumentFields.StringAt(doc, r.Entry["Description"], $"{r.Path}.Description")))],
                [.. Entries(doc, p, path, "Ipv6Ranges").Select(r => new Ipv6Range(Required(doc, r.Entry, r.Path, "CidrIpv6"), DocumentFields.StringAt(doc, r.Entry["Description"], $"{r.Path}.Description")))],
                // A list by its ManagedPrefixList document's name or by ID (an AWS-managed list's, or one of a real account).
                [.. Entries(doc, p, path, "PrefixListIds").Select(r => new PrefixListId(
                    Resolve(doc, $"{field}[{i}].PrefixListIds", "ManagedPrefixList", "pl", Required(doc, r.Entry, r.Path, "PrefixListId")),
                    DocumentFields.StringAt(doc, r.Entry["Description"], $"{r.Path}.Description")))],
                [.. Entries(doc, p, path, "UserIdGroupPairs").Select(r => new UserIdGroupPair(
                    Resolve(doc, $"{field}[{i}].UserIdGroupPairs", "SecurityGroup", "sg", Required(doc, r.Entry, r.Path, "GroupId")),
                    Description: DocumentFields.StringAt(doc, r.Entry["Description"], $"{r.Path}.Description")))]));
        }

        return result;
    }

    private string RoleArn(WorldDocument doc, string field, ManagedPolicy[] defaults, string purpose)
    {
        if (DocumentFields.String(doc, field) is { } given)
        {
            if (given.StartsWith("arn:", StringComparison.Ordinal))
            {
                return given;
            }

            return _ids.TryGetValue(("Role", given), out var arn) ? arn : throw doc.Error($"spec.{field}", $"no Role named \"{given}\" in the world");
        }

        // No role given: one with the policies EKS's getting-started guide attaches.
        var role = _cloud.Iam.CreateRole($"{doc.Name}-{purpose}-role");
        foreach (var policy in defaults)
        {
            _cloud.Iam.AttachRolePolicy(role.RoleName, policy.Arn);
        }

        return role.Arn;
    }

    /// <summary>A reference to another world object by name, or an AWS ID used as it is.</summary>
    private string Resolve(WorldDocument doc, string field, string kind, string idPrefix, string? value = null)
    {
        value ??= DocumentFields.RequiredString(doc, field);
        if (kind == "SecurityGroup")
        {
            return SecurityGroupId(doc, $"spec.{field}", value, vpcId: null);
        }

        if (_ids.TryGetValue((kind, value), out var id))
        {
            return id;
        }

        // An AWS-managed list by its name (com.amazonaws.us-west-2.s3), as the aws CLI's users look it up.
        if (kind == "ManagedPrefixList" && AwsManagedPrefixLists.IsReservedName(value)
            && _cloud.Ec2Backend.DescribeManagedPrefixLists(DescribeRequest.Where(new Filter("prefix-list-name", value), new Filter("owner-id", AwsManagedPrefixLists.Owner))) is [var managed])
        {
            return managed.PrefixListId;
        }

        if (value.StartsWith(idPrefix + "-", StringComparison.Ordinal))
        {
            return value;
        }

        throw doc.Error($"spec.{field}", $"no {kind} named \"{value}\" in the world (give a name from the world or an ID such as {idPrefix}-0123456789abcdef0)");
    }

    /// <summary>
    /// Replaces the security group names in the world's SecurityGroupPolicies (<c>spec.securityGroups.groupIds</c>)
    /// and ENIConfigs (<c>spec.securityGroups</c>) with the groups' IDs (<see cref="SecurityGroupId"/>), before they
    /// are applied: the cluster then holds what <c>kubectl apply</c> of the IDs would hold, and the webhook, the
    /// resource controller and ipamd pass EC2 the IDs, as they must. A name means a group of the cluster's VPC.
    /// </summary>
    /// <exception cref="WorldException">A name no group has, naming the file, the object and the field.</exception>
    public void ResolveSecurityGroupNames(IEnumerable<WorldDocument> kubernetesDocuments)
    {
        var vpcId = Clusters.FirstOrDefault()?.ResourcesVpcConfig.VpcId;
        foreach (var doc in kubernetesDocuments)
        {
            // A spec or field of the wrong shape is left for the API server's decoder to refuse as it would.
            var (list, path) = doc switch
            {
                { Kind: "SecurityGroupPolicy" } when doc.ApiVersion.StartsWith("vpcresources.k8s.aws/", StringComparison.Ordinal)
                    => (((doc.Content["spec"] as JsonObject)?["securityGroups"] as JsonObject)?["groupIds"] as JsonArray, "spec.securityGroups.groupIds"),
                { Kind: "ENIConfig" } when doc.ApiVersion.StartsWith("crd.k8s.amazonaws.com/", StringComparison.Ordinal)
                    => ((doc.Content["spec"] as JsonObject)?["securityGroups"] as JsonArray, "spec.securityGroups"),
                _ => (null, string.Empty),
            };
            for (var i = 0; i < (list?.Count ?? 0); i++)
            {
                // Anything but a string is left for the API server's decoder to refuse as it would.
                if (list![i] is JsonValue v && v.TryGetValue<string>(out var value) && SecurityGroupId(doc, $"{path}[{i}]", value, vpcId) is var id && id != value)
                {
                    list[i] = id;
                }
            }
        }
    }

    /// <summary>
    /// The security group a world document names where EC2 expects a group's ID (a SecurityGroupPolicy's
    /// <c>groupIds</c>, an ENIConfig's <c>securityGroups</c>, a rule's <c>GroupId</c>): an ID (<c>sg-…</c>) as it is,
    /// so IDs from a real account work verbatim; else a SecurityGroup document of the world by its name, or a group
    /// of the account by its <c>GroupName</c> as <c>aws ec2 describe-security-groups</c> shows it — which is how a
    /// world names the group EKS made for its cluster, <c>eks-cluster-sg-CLUSTER-NUMBER</c> (its number, like every
    /// generated name and ID, is derived from the world's seed and the cluster's name, so it does not change when
    /// the world grows).
    /// </summary>
    /// <param name="doc">The document that names the group, for the error.</param>
    /// <param name="path">The field that names it, e.g. <c>spec.securityGroups.groupIds[0]</c>.</param>
    /// <param name="value">The ID or name.</param>
    /// <param name="vpcId">The VPC whose groups a name may mean (the cluster's, for pods' groups); null: any.</param>
    /// <exception cref="WorldException">No such group, in EC2's words (<c>InvalidGroup.NotFound: The security group 'x' does not exist in VPC 'vpc-…'</c>), with the groups there are; or a name two groups have.</exception>
    public string SecurityGroupId(WorldDocument doc, string path, string value, string? vpcId)
    {
        if (_ids.TryGetValue(("SecurityGroup", value), out var id))
        {
            return id;
        }

        if (value.StartsWith("sg-", StringComparison.Ordinal))
        {
            return value;
        }

        var groups = _cloud.Ec2Backend.DescribeSecurityGroups().Where(g => vpcId is null || g.VpcId == vpcId).ToList();
        var named = groups.Where(g => g.GroupName == value).ToList();
        if (named.Count == 1)
        {
            return named[0].GroupId;
        }

        if (named.Count > 1)
        {
            throw doc.Error(path, $"Invalid value: \"{value}\": {named.Count} security groups have this name ({string.Join(", ", named.Select(g => $"{g.GroupId} in {g.VpcId}"))}): give the group's ID");
        }

        var missing = vpcId is null ? Ec2Errors.GroupNotFound(value) : Ec2Errors.GroupNotFoundInVpc(value, vpcId);
        var known = string.Join(", ", groups.Select(g => g.GroupName).Order(StringComparer.Ordinal));
        throw doc.Error(path, $"{missing.Code}: {missing.Message} (a group is named by its ID, a SecurityGroup of the world, or its GroupName: {(known.Length == 0 ? "the world has none" : known)})");
    }

    private void Remember(WorldDocument doc, string id)
    {
        if (!_ids.TryAdd((doc.Kind, doc.Name), id))
        {
            throw doc.Error("metadata.name", $"Duplicate value: another {doc.Kind} is named \"{doc.Name}\"");
        }
    }

    /// <summary>The maps of the list <paramref name="list"/> of a permission, each with its path for errors.</summary>
    private static IEnumerable<(JsonObject Entry, string Path)> Entries(WorldDocument doc, JsonObject permission, string path, string list)
        => permission[list] switch
        {
            null => [],
            JsonArray items => items.Select((item, i) => item as JsonObject is { } entry ? (entry, $"{path}.{list}[{i}]") : throw doc.Error($"{path}.{list}[{i}]", "must be a map")),
            _ => throw doc.Error($"{path}.{list}", "must be a list"),
        };

    private static string Required(WorldDocument doc, JsonObject entry, string path, string field)
        => DocumentFields.StringAt(doc, entry[field], $"{path}.{field}") ?? throw doc.Error($"{path}.{field}", "Required value");

    private static IReadOnlyList<Tag> WithName(IReadOnlyList<Tag> tags, string name)
        => tags.Any(t => t.Key == "Name") ? tags : [.. tags, new Tag("Name", name)];

    private static void Run(WorldDocument doc, Action action)
    {
        try
        {
            action();
        }
        catch (AwsException e)
        {
            throw new WorldException($"{doc.Where}: {e.Code}: {e.Message}", e);
        }
    }
}

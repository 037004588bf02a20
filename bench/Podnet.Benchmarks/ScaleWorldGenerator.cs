using System.Globalization;
using System.Text;

namespace Podnet.Benchmarks;

/// <summary>
/// The cluster-scale worlds of issue 9, deterministic: N pods as Deployments of 100 replicas (10 namespaces) on
/// m5.xlarge nodes, 20 pods a node (so N / 20 nodes), in node groups of at most 450 nodes (EKS's quota), over four
/// zones; one private /16 subnet per zone from the VPC's secondary CIDR blocks, so addresses never run out. Variants:
/// <list type="bullet">
/// <item><c>plain</c>: the VPC CNI's defaults (WARM_ENI_TARGET=1);</item>
/// <item><c>sg</c>: ENABLE_POD_ENI, and half the Deployments (label <c>role: sg</c>) matched by a SecurityGroupPolicy
/// in each namespace: their pods run on branch interfaces (m5.xlarge has 18);</item>
/// <item><c>custom</c>: custom networking, an ENIConfig per zone (named after it) with a pod subnet of its own;</item>
/// <item><c>nodes</c>: N is the number of nodes, which run only the cluster's own pods (aws-node and kube-proxy on each,
/// CoreDNS): how the control plane grows with nodes rather than pods.</item>
/// </list>
/// </summary>
public static class ScaleWorldGenerator
{
    public static readonly string[] Variants = ["plain", "sg", "custom", "nodes"];

    private const int PodsPerNode = 20;
    private const int NodesPerGroup = 450;
    private const int ReplicasPerDeployment = 100;
    private const int Namespaces = 10;
    private static readonly string[] Zones = ["us-west-2a", "us-west-2b", "us-west-2c", "us-west-2d"];

    /// <summary>The pod subnet of zone <paramref name="zone"/> (custom networking), by ID: an ENIConfig names subnets by ID.</summary>
    private static string PodSubnetId(int zone) => $"subnet-0c0ffee0000000{zone:x3}";

    /// <summary>How many nodes carry <paramref name="pods"/> pods.</summary>
    public static int Nodes(int pods) => Math.Max(2, (pods + PodsPerNode - 1) / PodsPerNode);

    /// <summary>The world as one multi-document YAML text: <paramref name="pods"/> pods, or nodes for the <c>nodes</c> variant.</summary>
    /// <exception cref="ArgumentException">An unknown variant.</exception>
    public static string Yaml(string variant, int pods)
    {
        if (!Variants.Contains(variant))
        {
            throw new ArgumentException($"unknown variant {variant}: {string.Join(", ", Variants)}", nameof(variant));
        }

        var text = new StringBuilder();
        void Doc(string yaml) => text.Append(yaml.TrimEnd('\n')).Append("\n---\n");
        string I(int value) => value.ToString(CultureInfo.InvariantCulture);

        // A VPC holds five CIDR blocks. Node subnets: 10.<1+z>.0.0/16 (pods take their addresses there); with custom
        // networking the pods' subnets take the secondary blocks, 100.<64+z>.0.0/16, and the nodes' subnets (one
        // address a node) are /18s of the primary block.
        var custom = variant == "custom";
        var secondary = Zones.Select((_, z) => custom ? $"100.{I(64 + z)}.0.0/16" : $"10.{I(1 + z)}.0.0/16").ToList();
        string NodeSubnet(int z) => custom ? $"10.0.{I(64 * z)}.0/18" : $"10.{I(1 + z)}.0.0/16";

        Doc($$"""
            apiVersion: aws.podnet.dev/v1alpha1
            kind: Vpc
            metadata: {name: scale-vpc}
            spec:
              CidrBlock: 10.0.0.0/16
              SecondaryCidrBlocks: [{{string.Join(", ", secondary)}}]
            """);
        for (var z = 0; z < Zones.Length; z++)
        {
            Doc($$"""
                apiVersion: aws.podnet.dev/v1alpha1
                kind: Subnet
                metadata: {name: private-{{Zones[z]}}}
                spec: {Vpc: scale-vpc, CidrBlock: {{NodeSubnet(z)}}, AvailabilityZone: {{Zones[z]}}}
                """);
            if (variant == "custom")
            {
                Doc($$"""
                    apiVersion: aws.podnet.dev/v1alpha1
                    kind: Subnet
                    metadata: {name: pods-{{Zones[z]}}}
                    spec: {Vpc: scale-vpc, SubnetId: {{PodSubnetId(z)}}, CidrBlock: 100.{{I(64 + z)}}.0.0/16, AvailabilityZone: {{Zones[z]}}}
                    """);
            }
        }

        Doc($$"""
            apiVersion: aws.podnet.dev/v1alpha1
            kind: Cluster
            metadata: {name: scale}
            spec:
              Version: "1.31"
              Subnets: [{{string.Join(", ", Zones.Select(z => $"private-{z}"))}}]
            """);
        var nodes = variant == "nodes" ? pods : Nodes(pods);
        for (var group = 0; group * NodesPerGroup < nodes; group++)
        {
            var size = Math.Min(NodesPerGroup, nodes - (group * NodesPerGroup));
            Doc($$"""
                apiVersion: aws.podnet.dev/v1alpha1
                kind: NodeGroup
                metadata: {name: ng-{{I(group)}}}
                spec:
                  Cluster: scale
                  InstanceTypes: [m5.xlarge]
                  Subnets: [{{string.Join(", ", Zones.Select(z => $"private-{z}"))}}]
                  DesiredSize: {{I(size)}}
                  MinSize: {{I(size)}}
                  MaxSize: {{I(size)}}
                """);
        }

        switch (variant)
        {
            case "sg":
                Doc("""
                    apiVersion: aws.podnet.dev/v1alpha1
                    kind: Addon
                    metadata: {name: vpc-cni}
                    spec:
                      ConfigurationValues:
                        env: {ENABLE_POD_ENI: "true"}
                    """);
                Doc("""
                    apiVersion: aws.podnet.dev/v1alpha1
                    kind: SecurityGroup
                    metadata: {name: pods}
                    spec:
                      Vpc: scale-vpc
                      GroupId: sg-0a11b22c33d44e55f
                      Description: Pods with security groups
                      IpPermissions:
                      - IpProtocol: "-1"
                        UserIdGroupPairs: [{GroupId: pods}]
                    """);
                break;
            case "custom":
                Doc("""
                    apiVersion: aws.podnet.dev/v1alpha1
                    kind: Addon
                    metadata: {name: vpc-cni}
                    spec:
                      ConfigurationValues:
                        env: {AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG: "true", ENI_CONFIG_LABEL_DEF: topology.kubernetes.io/zone}
                    """);
                for (var z = 0; z < Zones.Length; z++)
                {
                    Doc($$"""
                        apiVersion: crd.k8s.amazonaws.com/v1alpha1
                        kind: ENIConfig
                        metadata: {name: {{Zones[z]}}}
                        spec: {subnet: {{PodSubnetId(z)}}}
                        """);
                }

                break;
        }

        var deployments = variant == "nodes" ? 0 : (pods + ReplicasPerDeployment - 1) / ReplicasPerDeployment;
        for (var ns = 0; ns < Math.Min(Namespaces, deployments); ns++)
        {
            Doc($$"""
                apiVersion: v1
                kind: Namespace
                metadata: {name: team-{{I(ns)}}}
                """);
            if (variant == "sg")
            {
                Doc($$"""
                    apiVersion: vpcresources.k8s.aws/v1beta1
                    kind: SecurityGroupPolicy
                    metadata: {name: sg-pods, namespace: team-{{I(ns)}}}
                    spec:
                      podSelector: {matchLabels: {role: sg} }
                      securityGroups: {groupIds: [sg-0a11b22c33d44e55f]}
                    """);
            }
        }

        for (var d = 0; d < deployments; d++)
        {
            var replicas = Math.Min(ReplicasPerDeployment, pods - (d * ReplicasPerDeployment));
            var role = variant == "sg" && d % 2 == 0 ? "sg" : "plain";
            Doc($$"""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: app-{{I(d)}}, namespace: team-{{I(d % Namespaces)}}}
                spec:
                  replicas: {{I(replicas)}}
                  selector: {matchLabels: {app: app-{{I(d)}} } }
                  template:
                    metadata: {labels: {app: app-{{I(d)}}, role: {{role}} } }
                    spec:
                      containers:
                      - name: app
                        image: public.ecr.aws/nginx/nginx:1.27
                        ports: [{containerPort: 80}]
                        resources: {requests: {cpu: 10m, memory: 16Mi} }
                """);
        }

        return text.ToString(0, text.Length - "---\n".Length);
    }
}

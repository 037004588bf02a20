using Podnet.Aws.Ec2;

namespace Podnet.Aws.CloudFormation;

/// <summary>
/// The Amazon EKS sample VPC template, <c>amazon-eks-vpc-private-subnets.yaml</c> of 2020-10-29 ("Amazon EKS Sample
/// VPC - Private and Public subnets"; Amazon EKS User Guide, "Creating a VPC for your Amazon EKS cluster", and seed
/// 003's custom networking walkthrough): its parameters and defaults, its resources with their logical IDs,
/// properties and dependencies (<c>DependsOn</c> and <c>Ref</c>/<c>GetAtt</c>), and its Outputs, carried out through
/// the EC2 backend as CloudFormation's resource handlers would. Subnets go to the region's first and second zones
/// (<c>Fn::Select ['0'|'1', Fn::GetAZs AWS::Region]</c>).
/// </summary>
internal static class EksVpcTemplate
{
    /// <summary>Where AWS publishes the template: the path-style URL the EKS guide uses now, and the virtual-hosted one it used before.</summary>
    public static readonly IReadOnlyList<string> Urls =
    [
        "https://s3.us-west-2.amazonaws.com/amazon-eks/cloudformation/2020-10-29/amazon-eks-vpc-private-subnets.yaml",
        "https://amazon-eks.s3.us-west-2.amazonaws.com/cloudformation/2020-10-29/amazon-eks-vpc-private-subnets.yaml",
    ];

    public const string Description = "Amazon EKS Sample VPC - Private and Public subnets";

    /// <summary>The parameters, in the template's order, with their defaults.</summary>
    public static readonly IReadOnlyList<StackParameter> Parameters =
    [
        new("VpcBlock", "192.168.0.0/16"),
        new("PublicSubnet01Block", "192.168.0.0/18"),
        new("PublicSubnet02Block", "192.168.64.0/18"),
        new("PrivateSubnet01Block", "192.168.128.0/18"),
        new("PrivateSubnet02Block", "192.168.192.0/18"),
    ];

    /// <summary>
    /// How long each kind of resource takes CloudFormation to create. AWS publishes no figures; these follow what
    /// stack events commonly show (seconds for most EC2 resources, ~15 s for gateway attachments), and a NAT
    /// gateway takes as long as EC2 keeps it pending.
    /// </summary>
    private static TimeSpan CreateDuration(string type) => type switch
    {
        "AWS::EC2::NatGateway" => Ec2Backend.NatGatewayCreateDuration,
        "AWS::EC2::InternetGateway" or "AWS::EC2::VPCGatewayAttachment" => TimeSpan.FromSeconds(15),
        "AWS::EC2::VPC" or "AWS::EC2::RouteTable" or "AWS::EC2::Route" => TimeSpan.FromSeconds(10),
        _ => TimeSpan.FromSeconds(5),
    };

    /// <summary>The template's resources, each after everything it depends on (the order CloudFormation may create them in).</summary>
    public static readonly IReadOnlyList<TemplateResource> Resources =
    [
        new("VPC", "AWS::EC2::VPC", [], c => c.Ec2.CreateVpc(new CreateVpcRequest(c.Parameter("VpcBlock"), c.Tags("VPC", ("Name", $"{c.StackName}-VPC")))).VpcId, (c, id) => c.Ec2.DeleteVpc(id)),
        new("InternetGateway", "AWS::EC2::InternetGateway", [], c => c.Ec2.CreateInternetGateway(c.Tags("InternetGateway")).InternetGatewayId, (c, id) => c.Ec2.DeleteInternetGateway(id)),
        new(
            "VPCGatewayAttachment",
            "AWS::EC2::VPCGatewayAttachment",
            ["InternetGateway", "VPC"],
            c =>
            {
                c.Ec2.AttachInternetGateway(c.Ref("InternetGateway"), c.Ref("VPC"));
                return $"IGW|{c.Ref("VPC")}";
            },
            (c, _) => c.Ec2.DetachInternetGateway(c.Ref("InternetGateway"), c.Ref("VPC"))),
        RouteTable("PublicRouteTable", "Public Subnets", "Public"),
        RouteTable("PrivateRouteTable01", "Private Subnet AZ1", "Private01"),
        RouteTable("PrivateRouteTable02", "Private Subnet AZ2", "Private02"),
        Subnet("PublicSubnet01", 0, "PublicSubnet01Block", "kubernetes.io/role/elb", mapPublicIp: true),
        Subnet("PublicSubnet02", 1, "PublicSubnet02Block", "kubernetes.io/role/elb", mapPublicIp: true),
        Subnet("PrivateSubnet01", 0, "PrivateSubnet01Block", "kubernetes.io/role/internal-elb", mapPublicIp: false),
        Subnet("PrivateSubnet02", 1, "PrivateSubnet02Block", "kubernetes.io/role/internal-elb", mapPublicIp: false),
        Route("PublicRoute", "PublicRouteTable", ["VPCGatewayAttachment", "InternetGateway"], c => new CreateRouteRequest(c.Ref("PublicRouteTable"), "0.0.0.0/0", GatewayId: c.Ref("InternetGateway"))),
        Eip("NatGatewayEIP1"),
        Eip("NatGatewayEIP2"),
        NatGateway("NatGateway01", "NatGatewayEIP1", "PublicSubnet01", "NatGatewayAZ1"),
        NatGateway("NatGateway02", "NatGatewayEIP2", "PublicSubnet02", "NatGatewayAZ2"),
        Route("PrivateRoute01", "PrivateRouteTable01", ["VPCGatewayAttachment", "NatGateway01"], c => new CreateRouteRequest(c.Ref("PrivateRouteTable01"), "0.0.0.0/0", NatGatewayId: c.Ref("NatGateway01"))),
        Route("PrivateRoute02", "PrivateRouteTable02", ["VPCGatewayAttachment", "NatGateway02"], c => new CreateRouteRequest(c.Ref("PrivateRouteTable02"), "0.0.0.0/0", NatGatewayId: c.Ref("NatGateway02"))),
        Association("PublicSubnet01RouteTableAssociation", "PublicSubnet01", "PublicRouteTable"),
        Association("PublicSubnet02RouteTableAssociation", "PublicSubnet02", "PublicRouteTable"),
        Association("PrivateSubnet01RouteTableAssociation", "PrivateSubnet01", "PrivateRouteTable01"),
        Association("PrivateSubnet02RouteTableAssociation", "PrivateSubnet02", "PrivateRouteTable02"),
        new(
            "ControlPlaneSecurityGroup",
            "AWS::EC2::SecurityGroup",
            ["VPC"],
            c => c.Ec2.CreateSecurityGroup(new CreateSecurityGroupRequest(c.GeneratedName("ControlPlaneSecurityGroup"), "Cluster communication with worker nodes", c.Ref("VPC"), c.Tags("ControlPlaneSecurityGroup"))),
            (c, id) => c.Ec2.DeleteSecurityGroup(id)),
    ];

    /// <summary>The template's Outputs, resolved against the stack's resources.</summary>
    public static IReadOnlyList<StackOutput> Outputs(Func<string, string> reference) =>
    [
        new("SubnetIds", string.Join(',', reference("PublicSubnet01"), reference("PublicSubnet02"), reference("PrivateSubnet01"), reference("PrivateSubnet02")), "Subnets IDs in the VPC"),
        new("SecurityGroups", reference("ControlPlaneSecurityGroup"), "Security group for the cluster control plane communication with worker nodes"),
        new("VpcId", reference("VPC"), "The VPC Id"),
    ];

    public static TimeSpan DurationOf(TemplateResource resource) => CreateDuration(resource.Type);

    private static TemplateResource RouteTable(string logicalId, string name, string network) => new(
        logicalId,
        "AWS::EC2::RouteTable",
        ["VPC"],
        c => c.Ec2.CreateRouteTable(c.Ref("VPC"), c.Tags(logicalId, ("Name", name), ("Network", network))).RouteTableId,
        (c, id) => c.Ec2.DeleteRouteTable(id));

    private static TemplateResource Subnet(string logicalId, int zoneIndex, string blockParameter, string roleTag, bool mapPublicIp) => new(
        logicalId,
        "AWS::EC2::Subnet",
        ["VPC"],
        c => c.Ec2.CreateSubnet(new CreateSubnetRequest(
            c.Ref("VPC"),
            c.Parameter(blockParameter),
            AvailabilityZone: c.Ec2.Options.Zones[zoneIndex],
            Tags: c.Tags(logicalId, ("Name", $"{c.StackName}-{logicalId}"), (roleTag, "1")),
            MapPublicIpOnLaunch: mapPublicIp)).SubnetId,
        (c, id) => c.Ec2.DeleteSubnet(id));

    private static TemplateResource Route(string logicalId, string table, IReadOnlyList<string> dependsOn, Func<TemplateContext, CreateRouteRequest> request) => new(
        logicalId,
        "AWS::EC2::Route",
        [table, .. dependsOn],
        c =>
        {
            var route = request(c);
            c.Ec2.CreateRoute(route);
            return $"{route.RouteTableId}|{route.DestinationCidrBlock}";
        },
        (c, id) => c.Ec2.DeleteRoute(id[..id.IndexOf('|', StringComparison.Ordinal)], id[(id.IndexOf('|', StringComparison.Ordinal) + 1)..]));

    // Ref of an AWS::EC2::EIP is its address; the allocation ID is GetAtt AllocationId (AWS::EC2::EIP "Return values").
    private static TemplateResource Eip(string logicalId) => new(
        logicalId,
        "AWS::EC2::EIP",
        ["VPCGatewayAttachment"],
        c =>
        {
            var address = c.Ec2.AllocateAddress("vpc", c.Tags(logicalId));
            c.SetAttribute(logicalId, "AllocationId", address.AllocationId);
            return address.PublicIp;
        },
        (c, _) => c.Ec2.ReleaseAddress(c.Attribute(logicalId, "AllocationId")));

    private static TemplateResource NatGateway(string logicalId, string eip, string subnet, string nameSuffix) => new(
        logicalId,
        "AWS::EC2::NatGateway",
        [eip, subnet, "VPCGatewayAttachment"],
        c => c.Ec2.CreateNatGateway(new CreateNatGatewayRequest(c.Ref(subnet), c.Attribute(eip, "AllocationId"), c.Tags(logicalId, ("Name", $"{c.StackName}-{nameSuffix}")))).NatGatewayId,
        (c, id) => c.Ec2.DeleteNatGateway(id))
    {
        // CloudFormation's handler waits for the gateway to be deleted, which its subnet and Elastic IP need.
        IsDeleted = (c, id) => c.Ec2.DescribeNatGateways(DescribeRequest.ForIds(id))[0].State == "deleted",
    };

    private static TemplateResource Association(string logicalId, string subnet, string table) => new(
        logicalId,
        "AWS::EC2::SubnetRouteTableAssociation",
        [subnet, table],
        c => c.Ec2.AssociateRouteTable(c.Ref(table), c.Ref(subnet)),
        (c, id) => c.Ec2.DisassociateRouteTable(id));
}

/// <summary>
/// One resource of a template: its logical ID and type, the resources it needs first, and how CloudFormation's
/// handler makes it (returning its physical ID) and deletes it.
/// </summary>
internal sealed record TemplateResource(
    string LogicalId,
    string Type,
    IReadOnlyList<string> DependsOn,
    Func<TemplateContext, string> Create,
    Action<TemplateContext, string> Delete)
{
    /// <summary>For a resource whose deletion takes time: whether EC2 has finished it; null when Delete finishes it.</summary>
    public Func<TemplateContext, string, bool>? IsDeleted { get; init; }
}

/// <summary>What a resource handler sees: EC2, the stack's name, parameters, and the physical IDs and attributes made so far.</summary>
internal sealed class TemplateContext(Ec2Backend ec2, string stackName, string stackId, IReadOnlyDictionary<string, string> parameters, IReadOnlyList<StackTag> stackTags, ResourceIdGenerator ids)
{
    private readonly Dictionary<string, string> _attributes = new(StringComparer.Ordinal);

    public Ec2Backend Ec2 { get; } = ec2;

    public string StackName { get; } = stackName;

    /// <summary>Physical IDs by logical ID, as <c>Ref</c> resolves them.</summary>
    public Dictionary<string, string> PhysicalIds { get; } = new(StringComparer.Ordinal);

    public string Parameter(string key) => parameters[key];

    public string Ref(string logicalId) => PhysicalIds[logicalId];

    public string Attribute(string logicalId, string name) => _attributes[$"{logicalId}.{name}"];

    public void SetAttribute(string logicalId, string name, string value) => _attributes[$"{logicalId}.{name}"] = value;

    /// <summary>
    /// The tags CloudFormation puts on a resource: the template's, the stack's, and its own
    /// <c>aws:cloudformation:stack-name</c>, <c>…:logical-id</c>, <c>…:stack-id</c> (AWS::CloudFormation "Resource tag").
    /// </summary>
    public IReadOnlyList<Tag> Tags(string logicalId, params (string Key, string Value)[] templateTags)
    {
        var tags = templateTags.Select(t => new Tag(t.Key, t.Value)).ToList();
        tags.AddRange(stackTags.Where(s => !tags.Exists(t => t.Key == s.Key)).Select(s => new Tag(s.Key, s.Value)));
        tags.Add(new Tag("aws:cloudformation:stack-name", StackName));
        tags.Add(new Tag("aws:cloudformation:logical-id", logicalId));
        tags.Add(new Tag("aws:cloudformation:stack-id", stackId));
        return tags;
    }

    /// <summary>
    /// A name CloudFormation generates for a resource the template does not name: stack, logical ID, and a suffix
    /// of 13 characters (random on AWS; here derived from the stack and logical ID, so it is stable).
    /// </summary>
    public string GeneratedName(string logicalId)
        => $"{StackName}-{logicalId}-{ids.Hex("cloudformation-name", $"{StackName}|{logicalId}", 13).ToUpperInvariant()}";
}

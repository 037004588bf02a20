using Podnet.Aws.Ec2;
using Podnet.Tests.TestSupport;
using Podnet.World;

namespace Podnet.Tests.World;

/// <summary>
/// The world kinds InternetGateway, EgressOnlyInternetGateway, NatGateway, RouteTable and VpcEndpoint (the aws CLI's
/// field names), the default world's routes (eksctl's), and the tables of a fresh EKS VPC for a world that declares
/// none (with eksctl's IPv6 routes for a dual-stack VPC).
/// </summary>
public class RouteDocumentsTests
{
    private const string Vpc = """
        apiVersion: aws.podnet.dev/v1alpha1
        kind: Vpc
        metadata: {name: v}
        spec: {CidrBlock: 10.0.0.0/16, SecondaryCidrBlocks: [100.64.0.0/16]}
        ---
        apiVersion: aws.podnet.dev/v1alpha1
        kind: Subnet
        metadata: {name: public-a}
        spec: {Vpc: v, CidrBlock: 10.0.0.0/24, AvailabilityZone: us-west-2a, MapPublicIpOnLaunch: true}
        ---
        apiVersion: aws.podnet.dev/v1alpha1
        kind: Subnet
        metadata: {name: private-a}
        spec: {Vpc: v, CidrBlock: 10.0.1.0/24, AvailabilityZone: us-west-2a}
        ---
        apiVersion: aws.podnet.dev/v1alpha1
        kind: Subnet
        metadata: {name: private-b}
        spec: {Vpc: v, CidrBlock: 10.0.2.0/24, AvailabilityZone: us-west-2b}
        ---
        apiVersion: aws.podnet.dev/v1alpha1
        kind: Subnet
        metadata: {name: pods-a}
        spec: {Vpc: v, CidrBlock: 100.64.0.0/19, AvailabilityZone: us-west-2a}

        """;

    private const string Igw = """
        ---
        apiVersion: aws.podnet.dev/v1alpha1
        kind: InternetGateway
        metadata: {name: igw}
        spec: {Attachments: [{VpcId: v}]}

        """;

    private static Ec2Backend Load(string text) => WorldLoader.Load([new WorldSource("w.yaml", text)]).Cloud!.Ec2Backend;

    private static string SubnetId(Ec2Backend ec2, string name)
        => ec2.DescribeSubnets(DescribeRequest.Where(new Filter("tag:Name", name)))[0].SubnetId;

    private static string Target(Ec2Backend ec2, string subnet, string destination = "0.0.0.0/0")
    {
        var route = ec2.RouteTableOfSubnet(SubnetId(ec2, subnet)).Routes.SingleOrDefault(r => r.DestinationCidrBlock == destination);
        return route is null ? "none" : route.NatGatewayId ?? route.GatewayId!;
    }

    [Fact]
    public void DefaultWorld_HasEksctlsRoutes_PublicToTheInternetGateway_PrivateToOneNatGateway()
    {
        var ec2 = WorldLoader.LoadDefault().Cloud!.Ec2Backend;
        var igw = Assert.Single(ec2.DescribeInternetGateways());
        var nat = Assert.Single(ec2.DescribeNatGateways());

        Assert.Equal(("available", SubnetId(ec2, "public-us-west-2a")), (nat.State, nat.SubnetId));
        Assert.Equal(igw.InternetGatewayId, Target(ec2, "public-us-west-2a"));
        Assert.Equal(igw.InternetGatewayId, Target(ec2, "public-us-west-2b"));
        Assert.Equal(nat.NatGatewayId, Target(ec2, "private-us-west-2a"));
        Assert.Equal(nat.NatGatewayId, Target(ec2, "private-us-west-2b"));
        var main = Assert.Single(ec2.DescribeRouteTables(DescribeRequest.Where(new Filter("association.main", "true"))));
        Assert.Equal([("192.168.0.0/16", "local")], main.Routes.Select(r => (r.DestinationCidrBlock, r.GatewayId)));
        Assert.Equal(4, ec2.DescribeRouteTables().Count);
    }

    [Fact]
    public void WorldWithoutRoutes_GetsAFreshEksVpcsTables_SecondaryBlockSubnetsKeepTheMainTable()
    {
        var ec2 = Load(Vpc);
        var igw = Assert.Single(ec2.DescribeInternetGateways()).InternetGatewayId;
        var nat = Assert.Single(ec2.DescribeNatGateways());

        Assert.Equal(("available", SubnetId(ec2, "public-a")), (nat.State, nat.SubnetId));
        Assert.Equal(igw, Target(ec2, "public-a"));
        Assert.Equal(nat.NatGatewayId, Target(ec2, "private-a"));

        // No public subnet in us-west-2b: its private subnet takes the first public subnet's NAT gateway.
        Assert.Equal(nat.NatGatewayId, Target(ec2, "private-b"));
        Assert.Equal("none", Target(ec2, "pods-a"));
        Assert.Contains(ec2.RouteTableOfSubnet(SubnetId(ec2, "pods-a")).Associations, a => a.Main);
    }

    [Fact]
    public void WorldWithoutPublicSubnet_HasNoNatGateway_ItsSubnetsNoWayOut()
    {
        var ec2 = Load(Vpc.Replace(", MapPublicIpOnLaunch: true", string.Empty, StringComparison.Ordinal));

        Assert.Empty(ec2.DescribeNatGateways());
        Assert.Equal("none", Target(ec2, "private-a"));
    }

    private const string DualStackVpc = """
        apiVersion: aws.podnet.dev/v1alpha1
        kind: Vpc
        metadata: {name: v}
        spec: {CidrBlock: 10.0.0.0/16, AmazonProvidedIpv6CidrBlock: true, Ipv6CidrBlock: "2600:1f14:a11:5e00::/56"}
        ---
        apiVersion: aws.podnet.dev/v1alpha1
        kind: Subnet
        metadata: {name: public-a}
        spec: {Vpc: v, CidrBlock: 10.0.0.0/24, Ipv6CidrBlock: "2600:1f14:a11:5e00::/64", AvailabilityZone: us-west-2a, MapPublicIpOnLaunch: true}
        ---
        apiVersion: aws.podnet.dev/v1alpha1
        kind: Subnet
        metadata: {name: private-a}
        spec: {Vpc: v, CidrBlock: 10.0.1.0/24, Ipv6CidrBlock: "2600:1f14:a11:5e01::/64", AvailabilityZone: us-west-2a}

        """;

    private static Route Ipv6Default(Ec2Backend ec2, string subnet)
        => Assert.Single(ec2.RouteTableOfSubnet(SubnetId(ec2, subnet)).Routes, r => r.DestinationIpv6CidrBlock == "::/0");

    [Fact]
    public void DualStackWorldWithoutRoutes_GetsEksctlsIpv6Routes_PublicToTheInternetGateway_PrivateToAnEgressOnlyGateway()
    {
        var ec2 = Load(DualStackVpc);
        var igw = Assert.Single(ec2.DescribeInternetGateways()).InternetGatewayId;
        var eigw = Assert.Single(ec2.DescribeEgressOnlyInternetGateways());

        Assert.Equal(new Tag("Name", "v/EgressOnlyInternetGateway"), Assert.Single(eigw.Tags));
        Assert.Equal(igw, Ipv6Default(ec2, "public-a").GatewayId);
        Assert.Equal(eigw.EgressOnlyInternetGatewayId, Ipv6Default(ec2, "private-a").EgressOnlyInternetGatewayId);
        Assert.Equal(Assert.Single(ec2.DescribeNatGateways()).NatGatewayId, Target(ec2, "private-a"));
        var main = Assert.Single(ec2.DescribeRouteTables(DescribeRequest.Where(new Filter("association.main", "true"))));
        Assert.Equal([("10.0.0.0/16", "local"), ("2600:1f14:a11:5e00::/56", "local")], main.Routes.Select(r => (r.Destination, r.GatewayId)));
    }

    [Fact]
    public void EgressOnlyInternetGateway_AndIpv6Routes_WithTheCliFieldNames()
    {
        var ec2 = Load(DualStackVpc + Igw + """
            ---
            apiVersion: aws.podnet.dev/v1alpha1
            kind: EgressOnlyInternetGateway
            metadata: {name: eigw}
            spec: {EgressOnlyInternetGatewayId: eigw-0a1b2c3d4e5f60718, Attachments: [{VpcId: v}], Tags: {team: net}}
            ---
            apiVersion: aws.podnet.dev/v1alpha1
            kind: RouteTable
            metadata: {name: private}
            spec:
              VpcId: v
              Routes:
              - {DestinationIpv6CidrBlock: "2600:1f14:a11:5e00::/56", GatewayId: local}
              - {DestinationIpv6CidrBlock: "::/0", EgressOnlyInternetGatewayId: eigw}
              Associations: [{SubnetId: private-a}]
            ---
            apiVersion: aws.podnet.dev/v1alpha1
            kind: RouteTable
            metadata: {name: public}
            spec:
              VpcId: v
              Routes: [{DestinationIpv6CidrBlock: "::/0", GatewayId: igw}]
              Associations: [{SubnetId: public-a}]
            """);

        var eigw = Assert.Single(ec2.DescribeEgressOnlyInternetGateways());
        Assert.Equal("eigw-0a1b2c3d4e5f60718", eigw.EgressOnlyInternetGatewayId);
        Assert.Equal(new InternetGatewayAttachment(ec2.DescribeVpcs()[0].VpcId, "attached"), Assert.Single(eigw.Attachments));
        Assert.Contains(new Tag("team", "net"), eigw.Tags);
        Assert.Equal(new Route(null, null, null, "CreateRoute", "active", DestinationIpv6CidrBlock: "::/0", EgressOnlyInternetGatewayId: "eigw-0a1b2c3d4e5f60718"), Ipv6Default(ec2, "private-a"));
        Assert.Equal(Assert.Single(ec2.DescribeInternetGateways()).InternetGatewayId, Ipv6Default(ec2, "public-a").GatewayId);
        Assert.Empty(ec2.DescribeNatGateways());
    }

    [Fact]
    public void RouteTable_WithTheCliFieldNames_RoutesAndAssociates()
    {
        var ec2 = Load(Vpc + Igw + """
            ---
            apiVersion: aws.podnet.dev/v1alpha1
            kind: NatGateway
            metadata: {name: nat}
            spec: {SubnetId: public-a, ConnectivityType: public}
            ---
            apiVersion: aws.podnet.dev/v1alpha1
            kind: RouteTable
            metadata: {name: public}
            spec:
              VpcId: v
              Routes:
              - {DestinationCidrBlock: 10.0.0.0/16, GatewayId: local}
              - {DestinationCidrBlock: 0.0.0.0/0, GatewayId: igw}
              Associations: [{SubnetId: public-a}]
            ---
            apiVersion: aws.podnet.dev/v1alpha1
            kind: RouteTable
            metadata: {name: main}
            spec:
              VpcId: v
              Routes: [{DestinationCidrBlock: 0.0.0.0/0, NatGatewayId: nat}]
              Associations: [{Main: true}]
            """);
        var nat = Assert.Single(ec2.DescribeNatGateways()).NatGatewayId;
        var igw = Assert.Single(ec2.DescribeInternetGateways()).InternetGatewayId;

        Assert.Equal(igw, Target(ec2, "public-a"));

        // The main table is the VPC's own: every subnet not named elsewhere routes through it.
        Assert.Equal(nat, Target(ec2, "private-a"));
        Assert.Equal(nat, Target(ec2, "pods-a"));
        Assert.Equal(2, ec2.DescribeRouteTables().Count);
    }

    [Fact]
    public void RouteDocuments_WithTheirIds_KeepThem_TheMainTableAndTheNatGatewaysAddressToo()
    {
        // As `podnet snapshot` writes an account's routes: every ID, association and address as EC2 described them.
        var ec2 = Load(Vpc + """
            ---
            apiVersion: aws.podnet.dev/v1alpha1
            kind: InternetGateway
            metadata: {name: igw-0a1b2c3d4e5f60718}
            spec: {InternetGatewayId: igw-0a1b2c3d4e5f60718, Attachments: [{VpcId: v}]}
            ---
            apiVersion: aws.podnet.dev/v1alpha1
            kind: NatGateway
            metadata: {name: nat-0123456789abcdef0}
            spec:
              NatGatewayId: nat-0123456789abcdef0
              SubnetId: public-a
              ConnectivityType: public
              NatGatewayAddresses:
              - {AllocationId: eipalloc-0fedcba9876543210, PublicIp: 198.51.100.7, PrivateIp: 10.0.0.100, NetworkInterfaceId: eni-0aaaabbbbccccdddd}
            ---
            apiVersion: aws.podnet.dev/v1alpha1
            kind: RouteTable
            metadata: {name: rtb-0000000000000000a}
            spec:
              RouteTableId: rtb-0000000000000000a
              VpcId: v
              Routes: [{DestinationCidrBlock: 0.0.0.0/0, GatewayId: igw-0a1b2c3d4e5f60718}]
              Associations: [{SubnetId: public-a, RouteTableAssociationId: rtbassoc-0000000000000000b}]
            ---
            apiVersion: aws.podnet.dev/v1alpha1
            kind: RouteTable
            metadata: {name: rtb-0000000000000000c}
            spec:
              RouteTableId: rtb-0000000000000000c
              VpcId: v
              Routes: [{DestinationCidrBlock: 0.0.0.0/0, NatGatewayId: nat-0123456789abcdef0}]
              Associations: [{Main: true, RouteTableAssociationId: rtbassoc-0000000000000000d}]
            """);

        Assert.Equal("igw-0a1b2c3d4e5f60718", Assert.Single(ec2.DescribeInternetGateways()).InternetGatewayId);
        var nat = Assert.Single(ec2.DescribeNatGateways());
        Assert.Equal(
            ("nat-0123456789abcdef0", "available", "eipalloc-0fedcba9876543210", "198.51.100.7", "10.0.0.100", "eni-0aaaabbbbccccdddd"),
            (nat.NatGatewayId, nat.State, nat.NatGatewayAddresses[0].AllocationId, nat.NatGatewayAddresses[0].PublicIp, nat.NatGatewayAddresses[0].PrivateIp, nat.NatGatewayAddresses[0].NetworkInterfaceId));
        Assert.Equal(
            ["rtb-0000000000000000a 0.0.0.0/0→igw-0a1b2c3d4e5f60718 rtbassoc-0000000000000000b:" + SubnetId(ec2, "public-a"),
             "rtb-0000000000000000c 0.0.0.0/0→nat-0123456789abcdef0 rtbassoc-0000000000000000d:main"],
            ec2.DescribeRouteTables().OrderBy(t => t.RouteTableId, StringComparer.Ordinal).Select(t =>
                $"{t.RouteTableId} {string.Join(",", t.Routes.Where(r => r.GatewayId != "local").Select(r => $"{r.DestinationCidrBlock}→{r.NatGatewayId ?? r.GatewayId}"))} {string.Join(",", t.Associations.Select(a => $"{a.RouteTableAssociationId}:{a.SubnetId ?? "main"}"))}"));

        // The given main table is the VPC's: a subnet no table names routes through it.
        Assert.Equal("rtb-0000000000000000c", ec2.RouteTableOfSubnet(SubnetId(ec2, "private-b")).RouteTableId);

        // Generated IDs never repeat a given one.
        Assert.NotEqual("rtb-0000000000000000a", ec2.CreateRouteTable(ec2.DescribeVpcs()[0].VpcId).RouteTableId);
    }

    [Theory]
    [InlineData(
        "kind: RouteTable\nmetadata: {name: t}\nspec: {RouteTableId: rtb-xyz, VpcId: v}",
        "InvalidRouteTableId.Malformed: Invalid id: \"rtb-xyz\" (expecting \"rtb-...\")")]
    [InlineData(
        "kind: RouteTable\nmetadata: {name: t}\nspec: {VpcId: v, Associations: [{SubnetId: public-a, RouteTableAssociationId: rtbassoc-1}]}",
        "InvalidAssociationID.NotFound: Invalid id: \"rtbassoc-1\" (expecting \"rtbassoc-...\")")]
    [InlineData(
        "kind: RouteTable\nmetadata: {name: t}\nspec: {RouteTableId: rtb-0000000000000000a, VpcId: v}\n---\napiVersion: aws.podnet.dev/v1alpha1\nkind: RouteTable\nmetadata: {name: u}\nspec: {RouteTableId: rtb-0000000000000000a, VpcId: v}",
        "InvalidParameterValue: Value (rtb-0000000000000000a) for parameter id is invalid. An object with this ID already exists.")]
    [InlineData(
        "kind: InternetGateway\nmetadata: {name: g}\nspec: {InternetGatewayId: gw-0a1b2c3d}",
        "InvalidInternetGatewayId.Malformed: Invalid id: \"gw-0a1b2c3d\" (expecting \"igw-...\")")]
    [InlineData(
        "kind: NatGateway\nmetadata: {name: n}\nspec: {SubnetId: public-a, NatGatewayId: nat-zz}",
        "NatGatewayMalformed: Invalid id: \"nat-zz\" (expecting \"nat-...\")")]
    [InlineData(
        "kind: NatGateway\nmetadata: {name: n}\nspec: {SubnetId: public-a, NatGatewayAddresses: [{AllocationId: eipalloc-0fedcba9876543210}, {AllocationId: eipalloc-0fedcba9876543211}]}",
        "spec.NatGatewayAddresses: Too many: 2: Podnet emulates a NAT gateway's primary address only")]
    [InlineData(
        "kind: NatGateway\nmetadata: {name: n}\nspec: {SubnetId: public-a, NatGatewayAddresses: [{AllocationId: eipalloc-0fedcba9876543210, IsPrimary: true}]}",
        "spec.NatGatewayAddresses[0].IsPrimary: unknown field: supported fields: AllocationId, PublicIp, PrivateIp, NetworkInterfaceId")]
    [InlineData(
        "kind: NatGateway\nmetadata: {name: n}\nspec: {SubnetId: public-a, NatGatewayAddresses: [{PrivateIp: 10.0.1.5}]}",
        "InvalidParameterValue: Address 10.0.1.5 does not fall within the subnet's address range (subnet-")]
    [InlineData(
        "kind: RouteTable\nmetadata: {name: t}\nspec: {VpcId: v, Routes: [{DestinationCidrBlock: 0.0.0.0/0, GatewayId: nope}]}",
        "spec.Routes[0].GatewayId: no InternetGateway named \"nope\" in the world (give a name from the world or an ID such as igw-0123456789abcdef0)")]
    [InlineData(
        "kind: RouteTable\nmetadata: {name: t}\nspec: {VpcId: v, Routes: [{DestinationCidrBlock: 0.0.0.0/0, GatewayId: igw, State: blackhole}]}",
        "spec.Routes[0].State: unknown field: supported fields: DestinationCidrBlock, DestinationIpv6CidrBlock, DestinationPrefixListId, GatewayId, NatGatewayId, EgressOnlyInternetGatewayId")]
    [InlineData(
        "kind: EgressOnlyInternetGateway\nmetadata: {name: e}\nspec: {}",
        "spec.Attachments: Required value: an egress-only internet gateway is made for one VPC ([{VpcId: …}])")]
    [InlineData(
        "kind: EgressOnlyInternetGateway\nmetadata: {name: e}\nspec: {EgressOnlyInternetGatewayId: igw-0a1b2c3d, Attachments: [{VpcId: v}]}",
        "InvalidEgressOnlyInternetGatewayId.Malformed: Invalid id: \"igw-0a1b2c3d\" (expecting \"eigw-...\")")]
    [InlineData(
        "kind: EgressOnlyInternetGateway\nmetadata: {name: e}\nspec: {Attachments: [{VpcId: v}]}\n---\napiVersion: aws.podnet.dev/v1alpha1\nkind: RouteTable\nmetadata: {name: t}\nspec: {VpcId: v, Routes: [{DestinationCidrBlock: 0.0.0.0/0, EgressOnlyInternetGatewayId: e}]}",
        "spec.Routes[0]: InvalidParameterCombination: The parameter destinationCidrBlock cannot be used with the parameter egressOnlyInternetGatewayId")]
    [InlineData(
        "kind: RouteTable\nmetadata: {name: t}\nspec: {VpcId: v, Routes: [{DestinationIpv6CidrBlock: \"::/0\", EgressOnlyInternetGatewayId: nope}]}",
        "spec.Routes[0].EgressOnlyInternetGatewayId: no EgressOnlyInternetGateway named \"nope\" in the world")]
    [InlineData(
        "kind: RouteTable\nmetadata: {name: t}\nspec: {VpcId: v, Routes: [{DestinationCidrBlock: 0.0.0.0/0, DestinationIpv6CidrBlock: \"::/0\", GatewayId: igw}]}",
        "spec.Routes[0]: Invalid value: a route names one of DestinationCidrBlock, DestinationIpv6CidrBlock and DestinationPrefixListId")]
    [InlineData(
        "kind: RouteTable\nmetadata: {name: t}\nspec: {VpcId: v, Associations: [{Main: false}]}",
        "spec.Associations[0]: Invalid value: an association names a SubnetId, or is {Main: true} for the VPC's main route table")]
    [InlineData(
        "kind: RouteTable\nmetadata: {name: t}\nspec: {VpcId: v, Routes: [{DestinationCidrBlock: 10.1.0.0/16, GatewayId: local}]}",
        "spec.Routes[0].DestinationCidrBlock: Invalid value: \"10.1.0.0/16\": a local route's destination is one of the VPC's CIDR blocks (10.0.0.0/16, 100.64.0.0/16)")]
    [InlineData(
        "kind: RouteTable\nmetadata: {name: t}\nspec: {VpcId: v, Routes: [{DestinationCidrBlock: 0.0.0.0/0, GatewayId: igw}, {DestinationCidrBlock: 0.0.0.0/0, GatewayId: igw}]}",
        "RouteAlreadyExists: The route identified by 0.0.0.0/0 already exists.")]
    [InlineData(
        "kind: NatGateway\nmetadata: {name: n}\nspec: {SubnetId: public-a, ConnectivityType: regional}",
        "spec.ConnectivityType: Unsupported value: \"regional\": supported values: \"private\", \"public\"")]
    [InlineData(
        "kind: NatGateway\nmetadata: {name: n}\nspec: {SubnetId: private-a, ConnectivityType: private, NatGatewayAddresses: [{AllocationId: eipalloc-0fedcba9876543210}]}",
        "spec.NatGatewayAddresses[0].AllocationId: InvalidParameterCombination: You cannot specify an Elastic IP address with a private NAT gateway.")]
    [InlineData(
        "kind: NatGateway\nmetadata: {name: n}\nspec: {SubnetId: private-a, ConnectivityType: private, NatGatewayAddresses: [{PublicIp: 198.51.100.7}]}",
        "spec.NatGatewayAddresses[0].PublicIp: InvalidParameterCombination: You cannot specify an Elastic IP address with a private NAT gateway.")]
    public void BadRouteDocuments_AreErrors(string document, string message)
    {
        var error = BadWorlds.LoadError(Vpc + Igw + "---\napiVersion: aws.podnet.dev/v1alpha1\n" + document + "\n");
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public void NatGateway_InAVpcWithoutInternetGateway_IsGatewayNotAttached()
    {
        var error = BadWorlds.LoadError(Vpc + "---\napiVersion: aws.podnet.dev/v1alpha1\nkind: NatGateway\nmetadata: {name: n}\nspec: {SubnetId: public-a}\n");
        Assert.Matches(@"\(line \d+, NatGateway n\): spec\.SubnetId: Gateway\.NotAttached: Network vpc-\w+ has no Internet gateway attached \(declare an InternetGateway attached to the VPC\)$", error);
    }

    [Fact]
    public void PrivateNatGateway_WithoutInternetGateway_IsAvailable_WithItsPrivateAddressOnly()
    {
        // As `aws ec2 describe-nat-gateways` shows a private one: no Elastic IP, its interface's address, no IGW needed.
        var ec2 = Load(Vpc + """
            ---
            apiVersion: aws.podnet.dev/v1alpha1
            kind: NatGateway
            metadata: {name: private-nat}
            spec:
              SubnetId: private-a
              ConnectivityType: private
              NatGatewayAddresses: [{PrivateIp: 10.0.1.50}]
            ---
            apiVersion: aws.podnet.dev/v1alpha1
            kind: RouteTable
            metadata: {name: pods}
            spec:
              VpcId: v
              Routes: [{DestinationCidrBlock: 10.20.0.0/16, NatGatewayId: private-nat}]
              Associations: [{SubnetId: pods-a}]
            """);

        var nat = Assert.Single(ec2.DescribeNatGateways());
        var address = Assert.Single(nat.NatGatewayAddresses);

        Assert.Equal(("private", "available", SubnetId(ec2, "private-a")), (nat.ConnectivityType, nat.State, nat.SubnetId));
        Assert.Equal((null, "10.0.1.50", null, "succeeded"), (address.AllocationId, address.PrivateIp, address.PublicIp, address.Status));
        Assert.Empty(ec2.DescribeAddresses());
        Assert.Empty(ec2.DescribeInternetGateways());
        Assert.Equal("nat_gateway", ec2.DescribeNetworkInterfaces(DescribeRequest.ForIds(address.NetworkInterfaceId!))[0].InterfaceType);
        Assert.Equal(nat.NatGatewayId, Target(ec2, "pods-a", "10.20.0.0/16"));
    }

    [Fact]
    public void RouteTable_WithADestinationPrefixListId_IsDescribedWithTheListsId()
    {
        var ec2 = Load(Vpc + Igw + """
            ---
            apiVersion: aws.podnet.dev/v1alpha1
            kind: ManagedPrefixList
            metadata: {name: partners}
            spec: {AddressFamily: IPv4, MaxEntries: 2, Entries: [{Cidr: 198.51.100.0/24}]}
            ---
            apiVersion: aws.podnet.dev/v1alpha1
            kind: RouteTable
            metadata: {name: public}
            spec:
              VpcId: v
              Routes: [{DestinationPrefixListId: partners, GatewayId: igw}]
              Associations: [{SubnetId: public-a}]
            """);
        var listId = Assert.Single(ec2.DescribeManagedPrefixLists(DescribeRequest.Where(new Filter("prefix-list-name", "partners")))).PrefixListId;

        var route = Assert.Single(ec2.RouteTableOfSubnet(SubnetId(ec2, "public-a")).Routes, r => r.Origin == "CreateRoute");

        Assert.Equal((null, listId, "active"), (route.DestinationCidrBlock, route.DestinationPrefixListId, route.State));
        Assert.Single(ec2.DescribeRouteTables(DescribeRequest.Where(new Filter("route.destination-prefix-list-id", listId))));
    }

    [Theory]
    [InlineData("{DestinationPrefixListId: pl-0123456789abcdef0, GatewayId: igw}", "InvalidPrefixListID.NotFound: The prefix list ID 'pl-0123456789abcdef0' does not exist.")]
    [InlineData("{DestinationPrefixListId: nope, GatewayId: igw}", "spec.Routes[0].DestinationPrefixListId: no ManagedPrefixList named \"nope\" in the world")]
    [InlineData("{DestinationCidrBlock: 0.0.0.0/0, DestinationPrefixListId: pl-0123456789abcdef0, GatewayId: igw}", "spec.Routes[0]: Invalid value: a route names one of DestinationCidrBlock, DestinationIpv6CidrBlock and DestinationPrefixListId")]
    public void RouteTable_BadPrefixListRoute_IsAnError(string route, string message)
    {
        var error = BadWorlds.LoadError(Vpc + Igw + $$"""
            ---
            apiVersion: aws.podnet.dev/v1alpha1
            kind: RouteTable
            metadata: {name: public}
            spec: {VpcId: v, Routes: [{{route}}]}
            """);

        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public void VpcEndpoint_WithTheCliFieldNames_RoutesItsTables_AndARouteMayNameAnAwsManagedListByName()
    {
        var ec2 = Load(Vpc + Igw + """
            ---
            apiVersion: aws.podnet.dev/v1alpha1
            kind: RouteTable
            metadata: {name: private}
            spec:
              VpcId: v
              Routes: [{DestinationPrefixListId: com.amazonaws.us-west-2.dynamodb, GatewayId: igw}]
              Associations: [{SubnetId: private-a}]
            ---
            apiVersion: aws.podnet.dev/v1alpha1
            kind: VpcEndpoint
            metadata: {name: s3}
            spec:
              VpcId: v
              ServiceName: com.amazonaws.us-west-2.s3
              VpcEndpointType: Gateway
              RouteTableIds: [private]
              VpcEndpointId: vpce-0a1b2c3d4e5f60718
            """);

        var endpoint = Assert.Single(ec2.DescribeVpcEndpoints());
        var routes = ec2.RouteTableOfSubnet(SubnetId(ec2, "private-a")).Routes.Where(r => r.Origin == "CreateRoute").ToList();

        Assert.Equal(("vpce-0a1b2c3d4e5f60718", "s3"), (endpoint.VpcEndpointId, endpoint.Tags.Single(t => t.Key == "Name").Value));
        Assert.Equal(["pl-00a54069", "pl-68a54001"], routes.Select(r => r.DestinationPrefixListId));
        Assert.Equal((Assert.Single(ec2.DescribeInternetGateways()).InternetGatewayId, "vpce-0a1b2c3d4e5f60718"), (routes[0].GatewayId, routes[1].GatewayId));
    }

    [Theory]
    [InlineData("{VpcId: v, ServiceName: com.amazonaws.us-west-2.s3, RouteTableIds: [nope]}", "spec.RouteTableIds: no RouteTable named \"nope\" in the world")]
    [InlineData("{VpcId: v, ServiceName: com.amazonaws.us-west-2.s3, VpcEndpointType: Interface}", "UnsupportedOperation: Podnet emulates gateway VPC endpoints only")]
    [InlineData("{VpcId: v, ServiceName: com.amazonaws.us-west-2.sqs}", "InvalidParameter: Endpoint type (Gateway) does not match available service types ([Interface]).")]
    [InlineData("{VpcId: v}", "spec.ServiceName")]
    public void BadVpcEndpointDocuments_AreErrors(string spec, string message)
    {
        var error = BadWorlds.LoadError(Vpc + "---\napiVersion: aws.podnet.dev/v1alpha1\nkind: VpcEndpoint\nmetadata: {name: e}\nspec: " + spec + "\n");

        Assert.Contains("VpcEndpoint e", error, StringComparison.Ordinal);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }
}

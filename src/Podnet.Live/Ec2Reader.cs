using Amazon;
using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.Runtime;

namespace Podnet.Live;

/// <summary>
/// Reads a cluster's VPC through EC2's API with the AWS SDK, read-only: <c>DescribeInstances</c>,
/// <c>DescribeVpcs</c>, <c>DescribeSubnets</c>, <c>DescribeSecurityGroups</c>, <c>DescribeNetworkInterfaces</c>,
/// <c>DescribeRouteTables</c>, <c>DescribeInternetGateways</c>, <c>DescribeNatGateways</c>,
/// <c>DescribeEgressOnlyInternetGateways</c> and <c>DescribeVpcEndpoints</c>, each filtered to the VPC (egress-only
/// gateways have no VPC filter: they are kept by their attachment), <c>DescribeManagedPrefixLists</c> (every list
/// the account sees: its own, AWS's and those shared with it) and <c>GetManagedPrefixListEntries</c> for each of the
/// account's own lists, each followed through its <c>NextToken</c> pages. A refusal (<c>UnauthorizedOperation</c>,
/// <c>AuthFailure</c>) or an endpoint that does not answer is a <see cref="LiveClusterException"/> naming the action.
/// </summary>
public sealed class Ec2Reader : IDisposable
{
    /// <summary>The EC2 actions read (the IAM actions a reader's policy must allow).</summary>
    public static readonly IReadOnlyList<string> Actions =
        ["ec2:DescribeInstances", "ec2:DescribeVpcs", "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups", "ec2:DescribeNetworkInterfaces",
         "ec2:DescribeTrunkInterfaceAssociations", "ec2:DescribeRouteTables", "ec2:DescribeInternetGateways", "ec2:DescribeNatGateways",
         "ec2:DescribeEgressOnlyInternetGateways", "ec2:DescribeManagedPrefixLists", "ec2:GetManagedPrefixListEntries", "ec2:DescribeVpcEndpoints"];

    private readonly IAmazonEC2 _client;

    /// <summary>Reads through <paramref name="client"/> (its region, endpoint and credentials).</summary>
    public Ec2Reader(IAmazonEC2 client)
    {
        _client = client;
    }

    /// <summary>
    /// A reader configured as the aws CLI is: <paramref name="region"/> (else the SDK's AWS_REGION, AWS_DEFAULT_REGION
    /// and profile), <paramref name="endpointUrl"/> (else AWS_ENDPOINT_URL_EC2, AWS_ENDPOINT_URL, the profile's
    /// endpoint_url, else EC2's own), credentials from the SDK's default chain (environment, AWS_PROFILE, SSO, …).
    /// </summary>
    /// <exception cref="LiveClusterException">No region can be found, or no credentials.</exception>
    public static Ec2Reader Open(string? region, string? endpointUrl = null)
    {
        var config = new AmazonEC2Config();
        if (region is not null)
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
        }

        if (endpointUrl is not null)
        {
            config.ServiceURL = endpointUrl;
            if (region is not null)
            {
                config.AuthenticationRegion = region;
            }
        }

        try
        {
            return new Ec2Reader(new AmazonEC2Client(config));
        }
        catch (AmazonClientException e)
        {
            throw new LiveClusterException($"EC2: {KubernetesReader.OneLine(e.Message)} (give --region, or set AWS_REGION and credentials as for the aws CLI)", e);
        }
    }

    /// <summary>The region requests go to.</summary>
    public string Region => _client.Config.RegionEndpoint?.SystemName ?? _client.Config.AuthenticationRegion ?? "unknown";

    /// <summary>The instances with these IDs (the cluster's nodes, from their providerID) and the VPCs they are in.</summary>
    public async Task<Ec2Inventory> ReadForInstancesAsync(IReadOnlyCollection<string> instanceIds, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(instanceIds);
        if (instanceIds.Count == 0)
        {
            return Ec2Inventory.Empty(Region);
        }

        var nodes = await Pages<Instance>("DescribeInstances", async token =>
        {
            var page = await _client.DescribeInstancesAsync(new DescribeInstancesRequest { InstanceIds = [.. instanceIds], NextToken = token }, cancel).ConfigureAwait(false);
            return (page.Reservations?.SelectMany(r => r.Instances ?? []) ?? [], page.NextToken);
        }).ConfigureAwait(false);
        return await ReadVpcsAsync([.. nodes.Select(i => i.VpcId).Where(v => v is not null).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)], cancel).ConfigureAwait(false);
    }

    /// <summary>
    /// Everything of the VPCs <paramref name="vpcIds"/>: the VPCs, their subnets, groups, interfaces, running instances,
    /// route tables, the internet gateways attached to them, their NAT gateways and VPC endpoints (every state and
    /// type: the caller decides), and the managed prefix lists the account sees, with the entries of its own (the
    /// account is the VPCs' <c>OwnerId</c>; AWS-managed lists, <c>OwnerId: AWS</c>, and lists shared by another
    /// account are described but their entries are not read).
    /// </summary>
    public async Task<Ec2Inventory> ReadVpcsAsync(IReadOnlyList<string> vpcIds, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(vpcIds);
        if (vpcIds.Count == 0)
        {
            return Ec2Inventory.Empty(Region);
        }

        List<Filter> InVpc() => [new Filter("vpc-id", [.. vpcIds])];
        var vpcs = await Pages<Vpc>("DescribeVpcs", async token =>
        {
            var page = await _client.DescribeVpcsAsync(new DescribeVpcsRequest { VpcIds = [.. vpcIds], NextToken = token }, cancel).ConfigureAwait(false);
            return (page.Vpcs ?? [], page.NextToken);
        }).ConfigureAwait(false);
        var subnets = await Pages<Subnet>("DescribeSubnets", async token =>
        {
            var page = await _client.DescribeSubnetsAsync(new DescribeSubnetsRequest { Filters = InVpc(), NextToken = token }, cancel).ConfigureAwait(false);
            return (page.Subnets ?? [], page.NextToken);
        }).ConfigureAwait(false);
        var groups = await Pages<SecurityGroup>("DescribeSecurityGroups", async token =>
        {
            var page = await _client.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { Filters = InVpc(), NextToken = token }, cancel).ConfigureAwait(false);
            return (page.SecurityGroups ?? [], page.NextToken);
        }).ConfigureAwait(false);
        var interfaces = await Pages<NetworkInterface>("DescribeNetworkInterfaces", async token =>
        {
            var page = await _client.DescribeNetworkInterfacesAsync(new DescribeNetworkInterfacesRequest { Filters = InVpc(), NextToken = token }, cancel).ConfigureAwait(false);
            return (page.NetworkInterfaces ?? [], page.NextToken);
        }).ConfigureAwait(false);
        var instances = await Pages<Instance>("DescribeInstances", async token =>
        {
            var page = await _client.DescribeInstancesAsync(new DescribeInstancesRequest { Filters = [.. InVpc(), new Filter("instance-state-name", ["running"])], NextToken = token }, cancel).ConfigureAwait(false);
            return (page.Reservations?.SelectMany(r => r.Instances ?? []) ?? [], page.NextToken);
        }).ConfigureAwait(false);
        var routeTables = await Pages<RouteTable>("DescribeRouteTables", async token =>
        {
            var page = await _client.DescribeRouteTablesAsync(new DescribeRouteTablesRequest { Filters = InVpc(), NextToken = token }, cancel).ConfigureAwait(false);
            return (page.RouteTables ?? [], page.NextToken);
        }).ConfigureAwait(false);
        var internetGateways = await Pages<InternetGateway>("DescribeInternetGateways", async token =>
        {
            var page = await _client.DescribeInternetGatewaysAsync(new DescribeInternetGatewaysRequest { Filters = [new Filter("attachment.vpc-id", [.. vpcIds])], NextToken = token }, cancel).ConfigureAwait(false);
            return (page.InternetGateways ?? [], page.NextToken);
        }).ConfigureAwait(false);
        var natGateways = await Pages<NatGateway>("DescribeNatGateways", async token =>
        {
            // DescribeNatGateways names its filter list Filter (the SDK's Filter property), not Filters.
            var page = await _client.DescribeNatGatewaysAsync(new DescribeNatGatewaysRequest { Filter = InVpc(), NextToken = token }, cancel).ConfigureAwait(false);
            return (page.NatGateways ?? [], page.NextToken);
        }).ConfigureAwait(false);
        var egressOnly = await Pages<EgressOnlyInternetGateway>("DescribeEgressOnlyInternetGateways", async token =>
        {
            // EC2 filters these by tag only (botocore's DescribeEgressOnlyInternetGatewaysRequest): the VPC is chosen here.
            var page = await _client.DescribeEgressOnlyInternetGatewaysAsync(new DescribeEgressOnlyInternetGatewaysRequest { NextToken = token }, cancel).ConfigureAwait(false);
            return (page.EgressOnlyInternetGateways ?? [], page.NextToken);
        }).ConfigureAwait(false);
        var egressOnlyOfVpcs = egressOnly.Where(g => (g.Attachments ?? []).Any(a => vpcIds.Contains(a.VpcId, StringComparer.Ordinal))).ToList();
        var endpoints = await Pages<VpcEndpoint>("DescribeVpcEndpoints", async token =>
        {
            var page = await _client.DescribeVpcEndpointsAsync(new DescribeVpcEndpointsRequest { Filters = InVpc(), NextToken = token }, cancel).ConfigureAwait(false);
            return (page.VpcEndpoints ?? [], page.NextToken);
        }).ConfigureAwait(false);

        // Every list the account may name: its own, AWS's (OwnerId AWS) and those shared with it through RAM. Only the
        // account's own lists are read entry by entry (GetManagedPrefixListEntries, without --target-version: the
        // current version); the VPCs' owner is the account.
        var prefixLists = await Pages<ManagedPrefixList>("DescribeManagedPrefixLists", async token =>
        {
            var page = await _client.DescribeManagedPrefixListsAsync(new DescribeManagedPrefixListsRequest { NextToken = token }, cancel).ConfigureAwait(false);
            return (page.PrefixLists ?? [], page.NextToken);
        }).ConfigureAwait(false);
        var account = vpcs.Select(v => v.OwnerId).FirstOrDefault(o => !string.IsNullOrEmpty(o));
        var entries = new Dictionary<string, IReadOnlyList<PrefixListEntry>>(StringComparer.Ordinal);
        foreach (var list in prefixLists.Where(l => account is not null && l.OwnerId == account))
        {
            entries[list.PrefixListId] = await Pages<PrefixListEntry>("GetManagedPrefixListEntries", async token =>
            {
                var page = await _client.GetManagedPrefixListEntriesAsync(new GetManagedPrefixListEntriesRequest { PrefixListId = list.PrefixListId, NextToken = token }, cancel).ConfigureAwait(false);
                return (page.Entries ?? [], page.NextToken);
            }).ConfigureAwait(false);
        }

        return new Ec2Inventory(Region, vpcs, subnets, groups, interfaces, instances, routeTables, internetGateways, natGateways, egressOnlyOfVpcs)
        {
            AccountId = account,
            ManagedPrefixLists = prefixLists,
            PrefixListEntries = entries,
            VpcEndpoints = endpoints,
        };
    }

    /// <summary>
    /// The branch interfaces associated with the trunks <paramref name="trunkIds"/> and their VLANs
    /// (<c>aws ec2 describe-trunk-interface-associations --filters
    /// Name=trunk-interface-association.trunk-interface-id,Values=…</c>), every page; none when there is no trunk.
    /// </summary>
    public async Task<IReadOnlyList<TrunkInterfaceAssociation>> ReadTrunkAssociationsAsync(IReadOnlyList<string> trunkIds, CancellationToken cancel = default)
    {
        ArgumentNullException.ThrowIfNull(trunkIds);
        if (trunkIds.Count == 0)
        {
            return [];
        }

        return await Pages<TrunkInterfaceAssociation>("DescribeTrunkInterfaceAssociations", async token =>
        {
            var page = await _client.DescribeTrunkInterfaceAssociationsAsync(new DescribeTrunkInterfaceAssociationsRequest { Filters = [new Filter("trunk-interface-association.trunk-interface-id", [.. trunkIds])], NextToken = token }, cancel).ConfigureAwait(false);
            return (page.InterfaceAssociations ?? [], page.NextToken);
        }).ConfigureAwait(false);
    }

    /// <summary>Every page of one Describe call, as the aws CLI's paginator follows <c>NextToken</c>.</summary>
    private static async Task<List<T>> Pages<T>(string action, Func<string?, Task<(IEnumerable<T> Items, string? Next)>> page)
    {
        var all = new List<T>();
        string? token = null;
        try
        {
            do
            {
                var (items, next) = await page(token).ConfigureAwait(false);
                all.AddRange(items);
                token = string.IsNullOrEmpty(next) ? null : next;
            }
            while (token is not null);
        }
        catch (AmazonServiceException e)
        {
            // EC2's own code and message: UnauthorizedOperation, AuthFailure, RequestExpired …
            throw new LiveClusterException($"EC2 {action}: {(e.ErrorCode is { Length: > 0 } code ? code + ": " : string.Empty)}{KubernetesReader.OneLine(e.Message)}", e);
        }
        catch (Exception e) when (e is AmazonClientException or HttpRequestException or TaskCanceledException or IOException)
        {
            throw new LiveClusterException($"EC2 {action}: {KubernetesReader.OneLine(Innermost(e).Message)}", e);
        }

        return all;
    }

    private static Exception Innermost(Exception e) => e.InnerException is { } inner ? Innermost(inner) : e;

    public void Dispose() => _client.Dispose();
}

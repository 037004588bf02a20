using System.Globalization;

namespace Podnet.Aws.Ec2;

/// <summary>
/// EC2's error answers, with the codes and message texts the real service sends (see
/// shared/reference/wire-protocols.md §1.4). Where AWS's wording is not public, the text follows the closest
/// real message and is marked so.
/// </summary>
public static class Ec2Errors
{
    /// <summary>The error codes that callers test for (ipamd's <c>INSUFFICIENT_CIDR_BLOCKS</c> and the like), defined once.</summary>
    public static class Codes
    {
        public const string GroupNotFound = "InvalidGroup.NotFound";
        public const string InvalidSubnetIdNotFound = "InvalidSubnetID.NotFound";
        public const string SecurityGroupIdNotFound = "InvalidSecurityGroupID.NotFound";
        public const string NetworkInterfaceNotFound = "InvalidNetworkInterfaceID.NotFound";
        public const string AssociationNotFound = "InvalidAssociationID.NotFound";
        public const string InvalidParameterValue = "InvalidParameterValue";
        public const string DependencyViolation = "DependencyViolation";
        public const string PrivateIpAddressLimitExceeded = "PrivateIpAddressLimitExceeded";
        public const string InsufficientFreeAddressesInSubnet = "InsufficientFreeAddressesInSubnet";
        public const string InsufficientCidrBlocks = "InsufficientCidrBlocks";
        public const string InsufficientAddressCapacity = "InsufficientAddressCapacity";
        public const string UnauthorizedOperation = "UnauthorizedOperation";
        public const string RequestLimitExceeded = "RequestLimitExceeded";
        public const string InternalError = "InternalError";
    }

    private static AwsException E(string code, string message) => new(code, message);

    // Not found
    public static AwsException VpcNotFound(string id) => E("InvalidVpcID.NotFound", $"The vpc ID '{id}' does not exist");

    public static AwsException SubnetNotFound(string id) => E(Codes.InvalidSubnetIdNotFound, $"The subnet ID '{id}' does not exist");

    /// <summary>A group named by a call about the group itself (describe, delete, authorize, revoke).</summary>
    public static AwsException GroupNotFound(string id) => E(Codes.GroupNotFound, $"The security group '{id}' does not exist");

    /// <summary>A group of RunInstances' <c>SecurityGroupIds</c> that the subnet's VPC does not have.</summary>
    public static AwsException GroupNotFoundInVpc(string id, string vpcId) => E(Codes.GroupNotFound, $"The security group '{id}' does not exist in VPC '{vpcId}'");

    /// <summary>A group referenced by a call about a network interface (CreateNetworkInterface, ModifyNetworkInterfaceAttribute).</summary>
    public static AwsException SecurityGroupIdNotFound(string id) => E(Codes.SecurityGroupIdNotFound, $"The securityGroup ID '{id}' does not exist");

    public static AwsException SecurityGroupRuleNotFound(string id) => E("InvalidSecurityGroupRuleId.NotFound", $"The security group rule ID '{id}' does not exist");

    public static AwsException NetworkInterfaceNotFound(string id) => E(Codes.NetworkInterfaceNotFound, $"The networkInterface ID '{id}' does not exist");

    public static AwsException InstanceNotFound(string id) => E("InvalidInstanceID.NotFound", $"The instance ID '{id}' does not exist");

    public static AwsException AttachmentNotFound(string id) => E("InvalidAttachmentID.NotFound", $"The network interface attachment ID '{id}' does not exist");

    public static AwsException TrunkAssociationNotFound(string id) => E(Codes.AssociationNotFound, $"The association ID '{id}' does not exist");

    public static AwsException VpcCidrAssociationNotFound(string id) => E("InvalidVpcCidrBlockAssociationID.NotFound", $"The vpc CIDR block association ID '{id}' does not exist");

    public static AwsException InvalidInstanceType(IEnumerable<string> types) => E("InvalidInstanceType", $"The following supplied instance types do not exist: [{string.Join(", ", types)}]");

    public static AwsException MalformedId(string code, string kind, string id) => E(code, $"Invalid id: \"{id}\" (expecting \"{kind}-...\")");

    // Parameters
    public static AwsException InvalidParameterValue(string message) => E(Codes.InvalidParameterValue, message);

    public static AwsException InvalidParameterValue(string value, string parameter, string reason)
        => E(Codes.InvalidParameterValue, $"Value ({value}) for parameter {parameter} is invalid. {reason}");

    public static AwsException InvalidCidr(string value, string parameter = "cidrBlock")
        => InvalidParameterValue(value, parameter, "This is not a valid CIDR block.");

    public static AwsException MissingParameter(string parameter) => E("MissingParameter", $"The request must contain the parameter {parameter}");

    public static AwsException InvalidFilter(string name) => E(Codes.InvalidParameterValue, $"The filter '{name}' is invalid");

    // VPCs and subnets
    public static AwsException VpcRangeInvalid(string cidr) => E("InvalidVpc.Range", $"The CIDR '{cidr}' is invalid.");

    public static AwsException VpcRangeRestricted(string cidr) => E(
        "InvalidVpc.Range",
        $"The CIDR '{cidr}' is restricted. Use a CIDR from the same private address range as the current VPC CIDR, or use a publicly-routable CIDR. For additional restrictions, see https://docs.aws.amazon.com/AmazonVPC/latest/UserGuide/VPC_Subnets.html#VPC_Sizing");

    /// <summary>AWS's text for an overlapping VPC block is not public; the code is the one AWS uses for VPC ranges.</summary>
    public static AwsException VpcRangeConflict(string cidr, string existing) => E("InvalidVpc.Range", $"The CIDR '{cidr}' conflicts with another CIDR block in the VPC ({existing}).");

    public static AwsException CidrLimitExceeded(string vpcId, int limit) => E("CidrLimitExceeded", $"This network '{vpcId}' has met its maximum number of allowed CIDRs: {limit}");

    public static AwsException PrimaryCidrNotDisassociable(string associationId) => E("OperationNotPermitted", $"The vpc CIDR block with association ID {associationId} may not be disassociated. It is the primary IPv4 CIDR block of the VPC");

    public static AwsException CidrBlockInUse(string associationId) => E("InvalidCidrBlock.InUse", $"The vpc CIDR block with association ID {associationId} may not be disassociated because it has dependencies (subnets).");

    public static AwsException SubnetRangeInvalid(string cidr) => E("InvalidSubnet.Range", $"The CIDR '{cidr}' is invalid.");

    public static AwsException SubnetConflict(string cidr) => E("InvalidSubnet.Conflict", $"The CIDR '{cidr}' conflicts with another subnet");

    // IPv6 blocks, addresses and prefixes.

    /// <summary>
    /// An IPv6 block of the wrong size or shape (a subnet's must be a /64, a VPC's a /56), as CreateSubnet answers a
    /// /60: <c>InvalidParameterValue: invalid value for parameter ipv6-cidr-block: 2600:1f16:c6:ff10::/60</c>
    /// (hashicorp/terraform-provider-aws#28775).
    /// </summary>
    public static AwsException InvalidIpv6CidrBlock(string value) => InvalidParameterValue($"invalid value for parameter ipv6-cidr-block: {value}");

    /// <summary>
    /// A subnet's /64 outside its VPC's IPv6 block (or in a VPC that has none), as CreateSubnet answers:
    /// <c>InvalidSubnet.Range: The IPv6 CIDR '2600:1f18:7cb4:2e01::/64' is invalid.</c> (hashicorp/terraform-provider-aws#31913).
    /// </summary>
    public static AwsException SubnetIpv6RangeInvalid(string cidr) => E("InvalidSubnet.Range", $"The IPv6 CIDR '{cidr}' is invalid.");

    /// <summary>
    /// IPv6 addresses or prefixes asked of an interface whose subnet has no IPv6 block. AWS's text for
    /// AssignIpv6Addresses is not public; this follows the one it sends for the same condition on
    /// ModifySubnetAttribute: "Cannot set assign-ipv6-address-on-creation to true unless the subnet (subnet-123) has
    /// an IPv6 CIDR block associated with it." (terraform-aws-modules/terraform-aws-vpc#735).
    /// </summary>
    public static AwsException SubnetHasNoIpv6(string subnetId) => InvalidParameterValue($"Cannot assign IPv6 addresses or prefixes unless the subnet ({subnetId}) has an IPv6 CIDR block associated with it.");

    /// <summary>
    /// <c>AssignIpv6AddressOnCreation</c> for a subnet without an IPv6 block, as ModifySubnetAttribute answers:
    /// "Cannot set assign-ipv6-address-on-creation to true unless the subnet (subnet-123) has an IPv6 CIDR block
    /// associated with it." (terraform-aws-modules/terraform-aws-vpc#735).
    /// </summary>
    public static AwsException AssignIpv6WithoutIpv6Block(string subnetId)
        => InvalidParameterValue($"Cannot set assign-ipv6-address-on-creation to true unless the subnet ({subnetId}) has an IPv6 CIDR block associated with it.");

    public static AwsException InvalidAvailabilityZone(string zone, IEnumerable<string> zones)
        => InvalidParameterValue(zone, "availabilityZone", $"Subnets can currently only be created in the following availability zones: {string.Join(", ", zones)}.");

    public static AwsException SubnetHasDependencies(string subnetId) => E(Codes.DependencyViolation, $"The subnet '{subnetId}' has dependencies and cannot be deleted.");

    public static AwsException VpcHasDependencies(string vpcId) => E(Codes.DependencyViolation, $"The vpc '{vpcId}' has dependencies and cannot be deleted.");

    // Security groups
    public static AwsException GroupDuplicate(string name, string vpcId) => E("InvalidGroup.Duplicate", $"The security group '{name}' already exists for VPC '{vpcId}'");

    public static AwsException GroupNameReserved(string name) => E("InvalidGroup.Reserved", $"The security group '{name}' is reserved");

    public static AwsException GroupNameMalformed() => InvalidParameterValue("Group names may not be in the format sg-*");

    public static AwsException PermissionDuplicate(string peer, string protocol, int? fromPort, int? toPort)
        => E("InvalidPermission.Duplicate", $"the specified rule \"peer: {peer}, {DescribeProtocol(protocol, fromPort, toPort)}, ALLOW\" already exists");

    public static AwsException PermissionNotFound() => E("InvalidPermission.NotFound", "The specified rule does not exist in this security group.");

    public static AwsException PermissionMalformed(string message) => E("InvalidPermission.Malformed", message);

    public static AwsException RulesPerSecurityGroupLimitExceeded() => E("RulesPerSecurityGroupLimitExceeded", "The maximum number of rules per security group has been reached.");

    public static AwsException SecurityGroupLimitExceeded(string vpcId) => E("SecurityGroupLimitExceeded", $"The maximum number of security groups for VPC '{vpcId}' has been reached.");

    public static AwsException GroupHasDependents(string groupId) => E(Codes.DependencyViolation, $"resource {groupId} has a dependent object");

    public static AwsException DefaultGroupNotDeletable(string groupId) => E("CannotDelete", $"the specified group: \"{groupId}\" name: \"default\" cannot be deleted by a user");

    public static AwsException GroupInOtherNetwork(string groupId, string subnetOrVpcId)
        => E("InvalidParameter", $"Security group {groupId} and subnet {subnetOrVpcId} belong to different networks.");

    public static AwsException InterfaceSecurityGroupLimit(string accountId, int limit)
        => InvalidParameterValue($"user {accountId} exceeded limit {limit} on the number of interface security group memberships");

    // Network interfaces and addresses
    public static AwsException InterfaceInUse(string eniId) => InvalidParameterValue($"Network interface '{eniId}' is currently in use.");

    public static AwsException InterfaceAlreadyAttached(string eniId) => E("InvalidNetworkInterface.InUse", $"Interface: [{eniId}] in use.");

    public static AwsException AttachmentLimitExceeded(int count, string instanceType) => E("AttachmentLimitExceeded", $"Interface count {count} exceeds the limit for {instanceType}");

    public static AwsException DeviceIndexInUse(string instanceId, int deviceIndex) => InvalidParameterValue($"Instance '{instanceId}' already has an interface attached at device index '{deviceIndex}'.");

    public static AwsException NetworkCardIndexInvalid(int index, string instanceType) => InvalidParameterValue(index.ToString(CultureInfo.InvariantCulture), "NetworkCardIndex", $"Network card index {index} is not supported by {instanceType}.");

    public static AwsException DifferentAvailabilityZone() => E("InvalidParameterCombination", "You may not attach a network interface to an instance if they are not in the same availability zone");

    public static AwsException PrimaryInterfaceNotDetachable() => E("OperationNotPermitted", "The network interface at device index 0 and networkCard index 0 cannot be detached.");

    public static AwsException PrivateIpAddressLimitExceeded() => E(Codes.PrivateIpAddressLimitExceeded, "Number of private addresses will exceed limit.");

    public static AwsException AddressInUse() => E("InvalidIPAddress.InUse", "The specified address is already in use.");

    public static AwsException AddressInUse(string address) => E("InvalidIPAddress.InUse", $"Address {address} is in use.");

    public static AwsException AddressOutsideSubnet(string address, string subnetId) => InvalidParameterValue($"Address {address} does not fall within the subnet's address range ({subnetId})");

    public static AwsException AddressReserved(string address) => InvalidParameterValue($"Address {address} is in subnet's reserved address range");

    public static AwsException PrefixInvalid(string prefix) => InvalidParameterValue(prefix, "Ipv4Prefix", "Only /28 IPv4 prefixes are supported.");

    /// <summary>RunInstances with fewer free addresses in the subnet than MinCount instances need.</summary>
    public static AwsException InsufficientFreeAddressesForInstances(string subnetId) => E(Codes.InsufficientFreeAddressesInSubnet, $"There are not enough free addresses in subnet '{subnetId}' to satisfy the requested number of instances.");

    /// <summary>
    /// RunInstances into a subnet that maps public IPs on launch when Amazon's pool, as Podnet emulates it (65,534
    /// addresses), has too few left for MinCount instances (EC2 API Reference, "Error codes": "Not enough available
    /// addresses to satisfy your minimum request").
    /// </summary>
    public static AwsException InsufficientAddressCapacity() => E(Codes.InsufficientAddressCapacity, "Not enough available addresses to satisfy your minimum request. Reduce the number of addresses you are requesting or wait for additional capacity to become available.");

    /// <summary>
    /// CreateNetworkInterface or AssignPrivateIpAddresses asking for more addresses than the subnet has free, as
    /// ipamd logs it (aws/amazon-vpc-cni-k8s#1773: "InsufficientFreeAddressesInSubnet: The specified subnet does not
    /// have enough free addresses to satisfy the request.").
    /// </summary>
    public static AwsException InsufficientFreeAddressesInSubnet() => E(Codes.InsufficientFreeAddressesInSubnet, "The specified subnet does not have enough free addresses to satisfy the request.");

    /// <summary>
    /// A /28 prefix (Ipv4PrefixCount) that the subnet has no free aligned block for, as ipamd logs it
    /// (aws/amazon-vpc-cni-k8s#1585, #1836) and the resource controller quotes it (<c>pkg/utils/errors.go</c>,
    /// <c>ErrInsufficientCidrBlocks</c>): "The specified subnet does not have enough free cidr blocks to satisfy the request."
    /// </summary>
    public static AwsException InsufficientCidrBlocks() => E(Codes.InsufficientCidrBlocks, "The specified subnet does not have enough free cidr blocks to satisfy the request.");

    public static AwsException PrimaryAddressNotUnassignable(string address) => InvalidParameterValue($"The primary IP address {address} of an interface cannot be unassigned.");

    public static AwsException AddressNotAssigned(string address, string eniId) => InvalidParameterValue($"Address {address} is not assigned to interface {eniId}");

    public static AwsException IncorrectInstanceState(string instanceId, string state) => E("IncorrectInstanceState", $"The instance '{instanceId}' is not in a valid state for this operation (state: {state}).");

    // Trunk interfaces: AWS keeps these texts private; codes follow EC2's conventions.
    public static AwsException NotATrunk(string eniId, string type) => InvalidParameterValue($"Network interface '{eniId}' is of type '{type}'; a trunk interface is required.");

    public static AwsException NotABranch(string eniId, string type) => InvalidParameterValue($"Network interface '{eniId}' is of type '{type}'; a branch interface is required.");

    public static AwsException VlanInUse(int vlanId, string trunkId) => InvalidParameterValue($"VLAN ID {vlanId} is already in use on trunk interface '{trunkId}'.");

    public static AwsException VlanOutOfRange(int vlanId) => InvalidParameterValue(vlanId.ToString(CultureInfo.InvariantCulture), "VlanId", "The VLAN ID must be between 1 and 4094.");

    public static AwsException BranchAlreadyAssociated(string eniId, string associationId) => InvalidParameterValue($"Network interface '{eniId}' is already associated with a trunk interface ({associationId}).");

    public static AwsException TrunkNotAttached(string trunkId) => E("IncorrectState", $"Trunk interface '{trunkId}' must be attached to an instance.");

    public static AwsException BranchLimitExceeded(string trunkId, int limit, string instanceType)
        => E("BranchInterfaceLimitExceeded", $"Trunk interface '{trunkId}' already has the maximum of {limit} branch interfaces for {instanceType}.");

    public static AwsException DifferentNetwork(string branchId, string trunkId) => E("InvalidParameterCombination", $"Branch interface '{branchId}' and trunk interface '{trunkId}' are not in the same VPC.");

    // Route tables, internet gateways, Elastic IPs, NAT gateways (texts as EC2 sends them; moto's
    // moto/ec2/exceptions.py keeps the same codes)
    public static AwsException RouteTableNotFound(string id) => E("InvalidRouteTableID.NotFound", $"The routeTable ID '{id}' does not exist");

    public static AwsException RouteTableHasDependencies(string id) => E(Codes.DependencyViolation, $"The routeTable '{id}' has dependencies and cannot be deleted.");

    public static AwsException RouteAlreadyExists(string destination) => E("RouteAlreadyExists", $"The route identified by {destination} already exists.");

    public static AwsException RouteNotFound(string cidr, string routeTableId) => E("InvalidRoute.NotFound", $"no route with destination-cidr-block {cidr} in route table {routeTableId}");

    /// <summary>
    /// CreateRoute or DeleteRoute with no destination, or with both a CIDR block and a prefix list (the API takes one
    /// of DestinationCidrBlock, DestinationIpv6CidrBlock and DestinationPrefixListId; EC2's exact text for this case
    /// was not found, so the message follows its wording for a missing target).
    /// </summary>
    public static AwsException RouteDestinationMissing() => E("InvalidParameterCombination", "The request must contain exactly one of destinationCidrBlock, destinationIpv6CidrBlock or destinationPrefixListId");

    /// <summary>CreateRoute with no target, or more than one.</summary>
    public static AwsException RouteTargetMissing() => E("InvalidParameterCombination", "The request must contain exactly one of gatewayId, natGatewayId, networkInterfaceId, vpcPeeringConnectionId, transitGatewayId, egressOnlyInternetGatewayId, localGatewayId, carrierGatewayId, instanceId, coreNetworkArn or vpcEndpointId");

    public static AwsException RouteTableAssociationNotFound(string id) => E(Codes.AssociationNotFound, $"The association ID '{id}' does not exist");

    public static AwsException RouteTableAlreadyAssociated(string routeTableId) => E("Resource.AlreadyAssociated", $"the specified association for route table {routeTableId} conflicts with an existing association");

    public static AwsException MainAssociationNotDisassociable(string id) => InvalidParameterValue($"cannot disassociate the main route table association {id}");

    public static AwsException DifferentNetworks(string first, string second) => InvalidParameterValue($"route table {first} and network gateway {second} belong to different networks");

    public static AwsException RouteTableAndSubnetInDifferentNetworks(string routeTableId, string subnetId) => InvalidParameterValue($"Route table {routeTableId} and subnet {subnetId} belong to different networks");

    public static AwsException InternetGatewayNotFound(string id) => E("InvalidInternetGatewayID.NotFound", $"The internetGateway ID '{id}' does not exist");

    /// <summary>
    /// An egress-only internet gateway ID that names none (Describe, Delete, CreateRoute). The code is EC2's ("Error
    /// codes for the Amazon EC2 API": <c>InvalidEgressOnlyInternetGatewayId.NotFound</c>, note the <c>Id</c>); EC2's
    /// text is not published, so it follows the other gateways' "The … ID '…' does not exist".
    /// </summary>
    public static AwsException EgressOnlyInternetGatewayNotFound(string id) => E("InvalidEgressOnlyInternetGatewayId.NotFound", $"The egressOnlyInternetGateway ID '{id}' does not exist");

    /// <summary>
    /// CreateRoute to an egress-only internet gateway for an IPv4 destination (or a prefix list): the gateway carries
    /// IPv6 only ("egress-only internet gateways … for IPv6 traffic", Amazon VPC User Guide). EC2's code for
    /// parameters that exclude each other; its exact text was not found, so it is EC2's usual wording for one.
    /// </summary>
    public static AwsException EgressOnlyGatewayNeedsIpv6Destination(string destinationParameter)
        => E("InvalidParameterCombination", $"The parameter {destinationParameter} cannot be used with the parameter egressOnlyInternetGatewayId");

    public static AwsException GatewayNotFound(string id) => E("InvalidGatewayID.NotFound", $"The gateway ID '{id}' does not exist");

    public static AwsException InternetGatewayAlreadyAttached(string id, string vpcId) => E("Resource.AlreadyAssociated", $"resource {id} is already attached to network {vpcId}");

    public static AwsException VpcAlreadyHasInternetGateway(string vpcId, string attachedId) => E("InvalidParameterValue", $"Network {vpcId} already has an internet gateway attached ({attachedId})");

    public static AwsException GatewayNotAttached(string id, string vpcId) => E("Gateway.NotAttached", $"resource {id} is not attached to network {vpcId}");

    public static AwsException InternetGatewayHasDependencies(string id) => E(Codes.DependencyViolation, $"The internetGateway '{id}' has dependencies and cannot be deleted.");

    /// <summary>DetachInternetGateway while the VPC has public addresses mapped (a NAT gateway's Elastic IP).</summary>
    public static AwsException VpcHasMappedPublicAddresses(string vpcId) => E(Codes.DependencyViolation, $"Network {vpcId} has some mapped public address(es). Please unmap those public address(es) before detaching the gateway.");

    public static AwsException AllocationNotFound(string id) => E("InvalidAllocationID.NotFound", $"The allocation ID '{id}' does not exist");

    public static AwsException PublicIpNotFound(string ip) => E("InvalidAddress.NotFound", $"Address '{ip}' not found.");

    public static AwsException AddressLimitExceeded() => E("AddressLimitExceeded", "The maximum number of addresses has been reached.");

    public static AwsException ElasticIpAlreadyAssociated(string allocationId) => E("Resource.AlreadyAssociated", $"Elastic IP address [{allocationId}] is already associated");

    /// <summary>
    /// CreateNatGateway with an Elastic IP for a private NAT gateway. EC2's code for parameters that exclude each other;
    /// the text is the EC2 API Reference's rule for <c>AllocationId</c> ("CreateNatGateway": "You cannot specify an
    /// Elastic IP address with a private NAT gateway").
    /// </summary>
    public static AwsException PrivateNatGatewayAllocation() => E("InvalidParameterCombination", "You cannot specify an Elastic IP address with a private NAT gateway.");

    /// <summary>CreateNatGateway with a <c>ConnectivityType</c> other than EC2's two (<c>ConnectivityType</c>: "Valid Values: private | public").</summary>
    public static AwsException NatConnectivityType(string value) => InvalidParameterValue(value, "ConnectivityType", "Valid values: private, public.");

    /// <summary>
    /// A prefix list ID that names no list, as EC2 says it for Describe/GetManagedPrefixListEntries
    /// (aws/aws-application-networking-k8s#172: "The prefix list (pl-0721453c7ac4ec009) does not exist.").
    /// </summary>
    public static AwsException PrefixListNotFound(string id) => E("InvalidPrefixListID.NotFound", $"The prefix list ({id}) does not exist.");

    /// <summary>
    /// A security group rule or a route naming a prefix list that does not exist, as EC2 says it for
    /// AuthorizeSecurityGroupIngress and Egress (aws-cloudformation/rain#308: "The prefix list ID 'pl-xxxxxx' does not
    /// exist"; the code is the one DescribeManagedPrefixLists gives); CreateRoute is taken to say the same.
    /// </summary>
    public static AwsException ReferencedPrefixListNotFound(string id) => E("InvalidPrefixListID.NotFound", $"The prefix list ID '{id}' does not exist.");

    /// <summary>CreateManagedPrefixList with MaxEntries outside 1–1000 (aws-samples/update-aws-ip-ranges#1).</summary>
    public static AwsException PrefixListMaxSize() => InvalidParameterValue("Must specify a max size between 1 and 1000");

    /// <summary>More than 100 entries in one request (hashicorp/terraform-provider-aws#35371, EC2's own wording).</summary>
    public static AwsException PrefixListEntriesPerRequest() => InvalidParameterValue("The number of entries per request cannot exceeds limit (100).");

    /// <summary>
    /// A prefix list's entries beyond its MaxEntries. EC2's code for a bad parameter, in its "Value (…) for parameter
    /// … is invalid." form; the rest of AWS's wording was not found in public sources.
    /// </summary>
    public static AwsException PrefixListTooManyEntries(int count, int maxEntries)
        => InvalidParameterValue(count.ToString(System.Globalization.CultureInfo.InvariantCulture), "Entries", $"The prefix list can have at most {maxEntries} entries (MaxEntries).");

    /// <summary>An entry whose CIDR is not a CIDR block of the list's address family (or repeats one), in EC2's "Value (…) for parameter … is invalid." form.</summary>
    public static AwsException PrefixListEntryCidr(string cidr, string reason) => InvalidParameterValue(cidr, "Cidr", reason);

    /// <summary>An address family other than EC2's two (AddressFamily: "Valid Values: IPv4 | IPv6").</summary>
    public static AwsException PrefixListAddressFamily(string family) => InvalidParameterValue(family, "AddressFamily", "Valid values: IPv4, IPv6.");

    /// <summary>
    /// CreateManagedPrefixList with a name EC2 keeps for its own lists, as AWS answers it (floci-io/floci#2273, checked
    /// against a live account): "The prefix list name cannot begin with (com.amazonaws., com.amazon., com.aws.)."
    /// </summary>
    public static AwsException PrefixListNameReserved() => InvalidParameterValue("The prefix list name cannot begin with (com.amazonaws., com.amazon., com.aws.).");

    /// <summary>
    /// Modify or delete of an AWS-managed prefix list. The code is the one floci-io/floci#2105 reports for it
    /// (<c>UnsupportedOperation</c>) with this text, which it does not say it checked against AWS; AWS's own text was
    /// not found in public sources.
    /// </summary>
    public static AwsException AwsManagedPrefixListReadOnly(string id, string verb) => E("UnsupportedOperation", $"The prefix list {id} is an AWS-managed prefix list and cannot be {verb}.");

    public static AwsException InvalidParameterCombination(string message) => E("InvalidParameterCombination", message);

    // VPC endpoints

    /// <summary>The endpoint types EC2 knows (VpcEndpointType: "Valid Values: Interface | Gateway | GatewayLoadBalancer | Resource | ServiceNetwork").</summary>
    public static readonly IReadOnlyList<string> VpcEndpointTypes = ["Interface", "Gateway", "GatewayLoadBalancer", "Resource", "ServiceNetwork"];

    /// <summary>
    /// CreateVpcEndpoint of a type Podnet does not emulate (anything but <c>Gateway</c>), or of no type EC2 knows.
    /// EC2 makes interface endpoints; Podnet refuses them rather than pretend, with a code of its own making the refusal
    /// plain (<c>UnsupportedOperation</c>, as Podnet refuses other things it does not emulate).
    /// </summary>
    public static AwsException VpcEndpointTypeNotEmulated(string type)
        => VpcEndpointTypes.Contains(type)
            ? E("UnsupportedOperation", $"Podnet emulates gateway VPC endpoints only (--vpc-endpoint-type Gateway, for com.amazonaws.<region>.s3 and .dynamodb); a {type} endpoint is not emulated.")
            : InvalidParameterValue(type, "VpcEndpointType", $"Valid values: {string.Join(", ", VpcEndpointTypes)}.");

    /// <summary>
    /// A gateway endpoint to a service that has interface endpoints only (any service but the region's S3 and
    /// DynamoDB, another region's S3 among them), as EC2 answers it (terraform users' logs:
    /// "InvalidParameter: Endpoint type (Gateway) does not match available service types ([Interface]).").
    /// </summary>
    public static AwsException EndpointTypeMismatch() => E("InvalidParameter", "Endpoint type (Gateway) does not match available service types ([Interface]).");

    /// <summary>A service name no endpoint service has, as EC2 says it ("InvalidServiceName: The Vpc Endpoint Service 'aws.sagemaker..notebook' does not exist"; moto's InvalidServiceName).</summary>
    public static AwsException InvalidServiceName(string serviceName) => E("InvalidServiceName", $"The Vpc Endpoint Service '{serviceName}' does not exist");

    /// <summary>
    /// A gateway endpoint for a route table that already routes the service's prefix list, as EC2 answers
    /// CreateVpcEndpoint (terraform: "creating VPC Endpoint: InvalidParameter: route table rtb-… already has a route
    /// with destination-prefix-list-id pl-68a54001").
    /// </summary>
    public static AwsException RouteTableHasPrefixListRoute(string routeTableId, string prefixListId)
        => E("InvalidParameter", $"route table {routeTableId} already has a route with destination-prefix-list-id {prefixListId}");

    /// <summary>A route table of another VPC named for an endpoint. EC2's text is not public; the code is the one EC2 gives an endpoint's other bad route tables.</summary>
    public static AwsException RouteTableNotInEndpointVpc(string routeTableId, string vpcId)
        => E("InvalidParameter", $"route table {routeTableId} does not belong to vpc {vpcId}");

    /// <summary>ModifyVpcEndpoint removing a route table the endpoint does not route. EC2's text is not public; the code is the one for its other bad route tables.</summary>
    public static AwsException EndpointNotInRouteTable(string endpointId, string routeTableId)
        => E("InvalidParameter", $"route table {routeTableId} is not associated with vpc endpoint {endpointId}");

    /// <summary>
    /// DescribeVpcEndpoints or ModifyVpcEndpoint of an unknown endpoint. The code is EC2's (its error list and the
    /// <c>VpcEndpointExists</c> waiter of botocore); the text follows EC2's "The … ID '…' does not exist" for the other
    /// resources, AWS's own being not public.
    /// </summary>
    public static AwsException VpcEndpointIdNotFound(string id) => E("InvalidVpcEndpointId.NotFound", $"The vpcEndpoint ID '{id}' does not exist");

    /// <summary>An unknown endpoint in DeleteVpcEndpoints' <c>Unsuccessful</c> list (the bulk code of "Error codes for the Amazon EC2 API"; text as <see cref="VpcEndpointIdNotFound"/>).</summary>
    public static AwsException VpcEndpointNotFound(string id) => E("InvalidVpcEndpoint.NotFound", $"The vpcEndpoint ID '{id}' does not exist");

    /// <summary>
    /// DeleteRoute of a gateway endpoint's route: the route is the endpoint's and goes with ModifyVpcEndpoint's
    /// RemoveRouteTableId. What EC2 answers to DeleteRoute of it is not public; code and text are Podnet's.
    /// </summary>
    public static AwsException EndpointRouteNotDeletable(string routeTableId, string prefixListId, string endpointId)
        => InvalidParameterValue($"The route to {prefixListId} in {routeTableId} belongs to VPC endpoint {endpointId}: remove the route table from the endpoint (modify-vpc-endpoint --remove-route-table-ids).");

    /// <summary>
    /// ModifyManagedPrefixList with a CurrentVersion that is not the list's, as EC2 answers it
    /// (hashicorp/terraform-provider-aws#43528: "PrefixListVersionMismatch: The prefix list has the incorrect version number.").
    /// </summary>
    public static AwsException PrefixListVersionMismatch() => E("PrefixListVersionMismatch", "The prefix list has the incorrect version number.");

    /// <summary>
    /// ModifyManagedPrefixList adding an entry the list has, as EC2 answers it (hashicorp/terraform-provider-aws#29204:
    /// "InvalidPrefixListModification: An entry with the CIDR (fd00:FEED:BEEF::/48) and description (Test IPv6 entry) already exists.").
    /// </summary>
    public static AwsException PrefixListEntryExists(string cidr, string? description)
        => E("InvalidPrefixListModification", $"An entry with the CIDR ({cidr}) and description ({description}) already exists.");

    /// <summary>ModifyManagedPrefixList removing a CIDR the list does not have: EC2's code for a bad modification; the text is Podnet's, AWS's not being public.</summary>
    public static AwsException PrefixListEntryNotFound(string cidr) => E("InvalidPrefixListModification", $"The prefix list has no entry with the CIDR ({cidr}).");

    /// <summary>
    /// ModifyManagedPrefixList changing entries and MaxEntries together; the text is the API Reference's rule
    /// ("You cannot modify the entries of a prefix list and modify the size of a prefix list at the same time"), as
    /// CloudFormation users quote EC2's refusal (aws-cloudformation/cloudformation-coverage-roadmap#2377); the code is
    /// EC2's for parameters that exclude each other, not confirmed.
    /// </summary>
    public static AwsException PrefixListEntriesAndSize() => E("InvalidParameterCombination", "You cannot modify the entries and the maximum number of entries for the prefix list in the same request.");

    /// <summary>DescribeNatGateways or DeleteNatGateway of an unknown gateway, as EC2 says it (gruntwork-io/cloud-nuke#325).</summary>
    public static AwsException NatGatewayNotFound(string id) => E("NatGatewayNotFound", $"NAT gateway {id} was not found");

    /// <summary>CreateRoute naming an unknown NAT gateway (boto/boto3#779).</summary>
    public static AwsException NatGatewayIdNotFound(string id) => E("InvalidNatGatewayID.NotFound", $"The natGateway ID '{id}' does not exist");

    /// <summary>CreateNatGateway in an unknown subnet (hashicorp/terraform#16768: "InvalidSubnet: Subnet … was not found").</summary>
    public static AwsException NatSubnetNotFound(string id) => E("InvalidSubnet", $"Subnet {id} was not found");

    // Tags and requests
    public static AwsException TagLimitExceeded(int limit) => E("TagLimitExceeded", $"The maximum number of tags per resource ({limit}) has been reached.");

    public static AwsException InvalidTaggedId(string id) => E("InvalidID", $"The ID '{id}' is not valid");

    public static AwsException AddressWithManyInstances() => E("InvalidParameterCombination", "Cannot specify a private IP address when launching more than one instance.");

    public static AwsException AddressesAndCount() => E("InvalidParameterCombination", "Specify either a list of addresses (prefixes) or a count, not both.");

    // Throttling and authorization
    public static AwsException RequestLimitExceeded() => new(Codes.RequestLimitExceeded, "Request limit exceeded.", 503);

    /// <summary>
    /// EC2's answer when the service itself failed (HTTP 500): "An internal error has occurred" (the EC2 API
    /// reference's common client and server errors). The SDKs retry it; a caller may find the call done or not.
    /// </summary>
    public static AwsException InternalError() => new(Codes.InternalError, "An internal error has occurred", 500);

    public static AwsException Unauthorized(string principalArn, string action)
        => new(Codes.UnauthorizedOperation, $"You are not authorized to perform this operation. User: {principalArn} is not authorized to perform: {action} because no identity-based policy allows the {action} action", 403);

    /// <summary>The protocol part of EC2's rule description: "TCP, from port: 80, to port: 80" or "ALL".</summary>
    internal static string DescribeProtocol(string protocol, int? fromPort, int? toPort) => protocol switch
    {
        "-1" => "ALL",
        "tcp" or "udp" => $"{protocol.ToUpperInvariant()}, from port: {fromPort}, to port: {toPort}",
        "icmp" or "icmpv6" => $"{protocol.ToUpperInvariant()}, type: {fromPort}, code: {toPort}",
        _ => $"protocol: {protocol}",
    };
}

namespace Podnet.Aws.Ec2;

/// <summary>
/// A branch interface associated with a trunk interface over a VLAN, in the shape
/// <c>aws ec2 describe-trunk-interface-associations</c> prints.
/// </summary>
public sealed record TrunkInterfaceAssociation(
    string AssociationId,
    string BranchInterfaceId,
    string TrunkInterfaceId,
    string InterfaceProtocol,
    int VlanId,
    int? GreKey,
    IReadOnlyList<Tag> Tags);

public sealed record AssociateTrunkInterfaceRequest(
    string BranchInterfaceId,
    string TrunkInterfaceId,
    int VlanId,
    int? GreKey = null);

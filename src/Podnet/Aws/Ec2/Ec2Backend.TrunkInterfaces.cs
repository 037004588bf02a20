using System.Globalization;

namespace Podnet.Aws.Ec2;

public sealed partial class Ec2Backend
{
    private readonly Dictionary<string, TrunkInterfaceAssociation> _trunkAssociations = new(StringComparer.Ordinal);

    public TrunkInterfaceAssociation AssociateTrunkInterface(AssociateTrunkInterfaceRequest request)
    {
        lock (_lock)
        {
            var branch = FindInterface(request.BranchInterfaceId);
            var trunk = FindInterface(request.TrunkInterfaceId);
            if (trunk.Type != NetworkInterfaceTypes.Trunk)
            {
                throw Ec2Errors.NotATrunk(trunk.Id, trunk.Type);
            }

            if (branch.Type != NetworkInterfaceTypes.Branch)
            {
                throw Ec2Errors.NotABranch(branch.Id, branch.Type);
            }

            if (branch.VpcId != trunk.VpcId)
            {
                throw Ec2Errors.DifferentNetwork(branch.Id, trunk.Id);
            }

            if (_trunkAssociations.Values.FirstOrDefault(a => a.BranchInterfaceId == branch.Id) is { } existing)
            {
                throw Ec2Errors.BranchAlreadyAssociated(branch.Id, existing.AssociationId);
            }

            if (trunk.Attachment is null)
            {
                throw Ec2Errors.TrunkNotAttached(trunk.Id);
            }

            if (request.VlanId is < 1 or > 4094)
            {
                throw Ec2Errors.VlanOutOfRange(request.VlanId);
            }

            var onTrunk = _trunkAssociations.Values.Where(a => a.TrunkInterfaceId == trunk.Id).ToList();
            if (onTrunk.Exists(a => a.VlanId == request.VlanId))
            {
                throw Ec2Errors.VlanInUse(request.VlanId, trunk.Id);
            }

            var instanceType = _instances[trunk.Attachment.InstanceId].Type;
            if (onTrunk.Count >= instanceType.BranchInterfaces)
            {
                throw Ec2Errors.BranchLimitExceeded(trunk.Id, instanceType.BranchInterfaces, instanceType.InstanceType);
            }

            var association = new TrunkInterfaceAssociation(
                _ids.Next("trunk-assoc"),
                branch.Id,
                trunk.Id,
                request.GreKey is null ? "VLAN" : "GRE",
                request.VlanId,
                request.GreKey,
                []);
            _trunkAssociations.Add(association.AssociationId, association);
            return association;
        }
    }

    public TrunkInterfaceAssociation DisassociateTrunkInterface(string associationId)
    {
        lock (_lock)
        {
            if (!_trunkAssociations.Remove(associationId, out var association))
            {
                throw Ec2Errors.TrunkAssociationNotFound(associationId);
            }

            return association;
        }
    }

    public IReadOnlyList<TrunkInterfaceAssociation> DescribeTrunkInterfaceAssociations(DescribeRequest? request = null)
    {
        request ??= DescribeRequest.All;
        lock (_lock)
        {
            var selected = Select(request.Ids, id => _trunkAssociations.GetValueOrDefault(id), Ec2Errors.TrunkAssociationNotFound, _trunkAssociations.Values);
            return [.. TrunkAssociationFilters.Apply(selected, request.Filters)];
        }
    }

    private static readonly FilterMatcher<TrunkInterfaceAssociation> TrunkAssociationFilters = new(
        new Dictionary<string, Func<TrunkInterfaceAssociation, IEnumerable<string?>>>(StringComparer.Ordinal)
        {
            ["association-id"] = a => Field.One(a.AssociationId),
            ["branch-interface-id"] = a => Field.One(a.BranchInterfaceId),
            ["trunk-interface-id"] = a => Field.One(a.TrunkInterfaceId),
            ["vlan-id"] = a => Field.One(a.VlanId.ToString(CultureInfo.InvariantCulture)),
            ["gre-key"] = a => Field.One(a.GreKey?.ToString(CultureInfo.InvariantCulture)),
        },
        a => a.Tags);
}

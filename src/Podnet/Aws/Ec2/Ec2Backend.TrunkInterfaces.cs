using System.Globalization;

namespace Podnet.Aws.Ec2;

public sealed partial class Ec2Backend
{
    private readonly Dictionary<string, TrunkInterfaceAssociation> _trunkAssociations = new(StringComparer.Ordinal);

    // The same associations by branch and by trunk, so an interface's status and a trunk's VLANs need no scan.
    private readonly Dictionary<string, TrunkInterfaceAssociation> _associationOfBranch = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<TrunkInterfaceAssociation>> _associationsOfTrunk = new(StringComparer.Ordinal);

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

            if (_associationOfBranch.GetValueOrDefault(branch.Id) is { } existing)
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

            var onTrunk = AssociationsOf(trunk.Id);
            if (onTrunk.Any(a => a.VlanId == request.VlanId))
            {
                throw Ec2Errors.VlanInUse(request.VlanId, trunk.Id);
            }

            var instanceType = _instances[trunk.Attachment.InstanceId].Type;
            if (onTrunk.Count >= instanceType.BranchInterfaces)
            {
                throw Ec2Errors.BranchLimitExceeded(trunk.Id, instanceType.BranchInterfaces, instanceType.InstanceType);
            }

            var association = new TrunkInterfaceAssociation(
                _ids.Next("trunk-assoc", $"{trunk.Id}|{branch.Id}|{request.VlanId}"),
                branch.Id,
                trunk.Id,
                request.GreKey is null ? "VLAN" : "GRE",
                request.VlanId,
                request.GreKey,
                []);
            AddAssociation(association);
            return association;
        }
    }

    public TrunkInterfaceAssociation DisassociateTrunkInterface(string associationId)
    {
        lock (_lock)
        {
            if (_trunkAssociations.GetValueOrDefault(associationId) is not { } association)
            {
                throw Ec2Errors.TrunkAssociationNotFound(associationId);
            }

            RemoveAssociation(association);

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

            // The names the VPC resource controller filters by (pkg/aws/ec2/api/helper.go,
            // DescribeTrunkInterfaceAssociation: "trunk-interface-association.trunk-interface-id").
            ["trunk-interface-association.association-id"] = a => Field.One(a.AssociationId),
            ["trunk-interface-association.branch-interface-id"] = a => Field.One(a.BranchInterfaceId),
            ["trunk-interface-association.trunk-interface-id"] = a => Field.One(a.TrunkInterfaceId),
        },
        a => a.Tags);

    private IReadOnlyList<TrunkInterfaceAssociation> AssociationsOf(string trunkId) => _associationsOfTrunk.GetValueOrDefault(trunkId) ?? [];

    private void AddAssociation(TrunkInterfaceAssociation association)
    {
        _trunkAssociations.Add(association.AssociationId, association);
        _associationOfBranch[association.BranchInterfaceId] = association;
        if (!_associationsOfTrunk.TryGetValue(association.TrunkInterfaceId, out var onTrunk))
        {
            onTrunk = [];
            _associationsOfTrunk[association.TrunkInterfaceId] = onTrunk;
        }

        onTrunk.Add(association);
    }

    private void RemoveAssociation(TrunkInterfaceAssociation association)
    {
        _trunkAssociations.Remove(association.AssociationId);
        _associationOfBranch.Remove(association.BranchInterfaceId);
        if (_associationsOfTrunk.TryGetValue(association.TrunkInterfaceId, out var onTrunk))
        {
            onTrunk.Remove(association);
            if (onTrunk.Count == 0)
            {
                _associationsOfTrunk.Remove(association.TrunkInterfaceId);
            }
        }
    }
}

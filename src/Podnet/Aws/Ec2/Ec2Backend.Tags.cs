namespace Podnet.Aws.Ec2;

public sealed partial class Ec2Backend
{
    private const int MaxTagsPerResource = 50;

    public void CreateTags(IReadOnlyList<string> resourceIds, IReadOnlyList<Tag> tags)
    {
        lock (_lock)
        {
            ValidateTags(tags);
            var targets = resourceIds.Select(TagsOfResource).ToList();
            foreach (var target in targets)
            {
                var merged = target.Get().Where(t => !tags.Any(n => n.Key == t.Key)).Concat(tags).ToList();
                if (merged.Count > MaxTagsPerResource)
                {
                    throw Ec2Errors.TagLimitExceeded(MaxTagsPerResource);
                }
            }

            foreach (var target in targets)
            {
                target.Set([.. target.Get().Where(t => !tags.Any(n => n.Key == t.Key)).Concat(tags)]);
            }
        }
    }

    public void DeleteTags(IReadOnlyList<string> resourceIds, IReadOnlyList<string> keys)
    {
        lock (_lock)
        {
            var targets = resourceIds.Select(TagsOfResource).ToList();
            foreach (var target in targets)
            {
                target.Set([.. target.Get().Where(t => !keys.Contains(t.Key))]);
            }
        }
    }

    private static IReadOnlyList<Tag> ValidateTags(IReadOnlyList<Tag> tags)
    {
        if (tags.Count > MaxTagsPerResource)
        {
            throw Ec2Errors.TagLimitExceeded(MaxTagsPerResource);
        }

        foreach (var tag in tags)
        {
            if (tag.Key.Length is 0 or > 128)
            {
                throw Ec2Errors.InvalidParameterValue(tag.Key, "Tag.Key", "Tag keys must be 1 to 128 characters long.");
            }

            if (tag.Value.Length > 256)
            {
                throw Ec2Errors.InvalidParameterValue(tag.Value, "Tag.Value", "Tag values can be up to 256 characters long.");
            }
        }

        if (tags.GroupBy(t => t.Key).Any(g => g.Count() > 1))
        {
            throw Ec2Errors.InvalidParameterValue("Duplicate tag key in the request.");
        }

        return tags;
    }

    private (Func<List<Tag>> Get, Action<List<Tag>> Set) TagsOfResource(string id)
    {
        var prefix = id[..Math.Max(0, id.LastIndexOf('-'))];
        switch (prefix)
        {
            case "vpc":
                var vpc = FindVpc(id);
                return (() => vpc.Tags, t => vpc.Tags = t);
            case "subnet":
                var subnet = FindSubnet(id);
                return (() => subnet.Tags, t => subnet.Tags = t);
            case "sg":
                var group = FindGroup(id);
                return (() => group.Tags, t => group.Tags = t);
            case "eni":
                var eni = FindInterface(id);
                return (() => eni.Tags, t => eni.Tags = t);
            case "i":
                var instance = FindInstance(id);
                return (() => instance.Tags, t => instance.Tags = t);
            case "rtb":
                var table = FindRouteTable(id);
                return (() => table.Tags, t => table.Tags = t);
            case "igw":
                var gateway = FindInternetGateway(id);
                return (() => gateway.Tags, t => gateway.Tags = t);
            case "eigw":
                var eigw = FindEgressOnlyInternetGateway(id);
                return (() => eigw.Tags, t => eigw.Tags = t);
            case "nat":
                var nat = _natGateways.GetValueOrDefault(id) ?? throw Ec2Errors.NatGatewayNotFound(id);
                return (() => nat.Tags, t => nat.Tags = t);
            case "pl":
                var prefixList = FindPrefixList(id);
                return (() => prefixList.Tags, t => prefixList.Tags = t);
            case "eipalloc":
                var address = FindAddress(id);
                return (() => address.Tags, t => address.Tags = t);
            default:
                throw Ec2Errors.InvalidTaggedId(id);
        }
    }
}

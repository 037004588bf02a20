namespace Podnet.Aws.Ec2;

public sealed record Tag(string Key, string Value);

/// <summary>A request to tag a resource as it is created (<c>TagSpecification</c>).</summary>
public sealed record TagSpecification(string ResourceType, IReadOnlyList<Tag> Tags);

namespace Podnet.Cni;

/// <summary>An ENIConfig's spec (<c>crd.k8s.amazonaws.com/v1alpha1</c>): the subnet and security groups of new interfaces.</summary>
public sealed record EniConfigSpec(string Name, string Subnet, IReadOnlyList<string> SecurityGroups);

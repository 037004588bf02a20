namespace Podnet.Kube.Validation;

/// <summary>
/// The details of the API server's field errors, defined once, in k8s.io/apimachinery's and k8s.io/kubernetes'
/// words (pkg/util/validation, pkg/apis/meta/v1/validation, pkg/apis/core/validation, pkg/apis/networking/validation).
/// </summary>
public static class ValidationMessages
{
    /// <summary>validation.IsValidPortNum / IsInRange.</summary>
    public const string PortNumber = "must be between 1 and 65535, inclusive";

    /// <summary>apimachinery's ValidateNonnegativeField.</summary>
    public const string NonNegative = "must be greater than or equal to 0";

    /// <summary>validation.IsValidIP (netutils.ParseIPSloppy fails).</summary>
    public const string IpAddress = "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)";

    /// <summary>metav1validation.ValidateLabelSelectorRequirement, an operator outside In, NotIn, Exists, DoesNotExist.</summary>
    public const string SelectorOperator = "not a valid selector operator";

    /// <summary>ValidateLabelSelectorRequirement, In or NotIn without values.</summary>
    public const string SelectorValuesRequired = "must be specified when `operator` is 'In' or 'NotIn'";

    /// <summary>ValidateLabelSelectorRequirement, Exists or DoesNotExist with values.</summary>
    public const string SelectorValuesForbidden = "may not be specified when `operator` is 'Exists' or 'DoesNotExist'";

    /// <summary>networking ValidateNetworkPolicyPeer, a peer with nothing in it.</summary>
    public const string PeerRequired = "must specify a peer";

    /// <summary>networking ValidateNetworkPolicyPeer, ipBlock beside a selector.</summary>
    public const string PeerIpBlockAndOther = "may not specify both ipBlock and another peer";

    /// <summary>networking ValidateNetworkPolicyPort, endPort below port.</summary>
    public const string EndPortBelowPort = "must be greater than or equal to `port`";

    /// <summary>networking ValidateNetworkPolicyPort, endPort with a named port.</summary>
    public const string EndPortWithNamedPort = "may not be specified when `port` is non-numeric";

    /// <summary>networking ValidateNetworkPolicyPort, endPort without a port.</summary>
    public const string EndPortWithoutPort = "may not be specified when `port` is not specified";

    /// <summary>The protocols a port may name (sorted, as sets.List prints them).</summary>
    public static IReadOnlyList<string> Protocols { get; } = ["SCTP", "TCP", "UDP"];
}

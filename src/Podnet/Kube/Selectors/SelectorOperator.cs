namespace Podnet.Kube.Selectors;

/// <summary>
/// The operators of a label requirement (k8s.io/apimachinery/pkg/selection). The string grammar's "==" is parsed as
/// <see cref="Equals"/>; apimachinery keeps it apart only to print it back as "==".
/// </summary>
public enum SelectorOperator
{
    Equals,
    NotEquals,
    In,
    NotIn,
    Exists,
    DoesNotExist,
    GreaterThan,
    LessThan,
}

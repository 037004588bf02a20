namespace Podnet.Aws.Ec2;

/// <summary>An EC2 describe filter (<c>Name=vpc-id,Values=vpc-1,vpc-2</c>); values may use * and ? wildcards.</summary>
public sealed record Filter(string Name, IReadOnlyList<string> Values)
{
    public Filter(string name, params string[] values)
        : this(name, (IReadOnlyList<string>)values)
    {
    }
}

/// <summary>The common arguments of <c>Describe*</c>: explicit IDs and filters, both optional.</summary>
public sealed record DescribeRequest(IReadOnlyList<string>? Ids = null, IReadOnlyList<Filter>? Filters = null)
{
    public static DescribeRequest All { get; } = new();

    public static DescribeRequest ForIds(params string[] ids) => new(ids);

    public static DescribeRequest Where(params Filter[] filters) => new(null, filters);
}

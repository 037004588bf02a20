namespace Podnet.Aws.Eks;

/// <summary>
/// An EKS update in the shape <c>aws eks update-addon</c> and <c>aws eks describe-update</c> print (botocore
/// <c>Update</c>): its id (a UUID), status (<c>InProgress</c>, <c>Failed</c>, <c>Cancelled</c>, <c>Successful</c>),
/// type (<c>AddonUpdate</c> for add-ons), the parameters it changes, and the errors of a failed one.
/// </summary>
public sealed record Update(string Id, string Status, string Type, IReadOnlyList<UpdateParam> Params, DateTimeOffset CreatedAt, IReadOnlyList<ErrorDetail> Errors)
{
    /// <summary>
    /// An update that runs until <paramref name="doneAt"/>, as it is at <paramref name="now"/>: InProgress, then
    /// Successful; a Failed one stays Failed.
    /// </summary>
    public Update AsOf(DateTimeOffset doneAt, DateTimeOffset now) => Status == UpdateStatus.Failed ? this : this with { Status = now < doneAt ? UpdateStatus.InProgress : UpdateStatus.Successful };
}

/// <summary>A parameter an update changes (botocore <c>UpdateParam</c>: type <c>AddonVersion</c>, <c>ResolveConflicts</c>, <c>ConfigurationValues</c>, …).</summary>
public sealed record UpdateParam(string Type, string Value);

/// <summary>Why an update failed (botocore <c>ErrorDetail</c>): an <c>ErrorCode</c> such as <c>ConfigurationConflict</c>, EKS's message, the resources.</summary>
public sealed record ErrorDetail(string ErrorCode, string ErrorMessage, IReadOnlyList<string> ResourceIds);

/// <summary>The values of botocore's <c>UpdateStatus</c>.</summary>
public static class UpdateStatus
{
    public const string InProgress = "InProgress";
    public const string Failed = "Failed";
    public const string Successful = "Successful";
}

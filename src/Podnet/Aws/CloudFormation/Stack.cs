namespace Podnet.Aws.CloudFormation;

/// <summary>
/// A stack in the shape <c>aws cloudformation describe-stacks</c> prints. <see cref="StackStatus"/> is
/// <c>CREATE_IN_PROGRESS</c> until every resource is created, then <c>CREATE_COMPLETE</c> (or
/// <c>ROLLBACK_IN_PROGRESS</c> → <c>ROLLBACK_COMPLETE</c> after a failure); <c>DELETE_IN_PROGRESS</c> →
/// <c>DELETE_COMPLETE</c> or <c>DELETE_FAILED</c>. <see cref="Outputs"/> are there once the stack is complete.
/// </summary>
public sealed record Stack(
    string StackId,
    string StackName,
    string Description,
    IReadOnlyList<StackParameter> Parameters,
    DateTimeOffset CreationTime,
    DateTimeOffset? DeletionTime,
    string StackStatus,
    string? StackStatusReason,
    IReadOnlyList<StackOutput> Outputs,
    IReadOnlyList<StackTag> Tags);

/// <summary>A template parameter's value as the stack uses it (the given one, else the template's default).</summary>
public sealed record StackParameter(string ParameterKey, string ParameterValue);

/// <summary>One of the template's Outputs, resolved.</summary>
public sealed record StackOutput(string OutputKey, string OutputValue, string Description);

/// <summary>A stack tag; CloudFormation puts the stack's tags on every resource it makes.</summary>
public sealed record StackTag(string Key, string Value);

/// <summary>
/// A resource of a stack as <c>describe-stack-resources</c> prints it: the template's logical ID, the resource's
/// own ID (<see cref="PhysicalResourceId"/>: <c>vpc-…</c>, <c>subnet-…</c>, an Elastic IP's address, …), its type
/// (<c>AWS::EC2::Subnet</c>) and status (<c>CREATE_IN_PROGRESS</c>, <c>CREATE_COMPLETE</c>, <c>CREATE_FAILED</c>,
/// <c>DELETE_IN_PROGRESS</c>, <c>DELETE_COMPLETE</c>, <c>DELETE_FAILED</c>).
/// </summary>
public sealed record StackResource(
    string StackName,
    string StackId,
    string LogicalResourceId,
    string? PhysicalResourceId,
    string ResourceType,
    DateTimeOffset Timestamp,
    string ResourceStatus,
    string? ResourceStatusReason);

/// <summary>A stack as <c>list-stacks</c> prints it (deleted stacks included, as CloudFormation keeps them for 90 days).</summary>
public sealed record StackSummary(string StackId, string StackName, string TemplateDescription, DateTimeOffset CreationTime, DateTimeOffset? DeletionTime, string StackStatus, string? StackStatusReason);

/// <summary>CreateStack's arguments: a template by URL (or body), parameter values, stack tags.</summary>
public sealed record CreateStackRequest(
    string StackName,
    string? TemplateUrl = null,
    string? TemplateBody = null,
    IReadOnlyList<StackParameter>? Parameters = null,
    IReadOnlyList<StackTag>? Tags = null);

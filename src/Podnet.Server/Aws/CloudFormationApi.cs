using System.Xml.Linq;
using Podnet.Aws;
using Podnet.Aws.CloudFormation;
using static Podnet.Server.Aws.AwsXml;

namespace Podnet.Server.Aws;

/// <summary>
/// CloudFormation over the query protocol (<c>Version=2010-05-15</c>, lists <c>Name.member.N</c>, answers
/// <c>&lt;ActionResponse&gt;&lt;ActionResult&gt;</c> in <see cref="AwsAnswers.CloudFormationNamespace"/>): the stack
/// actions seed 003 runs (CreateStack, DescribeStacks, DescribeStackResources, DeleteStack) and ListStacks, on
/// <see cref="CloudFormationBackend"/>, under the served cluster's gate (a stack makes EC2 resources). Shapes as
/// botocore data/cloudformation/2010-05-15/service-2.json names them.
/// </summary>
public sealed class CloudFormationApi
{
    /// <summary>The API version CloudFormation requests carry.</summary>
    public const string ApiVersion = "2010-05-15";

    private readonly ServedCluster _cluster;

    /// <summary>CloudFormation of <paramref name="cluster"/>'s world.</summary>
    public CloudFormationApi(ServedCluster cluster)
    {
        _cluster = cluster;
    }

    /// <summary>The actions served.</summary>
    public static IReadOnlyList<string> Actions { get; } = ["CreateStack", "DescribeStacks", "DescribeStackResources", "ListStacks", "DeleteStack"];

    /// <summary>Runs <paramref name="action"/>; returns the members of its <c>…Result</c>, or null for an action without output.</summary>
    /// <exception cref="AwsException">CloudFormation's error (<c>ValidationError</c>, <c>AlreadyExistsException</c>, <c>InvalidAction</c>).</exception>
    public IReadOnlyList<XElement?>? Handle(string action, QueryRequest query)
    {
        var cloudFormation = (_cluster.World.Cloud ?? throw new AwsException("UnsupportedOperation", "This world has no AWS account (a policy-only world): CloudFormation is not served.")).CloudFormation;

        // Every action may apply due deletion steps (which change EC2), so each runs as a write.
        return action switch
        {
            "CreateStack" => _cluster.Write<IReadOnlyList<XElement?>?>(() =>
            [
                Text("StackId", cloudFormation.CreateStack(new CreateStackRequest(
                    query.Get("StackName") ?? throw CloudFormationErrors.Missing("stackName"),
                    query.Get("TemplateURL"),
                    query.Get("TemplateBody"),
                    [.. query.MemberStructures("Parameters").Select(p => new StackParameter(p.Get("ParameterKey") ?? throw CloudFormationErrors.Missing("parameters.member.parameterKey"), p.Get("ParameterValue") ?? string.Empty))],
                    [.. query.MemberStructures("Tags").Select(t => new StackTag(t.Get("Key") ?? throw CloudFormationErrors.Missing("tags.member.key"), t.Get("Value") ?? string.Empty))]))),
            ]),
            "DescribeStacks" => _cluster.Write<IReadOnlyList<XElement?>?>(() => [Members("Stacks", cloudFormation.DescribeStacks(query.Get("StackName")), Stack)]),
            "DescribeStackResources" => _cluster.Write<IReadOnlyList<XElement?>?>(() =>
            [
                Members("StackResources", cloudFormation.DescribeStackResources(query.Get("StackName"), query.Get("LogicalResourceId"), query.Get("PhysicalResourceId")), StackResource),
            ]),
            "ListStacks" => _cluster.Write<IReadOnlyList<XElement?>?>(() =>
            {
                var statuses = query.Members("StackStatusFilter");
                return [Members("StackSummaries", cloudFormation.ListStacks(statuses.Count > 0 ? statuses : null), StackSummary)];
            }),
            "DeleteStack" => _cluster.Write<IReadOnlyList<XElement?>?>(() =>
            {
                cloudFormation.DeleteStack(query.Get("StackName") ?? throw CloudFormationErrors.Missing("stackName"));
                return null;
            }),
            _ => throw new AwsException("InvalidAction", $"The action {action} is not valid for this web service."),
        };
    }

    /// <summary>A <c>Stack</c>.</summary>
    public static object?[] Stack(Stack stack) =>
    [
        Text("StackId", stack.StackId),
        Text("StackName", stack.StackName),
        Text("Description", stack.Description),
        Members("Parameters", stack.Parameters, p => [Text("ParameterKey", p.ParameterKey), Text("ParameterValue", p.ParameterValue)]),
        Timestamp("CreationTime", stack.CreationTime),
        Timestamp("DeletionTime", stack.DeletionTime),
        Structure("RollbackConfiguration"),
        Text("StackStatus", stack.StackStatus),
        Text("StackStatusReason", stack.StackStatusReason),
        Bool("DisableRollback", false),
        new XElement("NotificationARNs"),
        stack.Outputs.Count > 0 ? Members("Outputs", stack.Outputs, o => [Text("OutputKey", o.OutputKey), Text("OutputValue", o.OutputValue), Text("Description", o.Description)]) : null,
        Members("Tags", stack.Tags, t => [Text("Key", t.Key), Text("Value", t.Value)]),
        Bool("EnableTerminationProtection", false),
        Structure("DriftInformation", Text("StackDriftStatus", "NOT_CHECKED")),
    ];

    /// <summary>A <c>StackResource</c>.</summary>
    public static object?[] StackResource(StackResource resource) =>
    [
        Text("StackName", resource.StackName),
        Text("StackId", resource.StackId),
        Text("LogicalResourceId", resource.LogicalResourceId),
        Text("PhysicalResourceId", resource.PhysicalResourceId),
        Text("ResourceType", resource.ResourceType),
        Timestamp("Timestamp", resource.Timestamp),
        Text("ResourceStatus", resource.ResourceStatus),
        Text("ResourceStatusReason", resource.ResourceStatusReason),
        Structure("DriftInformation", Text("StackResourceDriftStatus", "NOT_CHECKED")),
    ];

    /// <summary>A <c>StackSummary</c>.</summary>
    public static object?[] StackSummary(StackSummary summary) =>
    [
        Text("StackId", summary.StackId),
        Text("StackName", summary.StackName),
        Text("TemplateDescription", summary.TemplateDescription),
        Timestamp("CreationTime", summary.CreationTime),
        Timestamp("DeletionTime", summary.DeletionTime),
        Text("StackStatus", summary.StackStatus),
        Text("StackStatusReason", summary.StackStatusReason),
        Structure("DriftInformation", Text("StackDriftStatus", "NOT_CHECKED")),
    ];
}

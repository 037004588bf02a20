using System.Text.RegularExpressions;
using Podnet.Aws.Ec2;

namespace Podnet.Aws.CloudFormation;

/// <summary>
/// The emulated CloudFormation of one account and region, for the one template it knows
/// (<see cref="EksVpcTemplate"/>), building and deleting its resources through the EC2 backend as CloudFormation's
/// handlers do. Creating a stack makes its EC2 resources at once and lays out when each completes (in dependency
/// order, <see cref="EksVpcTemplate.DurationOf"/>), so statuses are a function of the clock. Deleting goes in
/// reverse dependency order, one step whenever the clock allows (a NAT gateway must be gone before its subnet can
/// go): call <see cref="Advance"/> at <see cref="NextTransition"/>; every operation advances first.
/// </summary>
public sealed partial class CloudFormationBackend
{
    private readonly Lock _lock = new();
    private readonly AwsOptions _options;
    // A stack's resources are made by CloudFormation inside AWS, directly in EC2's state (its own pacing is the
    // template's creation durations, not the account's EC2 rate limits).
    private readonly Ec2Backend _ec2;
    private readonly ResourceIdGenerator _ids;
    private readonly TimeProvider _time;

    // Every stack ever made, deleted ones too (DescribeStacks by stack ID and ListStacks still show them).
    private readonly List<StackEntity> _stacks = [];

    /// <summary>CloudFormation of the account and region of <paramref name="options"/>, building through <paramref name="ec2"/>, on <paramref name="time"/>'s clock.</summary>
    public CloudFormationBackend(AwsOptions options, Ec2Backend ec2, ResourceIdGenerator ids, TimeProvider time)
    {
        _options = options;
        _ec2 = ec2;
        _ids = ids;
        _time = time;
    }

    /// <summary>
    /// The earliest moment a stack's or a resource's status changes by itself, or null when none will (after
    /// applying what is already due); the served loop jumps virtual time there while a user polls.
    /// </summary>
    public DateTimeOffset? NextTransition
    {
        get
        {
            lock (_lock)
            {
                AdvanceLocked();
                var now = _time.GetUtcNow();
                // A deletion waiting for EC2 (a NAT gateway being deleted) moves when EC2's state does.
                var ec2 = _stacks.Exists(s => s.Deletion is not null) ? _ec2.NextTransition : null;
                return _stacks
                    .SelectMany(s => s.Events.Select(e => e.Time).Concat(s.Resources.SelectMany(r => r.Events.Select(e => e.Time))))
                    .Concat(_stacks.Where(s => s.Deletion is not null).Select(s => s.Deletion!.NotBefore))
                    .Concat(ec2 is { } e ? [e] : [])
                    .Where(t => t > now)
                    .Select(t => (DateTimeOffset?)t)
                    .Min();
            }
        }
    }

    /// <summary>
    /// Creates a stack of the EKS VPC template; returns its ID
    /// (<c>arn:aws:cloudformation:REGION:ACCOUNT:stack/NAME/UUID</c>). The stack is <c>CREATE_IN_PROGRESS</c> until
    /// its last resource completes. A resource EC2 refuses fails the stack: <c>ROLLBACK_IN_PROGRESS</c>, its
    /// resources deleted, <c>ROLLBACK_COMPLETE</c>.
    /// </summary>
    /// <exception cref="AwsException">
    /// <c>ValidationError</c> (stack name, template other than <see cref="EksVpcTemplate.Urls"/>, unknown
    /// parameters), <c>AlreadyExistsException</c>.
    /// </exception>
    public string CreateStack(CreateStackRequest request)
    {
        lock (_lock)
        {
            AdvanceLocked();
            ValidateStackName(request.StackName);
            if (request.TemplateUrl is null && request.TemplateBody is null)
            {
                throw CloudFormationErrors.NoTemplate();
            }

            if (request.TemplateUrl is not null && request.TemplateBody is not null)
            {
                throw CloudFormationErrors.BothTemplates();
            }

            if (request.TemplateBody is not null)
            {
                throw CloudFormationErrors.UnsupportedTemplate("a TemplateBody", EksVpcTemplate.Urls);
            }

            if (!EksVpcTemplate.Urls.Contains(request.TemplateUrl))
            {
                throw CloudFormationErrors.UnsupportedTemplate($"TemplateURL {request.TemplateUrl}", EksVpcTemplate.Urls);
            }

            var given = request.Parameters ?? [];
            var unknown = given.Select(p => p.ParameterKey).Where(k => !EksVpcTemplate.Parameters.Any(d => d.ParameterKey == k)).ToList();
            if (unknown.Count > 0)
            {
                throw CloudFormationErrors.UnknownParameters(unknown);
            }

            if (Live(request.StackName) is not null)
            {
                throw CloudFormationErrors.AlreadyExists(request.StackName);
            }

            var parameters = EksVpcTemplate.Parameters
                .Select(d => given.LastOrDefault(p => p.ParameterKey == d.ParameterKey) is { } p ? new StackParameter(d.ParameterKey, p.ParameterValue) : d)
                .ToList();
            var now = _time.GetUtcNow();
            var stackId = $"arn:aws:cloudformation:{_options.Region}:{_options.AccountId}:stack/{request.StackName}/{_ids.Uuid("cloudformation-stack", request.StackName)}";
            var context = new TemplateContext(_ec2, request.StackName, stackId, parameters.ToDictionary(p => p.ParameterKey, p => p.ParameterValue, StringComparer.Ordinal), request.Tags ?? [], _ids);
            var stack = new StackEntity(stackId, request.StackName, now, parameters, request.Tags ?? [], context);
            stack.Events.Add(new Event(now, "CREATE_IN_PROGRESS", "User Initiated"));
            Build(stack, now);
            _stacks.Add(stack);
            return stackId;
        }
    }

    /// <summary>The live stacks (all, or the one named), newest first; a stack ID also finds a deleted stack.</summary>
    /// <exception cref="AwsException"><c>ValidationError</c> "Stack with id NAME does not exist".</exception>
    public IReadOnlyList<Stack> DescribeStacks(string? stackName = null)
    {
        lock (_lock)
        {
            AdvanceLocked();
            var now = _time.GetUtcNow();
            if (stackName is null)
            {
                return [.. _stacks.Where(s => StatusAt(s, now) != "DELETE_COMPLETE").Reverse().Select(s => ToStack(s, now))];
            }

            return [ToStack(Find(stackName, now), now)];
        }
    }

    /// <summary>The stack's resources CloudFormation has started on, in template order, optionally only one logical ID.</summary>
    /// <exception cref="AwsException"><c>ValidationError</c>: no such stack, or neither a stack nor a physical ID named.</exception>
    public IReadOnlyList<StackResource> DescribeStackResources(string? stackName, string? logicalResourceId = null, string? physicalResourceId = null)
    {
        lock (_lock)
        {
            AdvanceLocked();
            var now = _time.GetUtcNow();
            StackEntity stack;
            if (stackName is not null)
            {
                stack = Find(stackName, now);
            }
            else if (physicalResourceId is not null)
            {
                stack = _stacks.LastOrDefault(s => StatusAt(s, now) != "DELETE_COMPLETE" && s.Resources.Exists(r => r.PhysicalId == physicalResourceId))
                        ?? throw CloudFormationErrors.StackNotFound(physicalResourceId);
            }
            else
            {
                throw CloudFormationErrors.DescribeResourcesNeedsStack();
            }

            return [.. stack.Resources
                .Where(r => logicalResourceId is null || r.Template.LogicalId == logicalResourceId)
                .Where(r => physicalResourceId is null || r.PhysicalId == physicalResourceId)
                .Select(r => (Resource: r, Event: r.Events.LastOrDefault(e => e.Time <= now)))
                .Where(x => x.Event is not null)
                .Select(x => new StackResource(stack.Name, stack.Id, x.Resource.Template.LogicalId, x.Resource.PhysicalId, x.Resource.Template.Type, x.Event!.Time, x.Event.Status, x.Event.Reason))];
        }
    }

    /// <summary>Every stack, deleted ones included, newest first, optionally of some statuses only.</summary>
    public IReadOnlyList<StackSummary> ListStacks(IReadOnlyList<string>? statusFilter = null)
    {
        lock (_lock)
        {
            AdvanceLocked();
            var now = _time.GetUtcNow();
            return [.. _stacks.AsEnumerable().Reverse()
                .Select(s => ToStack(s, now))
                .Where(s => statusFilter is not { Count: > 0 } || statusFilter.Contains(s.StackStatus))
                .Select(s => new StackSummary(s.StackId, s.StackName, s.Description, s.CreationTime, s.DeletionTime, s.StackStatus, s.StackStatusReason))];
        }
    }

    /// <summary>
    /// Starts deleting a stack: <c>DELETE_IN_PROGRESS</c>, its resources deleted in reverse dependency order as
    /// the clock allows, then <c>DELETE_COMPLETE</c> (the stack is gone by name). A resource EC2 will not delete
    /// (a subnet with interfaces still in it) makes the stack <c>DELETE_FAILED</c> with EC2's reason; deleting
    /// again retries. Deleting a stack already being deleted changes nothing.
    /// </summary>
    /// <exception cref="AwsException"><c>ValidationError</c> "Stack with id NAME does not exist".</exception>
    public void DeleteStack(string stackName)
    {
        lock (_lock)
        {
            AdvanceLocked();
            var now = _time.GetUtcNow();
            var stack = Find(stackName, now);
            var status = StatusAt(stack, now);
            if (status is "DELETE_IN_PROGRESS" or "DELETE_COMPLETE")
            {
                return;
            }

            // A stack still being created stops where it is; everything made so far is deleted.
            foreach (var resource in stack.Resources)
            {
                resource.Events.RemoveAll(e => e.Time > now);
                if (resource.PhysicalId is not null && resource.Events.Count == 0)
                {
                    resource.Events.Add(new Event(now, "CREATE_COMPLETE", null));
                }
            }

            stack.Events.RemoveAll(e => e.Time > now);
            stack.Events.Add(new Event(now, "DELETE_IN_PROGRESS", "User Initiated"));
            stack.DeletionTime = now;
            stack.Deletion = new DeletionRun(now, Rollback: false);
            AdvanceLocked();
        }
    }

    /// <summary>Applies every deletion step whose time has come (the served loop calls this at <see cref="NextTransition"/>).</summary>
    public void Advance()
    {
        lock (_lock)
        {
            AdvanceLocked();
        }
    }

    private static void ValidateStackName(string name)
    {
        if (string.IsNullOrEmpty(name))
        {
            throw CloudFormationErrors.Missing("stackName");
        }

        if (name.Length > 128 || !StackNamePattern().IsMatch(name))
        {
            throw CloudFormationErrors.StackNameInvalid(name);
        }
    }

    [GeneratedRegex("^[a-zA-Z][-a-zA-Z0-9]*$", RegexOptions.CultureInvariant)]
    private static partial Regex StackNamePattern();

    /// <summary>The live (not deleted) stack of a name, if any.</summary>
    private StackEntity? Live(string name)
    {
        var now = _time.GetUtcNow();
        return _stacks.LastOrDefault(s => s.Name == name && StatusAt(s, now) != "DELETE_COMPLETE");
    }

    /// <summary>A live stack by name, or any stack (deleted too) by its ID, as CloudFormation looks them up.</summary>
    private StackEntity Find(string nameOrId, DateTimeOffset now)
        => (nameOrId.StartsWith("arn:", StringComparison.Ordinal)
               ? _stacks.Find(s => s.Id == nameOrId)
               : _stacks.LastOrDefault(s => s.Name == nameOrId && StatusAt(s, now) != "DELETE_COMPLETE"))
           ?? throw CloudFormationErrors.StackNotFound(nameOrId);

    private static string StatusAt(StackEntity stack, DateTimeOffset now) => stack.Events.Last(e => e.Time <= now).Status;

    /// <summary>
    /// Makes every resource through EC2 now, in template (dependency) order, and lays out when each starts and
    /// completes: a resource starts when the last thing it depends on completes. The first one EC2 refuses fails
    /// at its start; the stack then rolls back from that moment.
    /// </summary>
    private static void Build(StackEntity stack, DateTimeOffset now)
    {
        var completes = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        foreach (var template in EksVpcTemplate.Resources)
        {
            var start = template.DependsOn.Select(d => completes[d]).Append(now).Max();
            var resource = new ResourceEntity(template);
            stack.Resources.Add(resource);
            resource.Events.Add(new Event(start, "CREATE_IN_PROGRESS", null));
            try
            {
                resource.PhysicalId = template.Create(stack.Context);
                stack.Context.PhysicalIds[template.LogicalId] = resource.PhysicalId;
            }
            catch (AwsException e)
            {
                resource.Events.Add(new Event(start, "CREATE_FAILED", HandlerMessage(e)));
                stack.Events.Add(new Event(start, "ROLLBACK_IN_PROGRESS", $"The following resource(s) failed to create: [{template.LogicalId}]. Rollback requested by user."));
                stack.Deletion = new DeletionRun(start, Rollback: true);
                return;
            }

            completes[template.LogicalId] = start + EksVpcTemplate.DurationOf(template);
            resource.Events.Add(new Event(completes[template.LogicalId], "CREATE_COMPLETE", null));
        }

        stack.Events.Add(new Event(completes.Values.Max(), "CREATE_COMPLETE", null));
    }

    /// <summary>
    /// Deletes what can be deleted now, in reverse dependency order: a resource goes once every resource that
    /// depends on it is gone; its deletion completes at once, or when EC2 says (a NAT gateway's <c>deleted</c>).
    /// </summary>
    private void AdvanceLocked()
    {
        var now = _time.GetUtcNow();
        foreach (var stack in _stacks.Where(s => s.Deletion is { } d && d.NotBefore <= now))
        {
            AdvanceDeletion(stack, now);
        }
    }

    private static void AdvanceDeletion(StackEntity stack, DateTimeOffset now)
    {
        var run = stack.Deletion!;
        var progressed = true;
        while (progressed)
        {
            progressed = false;
            foreach (var resource in stack.Resources.AsEnumerable().Reverse())
            {
                var status = resource.Events.LastOrDefault(e => e.Time <= now)?.Status;
                if (status == "DELETE_IN_PROGRESS" && resource.Template.IsDeleted?.Invoke(stack.Context, resource.PhysicalId!) == true)
                {
                    resource.Events.Add(new Event(now, "DELETE_COMPLETE", null));
                    progressed = true;
                    continue;
                }

                if (resource.PhysicalId is null || status is "DELETE_COMPLETE" or "DELETE_IN_PROGRESS" || resource.Events.Exists(e => e.Time > now))
                {
                    continue;
                }

                var dependents = stack.Resources.Where(r => r.Template.DependsOn.Contains(resource.Template.LogicalId) && r.PhysicalId is not null);
                if (!dependents.All(d => d.Events.LastOrDefault(e => e.Time <= now)?.Status == "DELETE_COMPLETE"))
                {
                    continue;
                }

                resource.Events.Add(new Event(now, "DELETE_IN_PROGRESS", null));
                try
                {
                    resource.Template.Delete(stack.Context, resource.PhysicalId);
                }
                catch (AwsException e) when (e.Code.EndsWith(".NotFound", StringComparison.Ordinal) || e.Code == "NatGatewayNotFound")
                {
                    // Gone already (deleted by hand): CloudFormation's handlers count that as deleted.
                }
                catch (AwsException e)
                {
                    resource.Events.Add(new Event(now, "DELETE_FAILED", HandlerMessage(e)));
                    stack.Events.Add(new Event(now, run.Rollback ? "ROLLBACK_FAILED" : "DELETE_FAILED", $"The following resource(s) failed to delete: [{resource.Template.LogicalId}]. "));
                    stack.Deletion = null;
                    return;
                }

                // Most resources are gone when EC2 answers; a NAT gateway when EC2 describes it deleted.
                if (resource.Template.IsDeleted is null)
                {
                    resource.Events.Add(new Event(now, "DELETE_COMPLETE", null));
                }

                progressed = true;
            }
        }

        if (stack.Resources.TrueForAll(r => r.PhysicalId is null || r.Events.Last().Status == "DELETE_COMPLETE"))
        {
            var end = stack.Resources.SelectMany(r => r.Events).Select(e => e.Time).Append(now).Max();
            stack.Events.Add(new Event(end, run.Rollback ? "ROLLBACK_COMPLETE" : "DELETE_COMPLETE", null));
            stack.Deletion = null;
        }
    }

    /// <summary>The status reason CloudFormation gives for a failed resource: the handler's message quoting EC2's error.</summary>
    private static string HandlerMessage(AwsException e)
        => $"Resource handler returned message: \"{e.Message} (Service: Ec2, Status Code: {e.HttpStatusCode})\" (HandlerErrorCode: {(e.Code == "DependencyViolation" ? "ResourceConflict" : "InvalidRequest")})";

    private static Stack ToStack(StackEntity stack, DateTimeOffset now)
    {
        var current = stack.Events.Last(e => e.Time <= now);
        var outputs = current.Status == "CREATE_COMPLETE" ? EksVpcTemplate.Outputs(stack.Context.Ref) : [];
        return new Stack(
            stack.Id,
            stack.Name,
            EksVpcTemplate.Description,
            stack.Parameters,
            stack.CreationTime,
            current.Status.StartsWith("DELETE_", StringComparison.Ordinal) ? stack.DeletionTime : null,
            current.Status,
            current.Reason,
            outputs,
            stack.Tags);
    }

    private sealed class StackEntity(string id, string name, DateTimeOffset creationTime, IReadOnlyList<StackParameter> parameters, IReadOnlyList<StackTag> tags, TemplateContext context)
    {
        public string Id { get; } = id;

        public string Name { get; } = name;

        public DateTimeOffset CreationTime { get; } = creationTime;

        public IReadOnlyList<StackParameter> Parameters { get; } = parameters;

        public IReadOnlyList<StackTag> Tags { get; } = tags;

        public TemplateContext Context { get; } = context;

        /// <summary>The stack's status changes, in time order (some may lie ahead of the clock).</summary>
        public List<Event> Events { get; } = [];

        /// <summary>The resources begun, in template order.</summary>
        public List<ResourceEntity> Resources { get; } = [];

        /// <summary>The deletion (or rollback) under way, if any.</summary>
        public DeletionRun? Deletion { get; set; }

        /// <summary>When DeleteStack was last called (describe-stacks shows it from DELETE_IN_PROGRESS on).</summary>
        public DateTimeOffset? DeletionTime { get; set; }
    }

    private sealed class ResourceEntity(TemplateResource template)
    {
        public TemplateResource Template { get; } = template;

        public string? PhysicalId { get; set; }

        public List<Event> Events { get; } = [];
    }

    private sealed record Event(DateTimeOffset Time, string Status, string? Reason);

    /// <summary>A deletion of a stack's resources (or a rollback's), which starts at <paramref name="NotBefore"/>.</summary>
    private sealed record DeletionRun(DateTimeOffset NotBefore, bool Rollback);
}

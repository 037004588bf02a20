using Podnet.Aws.CloudFormation;
using Podnet.Aws.Ec2;
using Podnet.Aws.Ec2.Faults;
using Podnet.Aws.Eks;
using Podnet.Aws.Iam;
using Podnet.Aws.InstanceTypes;

namespace Podnet.Aws;

/// <summary>
/// The emulated AWS of one account and region: EC2, IAM, EKS and CloudFormation sharing one ID generator and one clock. Hand
/// controllers an <see cref="IEc2"/> bound to the principal they act as.
/// </summary>
public sealed class AwsCloud
{
    private readonly Ec2Throttle? _throttle;

    // Request IDs of failed calls come from a generator of their own: an error must not change the IDs of resources.
    private readonly ResourceIdGenerator _requestIds;

    public AwsCloud(AwsOptions options, TimeProvider time, InstanceTypeCatalog? instanceTypes = null)
    {
        options.Validate();
        Options = options;
        Time = time;
        Ids = new ResourceIdGenerator(options.Seed);
        _requestIds = new ResourceIdGenerator(unchecked((options.Seed * 31) + 17));
        Ec2Backend = new Ec2Backend(options, Ids, time, instanceTypes);
        Iam = new IamBackend(options, Ids, time);
        Eks = new EksBackend(options, Ec2Backend, Iam, Ids, time);
        CloudFormation = new CloudFormationBackend(options, Ec2Backend, Ids, time);
        _throttle = options.RateLimits is null ? null : new Ec2Throttle(options.RateLimits, time);
        Faults = new Ec2Faults(options.Seed, time, _requestIds);
        Ec2 = Ec2For(AwsPrincipal.Administrator(options.AccountId));
    }

    public AwsOptions Options { get; }

    public TimeProvider Time { get; }

    public ResourceIdGenerator Ids { get; }

    /// <summary>
    /// EC2's state and rules themselves, beneath IAM, throttling and faults. Only the account's own services reach it
    /// (EKS and CloudFormation create and delete their resources inside AWS; <see cref="Ec2For"/> wraps it) and the
    /// world loader, which writes the account's starting state as a fixture. Whoever acts on the account goes through
    /// <see cref="IEc2"/> (<see cref="Ec2For"/>); whoever only looks at it reads <see cref="Ec2View"/>.
    /// </summary>
    public Ec2Backend Ec2Backend { get; }

    /// <summary>
    /// The account's EC2 state, read-only, unauthorized and unthrottled: for analysis (lint, reach, check, output) and
    /// for the readers that are no EC2 API call (instance metadata, compiled-in instance-type limits).
    /// </summary>
    public IEc2View Ec2View => Ec2Backend;

    public IamBackend Iam { get; }

    public EksBackend Eks { get; }

    /// <summary>CloudFormation, for the EKS sample VPC template (seed 003), building through <see cref="Ec2Backend"/>.</summary>
    public CloudFormationBackend CloudFormation { get; }

    /// <summary>
    /// The earliest moment something in the account changes status by itself (an EKS cluster or node group becoming
    /// ACTIVE or gone, a CloudFormation stack or a NAT gateway finishing, an EC2 instance running or terminated), or null: a world
    /// settling, or a served account whose user waits, advances virtual time to it. Reading it applies what is
    /// already due.
    /// </summary>
    public DateTimeOffset? NextTransition
        => Earlier(Earlier(Eks.NextTransition, CloudFormation.NextTransition), Earlier(Ec2Backend.NextTransition, Ec2Backend.NextInstanceTransition));

    /// <summary>The earlier of two moments, either of which may be absent (asked at every step of a settle: no query).</summary>
    private static DateTimeOffset? Earlier(DateTimeOffset? a, DateTimeOffset? b) => a is null ? b : b is null ? a : a < b ? a : b;

    /// <summary>EC2 as the account administrator sees it (what the aws CLI user does).</summary>
    public IEc2 Ec2 { get; }

    /// <summary>
    /// The EC2 faults injected into every principal's calls (none until <see cref="Ec2Faults.Settings"/> says so): a
    /// world's <c>Account</c> <c>spec.Faults</c> turns them on once its AWS resources are built, <c>podnet up
    /// --faults</c> when it serves.
    /// </summary>
    public Ec2Faults Faults { get; }

    /// <summary>EC2 as <paramref name="principal"/> calls it: faults injected first, then IAM, throttling and the backend.</summary>
    public IEc2 Ec2For(AwsPrincipal principal) => new FaultInjectingEc2(new Ec2Client(Ec2Backend, Iam, _throttle, principal, _requestIds), Faults);

    /// <summary>EC2 as a session of a role sees it: allowed only what the role's policies allow.</summary>
    public IEc2 Ec2ForRole(string roleArn, string sessionName)
    {
        var roleName = Iam.RoleNameOf(roleArn) ?? throw new AwsException("AccessDenied", $"User: {AwsPrincipal.Administrator(Options.AccountId).Arn} is not authorized to perform: sts:AssumeRole on resource: {roleArn}", 403);
        return Ec2For(AwsPrincipal.AssumedRole(Options.AccountId, roleName, sessionName));
    }
}

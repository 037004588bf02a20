namespace Podnet.Aws.CloudFormation;

/// <summary>
/// CloudFormation's error answers (query protocol, <c>&lt;Type&gt;Sender&lt;/Type&gt;</c>), codes and texts as the
/// service sends them (AWS CloudFormation API Reference, "Common Errors" and each action's "Errors").
/// </summary>
public static class CloudFormationErrors
{
    /// <summary>The code of CloudFormation's input errors, a stack not found among them.</summary>
    public const string ValidationError = "ValidationError";

    /// <summary>A stack name (or ID) that names no live stack, as CloudFormation says it for every action.</summary>
    public static AwsException StackNotFound(string nameOrId) => new(ValidationError, $"Stack with id {nameOrId} does not exist");

    public static AwsException AlreadyExists(string name) => new("AlreadyExistsException", $"Stack [{name}] already exists");

    public static AwsException StackNameInvalid(string name)
        => new(ValidationError, $"1 validation error detected: Value '{name}' at 'stackName' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z][-a-zA-Z0-9]*|arn:[-a-zA-Z0-9:/._+]*");

    public static AwsException Missing(string member) => new(ValidationError, $"1 validation error detected: Value null at '{member}' failed to satisfy constraint: Member must not be null");

    public static AwsException NoTemplate() => new(ValidationError, "Either Template URL or Template Body must be specified.");

    public static AwsException BothTemplates() => new(ValidationError, "You cannot specify both Template URL and Template Body");

    public static AwsException UnknownParameters(IEnumerable<string> keys) => new(ValidationError, $"Parameters: [{string.Join(", ", keys)}] do not exist in the template");

    /// <summary>
    /// A template Podnet cannot build: CloudFormation itself would fetch and run any template; the emulator knows
    /// one, and says which (Podnet's own text).
    /// </summary>
    public static AwsException UnsupportedTemplate(string what, IEnumerable<string> supportedUrls)
        => new(ValidationError, $"Podnet's CloudFormation builds only the Amazon EKS sample VPC template (amazon-eks-vpc-private-subnets.yaml of 2020-10-29), given as TemplateURL {string.Join(" or ", supportedUrls)}; {what} is not supported.");

    public static AwsException DescribeResourcesNeedsStack() => new(ValidationError, "Either StackName or PhysicalResourceId must be specified.");
}

namespace Podnet.Aws.Iam;

/// <summary>
/// Roles and their attached AWS managed policies, and the one question the emulator asks of them: may this
/// principal call this action?
/// </summary>
public sealed class IamBackend
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, RoleEntity> _roles = new(StringComparer.Ordinal);
    private readonly AwsOptions _options;
    private readonly ResourceIdGenerator _ids;
    private readonly TimeProvider _time;

    public IamBackend(AwsOptions options, ResourceIdGenerator ids, TimeProvider time)
    {
        _options = options;
        _ids = ids;
        _time = time;
    }

    /// <summary>IAM CreateRole: the trust policy is kept as given (IAM answers it URL-encoded; the CLI decodes it).</summary>
    /// <exception cref="AwsException"><c>ValidationError</c> for a malformed name; <c>EntityAlreadyExists</c> (409), names being case-insensitive.</exception>
    public Role CreateRole(string roleName, string? assumeRolePolicyDocument = null)
    {
        lock (_lock)
        {
            if (string.IsNullOrWhiteSpace(roleName) || roleName.Length > 64 || !roleName.All(c => char.IsAsciiLetterOrDigit(c) || "+=,.@_-".Contains(c, StringComparison.Ordinal)))
            {
                throw new AwsException("ValidationError", $"1 validation error detected: Value '{roleName}' at 'roleName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+");
            }

            if (_roles.Keys.Any(k => string.Equals(k, roleName, StringComparison.OrdinalIgnoreCase)))
            {
                throw new AwsException("EntityAlreadyExists", $"Role with name {roleName} already exists.", 409);
            }

            // IAM role IDs are AROA followed by 17 upper-case characters.
            // A role's unique ID (AROA…) is derived from its name, so another role does not change it.
            var roleId = "AROA" + _ids.Hex("iam-role", roleName, 17).ToUpperInvariant();
            var role = new RoleEntity(roleName, roleId, _time.GetUtcNow()) { AssumeRolePolicyDocument = assumeRolePolicyDocument };
            _roles.Add(roleName, role);
            return ToRole(role);
        }
    }

    public Role GetRole(string roleName)
    {
        lock (_lock)
        {
            return ToRole(Find(roleName));
        }
    }

    public IReadOnlyList<Role> ListRoles()
    {
        lock (_lock)
        {
            return [.. _roles.Values.OrderBy(r => r.Name, StringComparer.Ordinal).Select(ToRole)];
        }
    }

    /// <summary>IAM DeleteRole.</summary>
    /// <exception cref="AwsException">
    /// <c>NoSuchEntity</c> (404); <c>DeleteConflict</c> (409) while managed policies are attached, as IAM refuses it.
    /// </exception>
    public void DeleteRole(string roleName)
    {
        lock (_lock)
        {
            var role = Find(roleName);
            if (role.Policies.Count > 0)
            {
                throw new AwsException("DeleteConflict", "Cannot delete entity, must detach all policies first.", 409);
            }

            _roles.Remove(role.Name);
        }
    }

    public void AttachRolePolicy(string roleName, string policyArn)
    {
        lock (_lock)
        {
            var role = Find(roleName);
            var policy = FindPolicy(policyArn);
            if (!role.Policies.Contains(policy))
            {
                role.Policies.Add(policy);
            }
        }
    }

    public void DetachRolePolicy(string roleName, string policyArn)
    {
        lock (_lock)
        {
            var role = Find(roleName);
            var policy = FindPolicy(policyArn);
            if (!role.Policies.Remove(policy))
            {
                throw new AwsException("NoSuchEntity", $"Policy {policyArn} was not found.", 404);
            }
        }
    }

    /// <summary>Whether the principal may perform the action (e.g. <c>ec2:CreateNetworkInterface</c>).</summary>
    public bool IsAllowed(AwsPrincipal principal, string action)
    {
        if (!principal.IsRole)
        {
            return true;
        }

        lock (_lock)
        {
            return _roles.TryGetValue(principal.RoleName!, out var role) && role.Policies.Exists(p => p.Allows(action));
        }
    }

    public string RoleArn(string roleName) => $"arn:aws:iam::{_options.AccountId}:role/{roleName}";

    /// <summary>The role name of a role ARN, or null when the ARN is not one of this account's roles.</summary>
    public string? RoleNameOf(string roleArn)
    {
        var prefix = $"arn:aws:iam::{_options.AccountId}:role/";
        if (!roleArn.StartsWith(prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var name = roleArn[(roleArn.LastIndexOf('/') + 1)..];
        lock (_lock)
        {
            return _roles.ContainsKey(name) ? name : null;
        }
    }

    private RoleEntity Find(string roleName)
        => _roles.GetValueOrDefault(roleName) ?? throw new AwsException("NoSuchEntity", $"The role with name {roleName} cannot be found.", 404);

    private static ManagedPolicy FindPolicy(string policyArn)
        => ManagedPolicy.All.FirstOrDefault(p => p.Arn == policyArn)
           ?? throw new AwsException("NoSuchEntity", $"Policy {policyArn} does not exist or is not attachable.", 404);

    private Role ToRole(RoleEntity role) => new(
        role.Name,
        role.Id,
        RoleArn(role.Name),
        "/",
        role.Created,
        [.. role.Policies.Select(p => new AttachedPolicy(p.PolicyName, p.Arn))],
        role.AssumeRolePolicyDocument);

    private sealed class RoleEntity(string name, string id, DateTimeOffset created)
    {
        public string Name { get; } = name;

        public string Id { get; } = id;

        public DateTimeOffset Created { get; } = created;

        public List<ManagedPolicy> Policies { get; } = [];

        public string? AssumeRolePolicyDocument { get; init; }
    }
}

namespace Podnet.Aws.Ec2;

/// <summary>Applies <see cref="Ec2RateLimits"/> to calls: one set of buckets per account and region.</summary>
public sealed class Ec2Throttle
{
    private readonly Ec2RateLimits _limits;
    private readonly TimeProvider _time;
    private readonly Dictionary<string, TokenBucket> _buckets = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public Ec2Throttle(Ec2RateLimits limits, TimeProvider time)
    {
        foreach (var (name, settings) in limits.Buckets)
        {
            settings.Validate(name);
        }

        _limits = limits;
        _time = time;
    }

    /// <summary>Takes the call's token (and resource tokens), or throws <c>RequestLimitExceeded</c>.</summary>
    public void Admit(string action, bool filteredOrPaginated = false, int instances = 0)
    {
        lock (_lock)
        {
            var request = Bucket(_limits.BucketFor(action, filteredOrPaginated));
            var resourceName = action switch
            {
                "RunInstances" => Ec2RateLimits.RunInstancesResources,
                "TerminateInstances" => Ec2RateLimits.TerminateInstancesResources,
                _ => null,
            };
            var resource = instances > 0 && resourceName is not null ? Bucket(resourceName) : null;

            // A throttled call takes nothing: check both before taking from either.
            if (request is not null && request.Available < 1)
            {
                throw Ec2Errors.RequestLimitExceeded();
            }

            if (resource is not null && resource.Available < instances)
            {
                throw Ec2Errors.RequestLimitExceeded();
            }

            request?.TryTake();
            resource?.TryTake(instances);
        }
    }

    private TokenBucket? Bucket(string name)
    {
        if (_buckets.TryGetValue(name, out var bucket))
        {
            return bucket;
        }

        if (!_limits.Buckets.TryGetValue(name, out var settings))
        {
            return null;
        }

        bucket = new TokenBucket(settings, _time);
        _buckets[name] = bucket;
        return bucket;
    }
}

namespace Podnet.Aws.Ec2;

/// <summary>
/// The AWS SDK for Go v2's standard retryer (<c>aws/retry.NewStandard</c>), as the controllers' EC2 clients wrap
/// every call: a call that fails with a throttling code (<c>RequestLimitExceeded</c> among
/// <c>retry.DefaultThrottleErrorCodes</c>), a transient code (<c>RequestTimeout</c>, <c>RequestTimeoutException</c>)
/// or a transient HTTP status (500, 502, 503, 504 — <c>InternalError</c>, <c>Unavailable</c>) is made again, up to
/// <see cref="MaxAttempts"/> attempts in all; any other error goes to the caller at once. The VPC CNI's ipamd
/// configures 10 attempts (<c>maxRetries</c> in pkg/awsutils/awssession/session.go), the VPC resource controller 3
/// (<c>MaxRetries</c> in pkg/aws/ec2/api/wrapper.go).
/// </summary>
/// <remarks>
/// The SDK sleeps an exponential, jittered backoff (at most 20 s) between attempts; here the attempts follow each
/// other at the same virtual instant, so a fault that lasts (an interface not visible yet) is not waited out inside
/// one call, only by the caller's own next try. The retry-token quota (500 tokens, 5 a retry) is not modelled.
/// </remarks>
public sealed class StandardRetryer : DelegatingEc2
{
    private static readonly HashSet<string> ThrottleCodes = new(StringComparer.Ordinal)
    {
        "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException", "TooManyRequestsException",
        "ProvisionedThroughputExceededException", "TransactionInProgressException", "RequestLimitExceeded",
        "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled", "SlowDown", "PriorRequestNotComplete",
        "EC2ThrottledException",
    };

    private static readonly HashSet<string> TransientCodes = new(StringComparer.Ordinal) { "RequestTimeout", "RequestTimeoutException" };

    /// <param name="inner">The client whose calls are retried.</param>
    /// <param name="maxAttempts">Attempts in all, the first one included (the SDK's <c>MaxAttempts</c>, default 3).</param>
    public StandardRetryer(IEc2 inner, int maxAttempts)
        : base(inner)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxAttempts, 1);
        MaxAttempts = maxAttempts;
    }

    /// <summary>ipamd's <c>maxRetries</c> (pkg/awsutils/awssession/session.go), given to the SDK as MaxAttempts.</summary>
    public const int IpamdMaxAttempts = 10;

    /// <summary>The VPC resource controller's <c>MaxRetries</c> (pkg/aws/ec2/api/wrapper.go), given to the SDK as MaxAttempts.</summary>
    public const int ResourceControllerMaxAttempts = 3;

    /// <summary>
    /// The aws CLI v1's attempts: botocore's legacy retry mode (the CLI's default) makes a call up to
    /// <c>max_attempts</c> 5 times (botocore/data/_retry.json, <c>__default__</c>) on the same errors — HTTP 500, 502,
    /// 503, 504 and the throttling codes, EC2's <c>RequestLimitExceeded</c> among them (its <c>ec2</c> section).
    /// </summary>
    public const int AwsCliMaxAttempts = 5;

    public int MaxAttempts { get; }

    /// <summary>
    /// <paramref name="error"/> as the aws CLI prints it after its retries: a retryable error the last attempt still
    /// met says <c>(reached max retries: N)</c>, N the retries after the first attempt, as botocore words it.
    /// </summary>
    public string CliText(AwsException error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return IsRetryable(error)
            ? $"An error occurred ({error.Code}) when calling the {error.Operation ?? "unknown"} operation (reached max retries: {(MaxAttempts - 1).ToString(System.Globalization.CultureInfo.InvariantCulture)}): {error.Message}"
            : error.CliText;
    }

    /// <summary>Whether the standard retryer makes a call that failed with <paramref name="error"/> again.</summary>
    public static bool IsRetryable(AwsException error)
    {
        ArgumentNullException.ThrowIfNull(error);
        return ThrottleCodes.Contains(error.Code) || TransientCodes.Contains(error.Code) || error.HttpStatusCode is 500 or 502 or 503 or 504;
    }

    protected override async Task<T> Call<T>(string operation, DescribeRequest? describe, Func<Task<T>> call)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call().ConfigureAwait(false);
            }
            catch (AwsException e) when (attempt < MaxAttempts && IsRetryable(e))
            {
                // retry.Standard.IsErrorRetryable said yes and attempts remain: the SDK makes the call again.
            }
        }
    }
}

namespace Podnet.Cli;

/// <summary>
/// The exit codes of every <c>podnet</c> command, defined once. A CI job tells them apart: 1 is a verdict (a denied
/// connection, a failed expectation, a lint error), 2 is bad input or usage, 70 is a bug in Podnet itself.
/// </summary>
public static class ExitCodes
{
    /// <summary>Success: allowed, all expectations passed, no lint errors.</summary>
    public const int Ok = 0;

    /// <summary>A verdict that is not success: <c>reach</c> DENIED, <c>test</c> with failures, <c>lint</c> with errors.</summary>
    public const int Verdict = 1;

    /// <summary>Bad input (a world, a table, an argument) or bad usage (an unknown flag, a missing argument).</summary>
    public const int Error = 2;

    /// <summary>An internal error: Podnet threw where it should have answered (EX_SOFTWARE of BSD's sysexits.h).</summary>
    public const int InternalError = 70;
}

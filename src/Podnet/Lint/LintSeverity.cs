namespace Podnet.Lint;

/// <summary>How bad a finding is: an error breaks pods or connections, a warning is a risk or a surprise.</summary>
public enum LintSeverity
{
    Error,
    Warning,
}

namespace Podnet.Lint;

/// <summary>
/// One thing <c>podnet lint</c> found: how bad it is, which check found it (a stable id for scripts), the object
/// it is about (<c>Kind namespace/name</c>), what is wrong and how to fix it.
/// </summary>
public sealed record LintFinding(LintSeverity Severity, string Check, string Object, string Message, string Fix);

namespace Podnet.Lint;

/// <summary>One rule of <c>podnet lint</c>: looks at a settled world and reports what it finds.</summary>
public interface ILintCheck
{
    IEnumerable<LintFinding> Check(LintContext context);
}

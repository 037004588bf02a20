namespace Podnet.Kube.Serialization;

/// <summary>
/// A manifest that is not valid YAML, or that has no JSON form (duplicate keys, .inf, a mapping as a key, ...).
/// The message reads "&lt;source&gt;:&lt;line&gt;:&lt;column&gt;: &lt;what is wrong&gt;"; line and column are 1-based.
/// </summary>
public sealed class ManifestSyntaxException : Exception
{
    public ManifestSyntaxException(string source, int line, int column, string problem, Exception? innerException = null)
        : base($"{source}:{line}:{column}: {problem}", innerException)
    {
        Source = source;
        Line = line;
        Column = column;
        Problem = problem;
    }

    public ManifestSyntaxException()
        : this("<unknown>", 1, 1, "invalid manifest")
    {
    }

    public ManifestSyntaxException(string message)
        : this("<unknown>", 1, 1, message)
    {
    }

    public ManifestSyntaxException(string message, Exception innerException)
        : this("<unknown>", 1, 1, message, innerException)
    {
    }

    /// <summary>Where the text came from, as given to <see cref="YamlManifests.Parse"/>.</summary>
    public new string Source { get; }

    public int Line { get; }

    public int Column { get; }

    /// <summary>What is wrong, without the location prefix.</summary>
    public string Problem { get; }
}

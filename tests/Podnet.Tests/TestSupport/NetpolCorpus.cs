namespace Podnet.Tests.TestSupport;

/// <summary>
/// The shared NetworkPolicy corpus, <c>../shared/netpol-cases</c> next to the repository: one directory per case with
/// <c>manifests.yaml</c> and <c>expected.tsv</c>. A test that needs it fails with where it looked.
/// </summary>
public static class NetpolCorpus
{
    /// <summary>The one theory row when the corpus is not there, so the theory fails instead of finding no data.</summary>
    public const string Missing = "(corpus missing)";

    public static string Root { get; } = FindRoot();

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        if (!Directory.Exists(Root))
        {
            data.Add(Missing);
            return data;
        }

        foreach (var dir in Directory.GetDirectories(Root).Select(Path.GetFileName).Order(StringComparer.Ordinal))
        {
            data.Add(dir!);
        }

        return data;
    }

    /// <summary>The directory of one case; fails the test, saying where it looked, when the corpus is missing.</summary>
    public static string Case(string name)
    {
        Assert.True(name != Missing && Directory.Exists(Root), $"NetworkPolicy cases not found: expected them at {Root} (../shared/netpol-cases next to the repository)");
        return Path.Combine(Root, name);
    }

    /// <summary>The rows of a case's <c>expected.tsv</c> (blank and <c>#</c> lines skipped), split at tabs.</summary>
    public static List<string[]> Rows(string caseDirectory)
        => [.. File.ReadLines(Path.Combine(caseDirectory, "expected.tsv")).Where(l => l.Length > 0 && !l.StartsWith('#')).Select(l => l.Split('\t'))];

    /// <summary>Walks up from the test assembly to the repository (the folder with Podnet.slnx), then to its sibling shared/netpol-cases.</summary>
    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Podnet.slnx")))
        {
            dir = dir.Parent;
        }

        var repoParent = dir?.Parent?.FullName ?? Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "..", ".."));
        return Path.Combine(repoParent, "shared", "netpol-cases");
    }
}

using System.Text.Json.Nodes;
using Podnet.Kube.Serialization;
using Podnet.Tests.TestSupport;

namespace Podnet.Tests.Kube.Serialization;

/// <summary>
/// The subset reader must give exactly what YamlDotNet's reading gives (JSON, key order, number or string, document
/// lines), or give up; these read texts both ways.
/// </summary>
public class YamlSubsetReaderTests
{
    /// <summary>Reads <paramref name="text"/> both ways; true when the subset reader took it (and agreed).</summary>
    private static bool ReadsAlike(string text, bool yaml11Booleans = true)
    {
        var subset = YamlSubsetReader.TryRead(text, "t.yaml", yaml11Booleans);
        if (subset is null)
        {
            return false;
        }

        List<YamlDocument> full;
        try
        {
            full = new YamlManifestReader(text, "t.yaml", yaml11Booleans).ReadAll();
        }
        catch (ManifestSyntaxException ex)
        {
            Assert.Fail($"the subset reader took a text YamlDotNet refuses ({ex.Message}):\n{text}");
            throw;
        }

        Assert.Equal(full.Count, subset.Count);
        for (var i = 0; i < full.Count; i++)
        {
            Assert.Equal(full[i].Index, subset[i].Index);
            Assert.Equal(full[i].Source, subset[i].Source);
            Assert.True(full[i].Line == subset[i].Line, $"document {i}: YamlDotNet says line {full[i].Line}, the subset reader {subset[i].Line}:\n{text}");
            Assert.Equal(full[i].Content?.ToJsonString(), subset[i].Content?.ToJsonString());
            Assert.True(JsonNode.DeepEquals(full[i].Content, subset[i].Content));
        }

        return true;
    }

    public static TheoryData<string> Taken() =>
    [
        "apiVersion: v1\nkind: Pod\nmetadata: {name: web-0, namespace: ns-0, labels: {app: web, tier: front } }\nspec: {containers: [{name: main, ports: [{containerPort: 80, name: http }] }] }\nstatus: {podIP: 10.1.0.1 }\n",
        "a: 1\n---\nb: 2\n",
        "---\na: 1\n---\nb: [x, y]\n---\n",
        "# leading comment\n\na: 1 # trailing\nb:   two words  \n",
        "spec:\n  containers:\n  - name: a\n    image: nginx:1.25\n    ports:\n    - containerPort: 80\n      protocol: TCP\n  - name: b\n",
        "list:\n  - 1\n  - 1.20\n  - 0755\n  - yes\n  - ~\n  - null\n  - -3\n  - 1e3\n  - 0x1F\n",
        "q: 'it''s'\nd: \"plain double\"\ne: ''\nf: \"\"\n\"quoted key\": v\n'single': w\n",
        "cidr: 10.0.0.0/16\nurl: http://example.com/x\narn: arn:aws:iam::123456789012:role/x\nport: \"8080\"\n",
        "a:\nb:\n  c:\n  d: x\n",
        "items:\n-\n  a: 1\n- # comment\n  b: 2\n-\n",
        "m: {}\ns: []\nnest: {a: {b: [1, [2, 3], {c: d}]}}\n",
        "xa: a :b\nya: a#b\nz: 2001-12-14t21:59:43.10-05:00\nw: 2002-12-14\n",
        "app.kubernetes.io/name: web\nvpc.amazonaws.com/pod-eni: '[{\"eniId\":\"eni-1\"}]'\n",
        "crlf: 1\r\nnext: [a, b]\r\n",
        "{a: 1, b: [x]}\n",
        "- a\n- b: c\n  d: e\n",
        "k: on\nl: y\n",
        "",
        "# only a comment\n",
    ];

    [Theory]
    [MemberData(nameof(Taken))]
    public void SubsetReader_CommonManifestForms_AreTakenAndReadAsYamlDotNetReadsThem(string text)
    {
        Assert.True(ReadsAlike(text), $"the subset reader gave up on:\n{text}");
        Assert.True(ReadsAlike(text, yaml11Booleans: false), $"the subset reader gave up (YAML 1.2 booleans) on:\n{text}");
    }

    public static TheoryData<string> LeftToYamlDotNet() =>
    [
        "a: |\n  block\n",
        "a: >\n  folded\n",
        "a: &x 1\nb: *x\n",
        "base: &b {x: 1}\nc:\n  <<: *b\n",
        "a: !!str 1\n",
        "a: plain\n  continued\n",
        "a: \"esc\\n\"\n",
        "a: \"two\n  lines\"\n",
        "a: 1\na: 2\n",
        "m: {a: 1, a: 2}\n",
        "a:\tb\n",
        "\ta: 1\n",
        "a: [1, 2,\n  3]\n",
        "a: [1, 2, ]\n",
        "{\"a\":1}\n",
        "m: {a:b}\n",
        "a: b: c\n",
        "? complex\n: key\n",
        "1: one\n",
        "true: yes\n",
        "%YAML 1.1\n---\na: 1\n",
        "a: 1\n...\n",
        "--- {a: 1}\n",
        "  a: 1\n",
        "a: 1\rb: 2\n",
        "a: x\u0085y\n",
        "\uFEFFa: 1\n",
        "a: .inf\n",
        "- - a\n",
        "a: 1\n- b\n",
        "just a scalar\n",
        "a: {b: c} d\n",
        "a: 'x' y\n",
        "a: :x\n",
        "a: ?x\n",
    ];

    [Theory]
    [MemberData(nameof(LeftToYamlDotNet))]
    public void SubsetReader_WhatIsBeyondTheSubset_IsLeftToYamlDotNet(string text)
        => Assert.Null(YamlSubsetReader.TryRead(text, "t.yaml", yaml11Booleans: true));

    [Fact]
    public void SubsetReader_DuplicateKey_GetsYamlDotNetsErrorWithBothLines()
    {
        var error = Assert.Throws<ManifestSyntaxException>(() => YamlManifests.Parse("a: 1\nb: 2\na: 3\n", "dup.yaml"));
        Assert.Contains("mapping key \"a\" already defined at line 1", error.Message, StringComparison.Ordinal);
    }

    private static List<string> RepositoryYamlFiles()
    {
        var examples = PodnetCli.Examples();
        var shared = Path.GetDirectoryName(NetpolCorpus.Root)!;
        var files = new[] { examples, shared }
            .Where(Directory.Exists)
            .SelectMany(dir => Directory.EnumerateFiles(dir, "*.*", SearchOption.AllDirectories))
            .Where(f => f.EndsWith(".yaml", StringComparison.Ordinal) || f.EndsWith(".yml", StringComparison.Ordinal))
            .ToList();
        Assert.True(files.Count >= 20, $"expected the examples' and ../shared's YAML files, found {files.Count} under {examples} and {shared}");
        return files;
    }

    [Fact]
    public void SubsetReader_EveryYamlFileOfTheRepositoryAndShared_ReadsAsYamlDotNetReadsIt()
    {
        var files = RepositoryYamlFiles();
        var taken = files.Count(file => ReadsAlike(File.ReadAllText(file)));

        // Most are in the subset; the test is that every one taken agrees, and that the subset is not empty.
        Assert.True(taken * 2 >= files.Count, $"the subset reader took only {taken} of {files.Count} files");
    }

    /// <summary>
    /// Texts one edit away from real ones (a character of YAML's syntax put in, taken out or doubled) find the edges of
    /// the subset: each is either read alike or left to YamlDotNet — never read differently, never taken where
    /// YamlDotNet refuses it.
    /// </summary>
    [Fact]
    public void SubsetReader_TextsOneEditFromRealOnes_AreReadAlikeOrLeftToYamlDotNet()
    {
        var texts = RepositoryYamlFiles().Select(File.ReadAllText).Where(t => t.Length < 20_000).ToList();
        var random = new Random(20261130);
        const string Syntax = " :-#{}[],'\"\n\t&*!|>?%@`~.01yn";
        var taken = 0;
        for (var run = 0; run < 3000; run++)
        {
            var text = texts[random.Next(texts.Count)];
            var at = random.Next(text.Length + 1);
            var edited = random.Next(3) switch
            {
                0 => text.Insert(at, Syntax[random.Next(Syntax.Length)].ToString()),
                1 when at < text.Length => text.Remove(at, 1),
                _ => text.Insert(at, text.Substring(at, Math.Min(random.Next(1, 8), text.Length - at))),
            };
            taken += ReadsAlike(edited) ? 1 : 0;
        }

        Assert.True(taken > 300, $"the subset reader took only {taken} of 3,000 edited texts");
    }
}

namespace Podnet.Kube.Serialization;

/// <summary>
/// Reads a large YAML stream on several threads: the text is cut at document start markers (a line that is
/// <c>---</c>), each piece is read as a stream of its own, and the pieces' documents are put back in order with their
/// indexes and lines counted from the start of the whole text. YAML makes such a cut safe: a <c>---</c> at the start
/// of a line ends whatever scalar or collection is open there (YAML 1.2 §9.1.4 document markers; YamlDotNet's scanner,
/// as libyaml's, takes one at column 0 as a document indicator in every context, and a quoted or flow scalar cut by
/// one is an error in the whole stream and in the piece alike), and anchors do not cross documents.
/// The result is the same as reading the whole text at once: when a piece fails to read, or the stream has
/// directives (<c>%YAML</c>, <c>%TAG</c>, which apply to the next document) or line breaks other than LF (which
/// YamlDotNet counts as lines too), the caller reads the whole text as before, so every error keeps its message and
/// position.
/// </summary>
internal static class YamlStreamChunks
{
    /// <summary>The length (in UTF-16 characters) from which a stream is worth cutting: about 4,000 pods of YAML.</summary>
    public const int MinimumLength = 1 << 20;

    /// <summary>A piece's target length: small enough to share the work between the cores, large enough that setting up a parser per piece costs nothing.</summary>
    private const int PieceLength = 256 * 1024;

    /// <summary>
    /// The documents of <paramref name="text"/>, read piece by piece on the thread pool; null when the text is short,
    /// there is one core, the text cannot be cut faithfully, or a piece does not read (the caller then reads it whole).
    /// </summary>
    public static List<YamlDocument>? TryRead(string text, string source, bool yaml11Booleans)
    {
        if (text.Length < MinimumLength || Environment.ProcessorCount < 2 || !CanCut(text))
        {
            return null;
        }

        var starts = Cuts(text);
        if (starts.Count < 2)
        {
            return null;
        }

        var pieces = new List<YamlDocument>?[starts.Count];
        var failed = 0;
        Parallel.For(0, starts.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, (i, state) =>
        {
            var end = i + 1 < starts.Count ? starts[i + 1] : text.Length;
            try
            {
                pieces[i] = new YamlManifestReader(text[starts[i]..end], source, yaml11Booleans).ReadAll();
            }
            catch (ManifestSyntaxException)
            {
                // Read whole, the error gets its own message and its position in the whole text.
                Interlocked.Exchange(ref failed, 1);
                state.Stop();
            }
        });

        if (failed != 0 || pieces.Any(p => p is null))
        {
            return null;
        }

        var documents = new List<YamlDocument>(pieces.Sum(p => p!.Count));
        var line = 0;
        for (var i = 0; i < pieces.Length; i++)
        {
            foreach (var doc in pieces[i]!)
            {
                documents.Add(doc with { Index = documents.Count, Line = doc.Line + line });
            }

            var end = i + 1 < starts.Count ? starts[i + 1] : text.Length;
            line += text.AsSpan(starts[i], end - starts[i]).Count('\n');
        }

        return documents;
    }

    /// <summary>Whether every line break is LF and no directive precedes a document (see the class).</summary>
    private static bool CanCut(string text)
        => text.AsSpan().IndexOfAny('\r', '\u0085', '\u2028') < 0
           && text.AsSpan().IndexOf('\u2029') < 0
           && !text.StartsWith('%')
           && !text.Contains("\n%", StringComparison.Ordinal);

    /// <summary>
    /// Where the pieces start: 0, then the first document marker line (<c>---</c> alone, or followed by a space or tab)
    /// at least <see cref="PieceLength"/> characters after the previous start.
    /// </summary>
    private static List<int> Cuts(string text)
    {
        var starts = new List<int> { 0 };
        var from = PieceLength;
        while (from < text.Length)
        {
            var at = text.IndexOf("\n---", from, StringComparison.Ordinal);
            if (at < 0)
            {
                break;
            }

            var marker = at + 1;
            var after = marker + 3;
            if (after == text.Length || text[after] is '\n' or ' ' or '\t')
            {
                starts.Add(marker);
                from = marker + PieceLength;
            }
            else
            {
                from = after;
            }
        }

        return starts;
    }
}

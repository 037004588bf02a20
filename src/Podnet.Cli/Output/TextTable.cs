using System.Text;

namespace Podnet.Cli.Output;

/// <summary>Columns as <c>kubectl get</c> prints them: upper-case headers, left-aligned, three spaces apart.</summary>
public sealed class TextTable
{
    private readonly string[] _headers;
    private readonly List<string[]> _rows = [];

    public TextTable(params string[] headers)
    {
        _headers = headers;
    }

    /// <summary>Spaces between columns: 3 as <c>kubectl get</c>, 2 as the event table of <c>kubectl describe</c>.</summary>
    public int Gap { get; init; } = 3;

    public void Add(params string[] cells)
    {
        if (cells.Length != _headers.Length)
        {
            throw new ArgumentException($"expected {_headers.Length} cells, got {cells.Length}", nameof(cells));
        }

        _rows.Add(cells);
    }

    public override string ToString()
    {
        var widths = _headers.Select((h, i) => _rows.Select(r => r[i].Length).Append(h.Length).Max()).ToArray();
        var text = new StringBuilder();
        foreach (var row in _rows.Prepend(_headers))
        {
            for (var i = 0; i < row.Length; i++)
            {
                text.Append(i == row.Length - 1 ? row[i] : row[i].PadRight(widths[i] + Gap));
            }

            text.Append('\n');
        }

        return text.ToString();
    }
}

using System.Globalization;
using System.Text;
using System.Xml;
using System.Xml.Linq;

namespace Podnet.Server.Aws;

/// <summary>
/// Builds the XML of query-protocol answers: elements named by the service model's <c>locationName</c> (EC2) or
/// member name (IAM, STS), absent values left out (botocore then leaves the key out of the CLI's JSON), lists as a
/// wrapper element of <c>&lt;item&gt;</c> (EC2) or <c>&lt;member&gt;</c> (query) children, as botocore's
/// <c>BaseXMLResponseParser</c> reads them.
/// </summary>
public static class AwsXml
{
    /// <summary>A text element, or null (left out) for a null value.</summary>
    public static XElement? Text(string name, string? value) => value is null ? null : new XElement(name, value);

    /// <summary>A boolean element: botocore reads only the literal <c>true</c> as true.</summary>
    public static XElement? Bool(string name, bool? value) => value is { } b ? new XElement(name, b ? "true" : "false") : null;

    /// <summary>An integer element.</summary>
    public static XElement? Int(string name, int? value) => value is { } n ? new XElement(name, n.ToString(CultureInfo.InvariantCulture)) : null;

    /// <summary>A timestamp element in ISO 8601 UTC with milliseconds, as EC2 and IAM write them.</summary>
    public static XElement? Timestamp(string name, DateTimeOffset? value)
        => value is { } t ? new XElement(name, t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)) : null;

    /// <summary>A structure element with its members (nulls left out).</summary>
    public static XElement Structure(string name, params object?[] members) => new(name, members.Where(m => m is not null));

    /// <summary>An EC2 list: <c>&lt;name&gt;&lt;item&gt;…&lt;/item&gt;…&lt;/name&gt;</c>.</summary>
    public static XElement Items<T>(string name, IEnumerable<T> items, Func<T, object?[]> members)
        => new(name, items.Select(i => new XElement("item", members(i).Where(m => m is not null))));

    /// <summary>An EC2 list of scalars: <c>&lt;name&gt;&lt;item&gt;value&lt;/item&gt;…&lt;/name&gt;</c>.</summary>
    public static XElement ItemValues(string name, IEnumerable<string> values) => new(name, values.Select(v => new XElement("item", v)));

    /// <summary>A query-protocol list: <c>&lt;name&gt;&lt;member&gt;…&lt;/member&gt;…&lt;/name&gt;</c>.</summary>
    public static XElement Members<T>(string name, IEnumerable<T> items, Func<T, object?[]> members)
        => new(name, items.Select(i => new XElement("member", members(i).Where(m => m is not null))));

    /// <summary>
    /// The document's text: an XML declaration, then <paramref name="root"/> with every element put in
    /// <paramref name="xmlNamespace"/> (the service's; none for EC2's error document).
    /// </summary>
    public static string Render(XElement root, string? xmlNamespace)
    {
        if (xmlNamespace is not null)
        {
            XNamespace ns = xmlNamespace;
            foreach (var element in root.DescendantsAndSelf())
            {
                element.Name = ns + element.Name.LocalName;
            }
        }

        // Text a client sent (a value echoed in an error's message) may hold characters XML 1.0 cannot carry (NUL,
        // other C0 controls, unpaired surrogates): they are written as U+FFFD, so the answer stays a document botocore
        // parses instead of the writer's ArgumentException (a bare 500).
        foreach (var text in root.DescendantNodes().OfType<XText>())
        {
            // XmlConvert.IsXmlChar is false for every surrogate, paired or not: Printable keeps the pairs.
            if (text.Value.Any(c => !XmlConvert.IsXmlChar(c)))
            {
                text.Value = Printable(text.Value);
            }
        }

        var settings = new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = false, OmitXmlDeclaration = false };
        using var stream = new MemoryStream();
        using (var writer = XmlWriter.Create(stream, settings))
        {
            root.WriteTo(writer);
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static string Printable(string value)
    {
        var text = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                text.Append(value[i]).Append(value[++i]);
            }
            else
            {
                text.Append(XmlConvert.IsXmlChar(value[i]) ? value[i] : '\uFFFD');
            }
        }

        return text.ToString();
    }
}

using System.Globalization;
using Podnet.Kube.Selectors;

namespace Podnet.Kube.Api;

/// <summary>
/// The API server's <c>Warning</c> response headers (RFC 7234), which kubectl prints as <c>Warning: …</c>:
/// k8s.io/apimachinery pkg/util/net's <c>NewWarningHeader</c> writes <c>299 - "text"</c>, the text quoted as Go's
/// strconv.Quote quotes it (quotes and control characters escaped, other text as it is — non-ASCII too).
/// </summary>
public static class WarningHeaders
{
    /// <summary>A warning of <paramref name="code"/> (299 for the API server's own) from <paramref name="agent"/> (<c>-</c>).</summary>
    public static string Format(int code, string agent, string text)
        => code.ToString("000", CultureInfo.InvariantCulture) + " " + agent + " " + FieldErrors.GoQuote(text);

    /// <summary>
    /// The warning for a field the kind does not have, dropped under <c>fieldValidation=Warn</c>:
    /// <c>299 - "unknown field \"spec.dta\""</c> (the field path quoted inside the quoted text).
    /// </summary>
    public static string UnknownField(string field) => Format(299, "-", "unknown field " + FieldErrors.GoQuote(field));
}

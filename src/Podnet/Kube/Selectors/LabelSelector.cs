using System.Text.Json;
using System.Text.Json.Nodes;

namespace Podnet.Kube.Selectors;

/// <summary>
/// A Kubernetes label selector (labels.Selector): requirements that must all match. Built from the string grammar
/// (<see cref="Parse"/>, as in <c>?labelSelector=</c>) or from a metav1.LabelSelector object
/// (<see cref="FromLabelSelector"/>, as in a Deployment's or NetworkPolicy's spec). Immutable.
/// </summary>
public sealed class LabelSelector
{
    private readonly bool _isNothing;

    private LabelSelector(IReadOnlyList<LabelRequirement> requirements, bool isNothing)
    {
        Requirements = requirements;
        _isNothing = isNothing;
    }

    /// <summary>Matches every label set (labels.Everything(), the empty selector).</summary>
    public static LabelSelector Everything { get; } = new([], isNothing: false);

    /// <summary>Matches no label set (labels.Nothing(), what a nil metav1.LabelSelector converts to).</summary>
    public static LabelSelector Nothing { get; } = new([], isNothing: true);

    /// <summary>The requirements, sorted by key (stable for equal keys), all of which must match.</summary>
    public IReadOnlyList<LabelRequirement> Requirements { get; }

    /// <summary>True when the selector has no requirements and so matches everything.</summary>
    public bool IsEverything => !_isNothing && Requirements.Count == 0;

    /// <summary>True for <see cref="Nothing"/>.</summary>
    public bool IsNothing => _isNothing;

    /// <summary>
    /// Parses the string form ("a=b,c!=d,e in (f,g),h notin (i),j,!k,x&gt;1,y&lt;2") as labels.Parse does; the empty
    /// string (or only whitespace) is <see cref="Everything"/>. Throws <see cref="SelectorException"/> with
    /// apimachinery's message, e.g. "unable to parse requirement: found '' expected: '('" for "a in".
    /// </summary>
    public static LabelSelector Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var requirements = LabelSelectorParser.Parse(text);
        return requirements.Count == 0 ? Everything : FromRequirements(requirements);
    }

    /// <summary>Parse without throwing; <paramref name="error"/> is the message <see cref="Parse"/> would throw.</summary>
    public static bool TryParse(string text, out LabelSelector selector, out string? error)
    {
        try
        {
            selector = Parse(text);
            error = null;
            return true;
        }
        catch (SelectorException e)
        {
            selector = Nothing;
            error = e.Message;
            return false;
        }
    }

    /// <summary>
    /// A selector from requirements (labels.NewSelector().Add(...)): sorted by key; no requirements is
    /// <see cref="Everything"/>.
    /// </summary>
    public static LabelSelector FromRequirements(IEnumerable<LabelRequirement> requirements)
    {
        ArgumentNullException.ThrowIfNull(requirements);
        var sorted = requirements.OrderBy(r => r.Key, StringComparer.Ordinal).ToArray();
        return sorted.Length == 0 ? Everything : new LabelSelector(sorted, isNothing: false);
    }

    /// <summary>A selector matching exactly these labels (labels.SelectorFromSet); no labels is <see cref="Everything"/>.</summary>
    public static LabelSelector FromSet(IReadOnlyDictionary<string, string> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        return FromRequirements(labels.Select(kv => new LabelRequirement(kv.Key, SelectorOperator.Equals, [kv.Value])));
    }

    /// <summary>
    /// An object's <c>spec.selector</c> (a PodDisruptionBudget's, a ReplicaSet's, a DaemonSet's), converted once per
    /// stored version (<see cref="Api.KubeObject.Facts{T}"/>): every pod change in its namespace may ask. An absent
    /// selector selects nothing (a budget's nil selector; workloads require one), and so does one that cannot be
    /// converted (validation lets none through; an object loaded as it was must not stop a controller).
    /// </summary>
    public static LabelSelector OfSpec(Api.KubeObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        return obj.Facts(static o =>
        {
            try
            {
                return o.Peek("spec.selector") is { } selector ? FromLabelSelector(selector) : Nothing;
            }
            catch (SelectorException)
            {
                return Nothing;
            }
        });
    }

    /// <summary>
    /// Converts a metav1.LabelSelector JSON object
    /// (<c>{"matchLabels":{"k":"v"},"matchExpressions":[{"key":"k","operator":"In","values":["v"]}]}</c>) as
    /// metav1.LabelSelectorAsSelector does, after the checks of ValidateLabelSelector.
    /// <para>
    /// A JSON null or absent selector is the caller's decision (apimachinery turns a nil selector into Nothing, but
    /// several APIs treat an absent selector as "all"), so a null <paramref name="selector"/> throws
    /// <see cref="ArgumentNullException"/>; use <see cref="Nothing"/> or <see cref="Everything"/> explicitly.
    /// An object with no matchLabels and no matchExpressions (<c>{}</c>) is <see cref="Everything"/>.
    /// </para>
    /// <para>
    /// Errors throw <see cref="SelectorException"/>: an unknown operator gives LabelSelectorAsSelector's
    /// "\"Foo\" is not a valid label selector operator"; otherwise the field errors ValidateLabelSelector would
    /// report, relative to <paramref name="fieldPath"/> (e.g. "spec.podSelector"), aggregated like the API server
    /// ("matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'").
    /// JSON of the wrong shape gives a message in the style of Go's encoding/json.
    /// </para>
    /// </summary>
    public static LabelSelector FromLabelSelector(JsonNode? selector, string? fieldPath = null)
    {
        ArgumentNullException.ThrowIfNull(selector);
        if (selector is not JsonObject obj)
        {
            throw new SelectorException($"json: cannot unmarshal {JsonKind(selector)} into Go value of type v1.LabelSelector");
        }

        var matchLabels = ReadMatchLabels(obj["matchLabels"]);
        var expressions = ReadMatchExpressions(obj["matchExpressions"]);

        // LabelSelectorAsSelector rejects operators it cannot convert before anything else is looked at.
        foreach (var expression in expressions)
        {
            if (ToOperator(expression.Operator) is null)
            {
                throw new SelectorException($"{FieldErrors.GoQuote(expression.Operator)} is not a valid label selector operator");
            }
        }

        var errors = new List<string>();
        var labelsPath = FieldErrors.Child(fieldPath, "matchLabels");
        foreach (var (key, value) in matchLabels)
        {
            errors.AddRange(LabelValidation.KeyErrors(key).Select(m => FieldErrors.Invalid(labelsPath, key, m)));
            errors.AddRange(LabelValidation.ValueErrors(value).Select(m => FieldErrors.Invalid(labelsPath, value, m)));
        }

        var expressionsPath = FieldErrors.Child(fieldPath, "matchExpressions");
        for (var i = 0; i < expressions.Count; i++)
        {
            var (key, op, values) = expressions[i];
            var path = FieldErrors.Index(expressionsPath, i);
            var valuesPath = FieldErrors.Child(path, "values");
            if (ToOperator(op) is SelectorOperator.In or SelectorOperator.NotIn)
            {
                if (values.Count == 0)
                {
                    errors.Add(FieldErrors.Required(valuesPath, "must be specified when `operator` is 'In' or 'NotIn'"));
                }
            }
            else if (values.Count > 0)
            {
                errors.Add(FieldErrors.Forbidden(valuesPath, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
            }

            var keyPath = FieldErrors.Child(path, "key");
            errors.AddRange(LabelValidation.KeyErrors(key).Select(m => FieldErrors.Invalid(keyPath, key, m)));
            for (var j = 0; j < values.Count; j++)
            {
                var valuePath = FieldErrors.Index(valuesPath, j);
                errors.AddRange(LabelValidation.ValueErrors(values[j]).Select(m => FieldErrors.Invalid(valuePath, values[j], m)));
            }
        }

        if (errors.Count > 0)
        {
            throw new SelectorException(FieldErrors.Aggregate(errors));
        }

        var requirements = new List<LabelRequirement>(matchLabels.Count + expressions.Count);
        requirements.AddRange(matchLabels.Select(kv => new LabelRequirement(kv.Key, SelectorOperator.Equals, [kv.Value])));
        requirements.AddRange(expressions.Select(e => new LabelRequirement(e.Key, ToOperator(e.Operator)!.Value, e.Values)));
        return FromRequirements(requirements);
    }

    /// <summary>True when every requirement matches; always false for <see cref="Nothing"/>.</summary>
    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (_isNothing)
        {
            return false;
        }

        // By index: the list's enumerator is an allocation, and a ReplicaSet's sync matches each pod it owns.
        for (var i = 0; i < Requirements.Count; i++)
        {
            if (!Requirements[i].Matches(labels))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The canonical string form as labels.Selector.String() prints it: requirements by key, joined by ",", values of
    /// "in"/"notin" sorted. Parsing it again gives an equal selector. <see cref="Everything"/> and, as in apimachinery,
    /// <see cref="Nothing"/> print as "". A parsed "==" prints as "=" (this type does not keep the spelling).
    /// </summary>
    public override string ToString() => string.Join(",", Requirements.Select(r => r.ToString()));

    private static SelectorOperator? ToOperator(string op) => op switch
    {
        "In" => SelectorOperator.In,
        "NotIn" => SelectorOperator.NotIn,
        "Exists" => SelectorOperator.Exists,
        "DoesNotExist" => SelectorOperator.DoesNotExist,
        _ => null,
    };

    private static List<KeyValuePair<string, string>> ReadMatchLabels(JsonNode? node)
    {
        var result = new List<KeyValuePair<string, string>>();
        if (node is null)
        {
            return result;
        }

        if (node is not JsonObject obj)
        {
            throw TypeError(node, "LabelSelector.matchLabels", "map[string]string");
        }

        foreach (var (key, value) in obj)
        {
            result.Add(new(key, ReadString(value, "LabelSelector.matchLabels")));
        }

        result.Sort((a, b) => string.CompareOrdinal(a.Key, b.Key));
        return result;
    }

    private static List<(string Key, string Operator, IReadOnlyList<string> Values)> ReadMatchExpressions(JsonNode? node)
    {
        var result = new List<(string, string, IReadOnlyList<string>)>();
        if (node is null)
        {
            return result;
        }

        if (node is not JsonArray array)
        {
            throw TypeError(node, "LabelSelector.matchExpressions", "[]v1.LabelSelectorRequirement");
        }

        foreach (var item in array)
        {
            if (item is null)
            {
                result.Add((string.Empty, string.Empty, []));
                continue;
            }

            if (item is not JsonObject expression)
            {
                throw TypeError(item, "LabelSelector.matchExpressions", "v1.LabelSelectorRequirement");
            }

            var key = expression["key"] is { } k ? ReadString(k, "LabelSelector.matchExpressions.key") : string.Empty;
            var op = expression["operator"] is { } o ? ReadString(o, "LabelSelector.matchExpressions.operator") : string.Empty;
            var values = new List<string>();
            switch (expression["values"])
            {
                case null:
                    break;
                case JsonArray list:
                    values.AddRange(list.Select(v => v is null ? string.Empty : ReadString(v, "LabelSelector.matchExpressions.values")));
                    break;
                case var other:
                    throw TypeError(other, "LabelSelector.matchExpressions.values", "[]string");
            }

            result.Add((key, op, values));
        }

        return result;
    }

    private static string ReadString(JsonNode? node, string field)
    {
        if (node is null)
        {
            return string.Empty; // encoding/json leaves a string at its zero value for null
        }

        if (node is JsonValue value && value.GetValueKind() == JsonValueKind.String)
        {
            return value.GetValue<string>();
        }

        throw TypeError(node, field, "string");
    }

    private static SelectorException TypeError(JsonNode node, string field, string type)
        => new($"json: cannot unmarshal {JsonKind(node)} into Go struct field {field} of type {type}");

    private static string JsonKind(JsonNode node) => node.GetValueKind() switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "bool",
        _ => "value",
    };
}

using System.Text.Json.Nodes;
using Podnet.Kube.Api;
using Podnet.Kube.Selectors;

namespace Podnet.Kube.Validation;

/// <summary>
/// metav1validation.ValidateLabelSelector: label keys and values of matchLabels, and each matchExpressions
/// requirement's operator, values and key. Runs on a selector that has already decoded as a v1.LabelSelector.
/// </summary>
public static class LabelSelectorValidation
{
    /// <summary>Adds the causes for the selector at <paramref name="path"/> (null: nothing to check).</summary>
    public static void Validate(JsonNode? selector, string path, List<StatusCause> causes)
    {
        ArgumentNullException.ThrowIfNull(causes);
        if (selector is not JsonObject json)
        {
            return;
        }

        if (json["matchLabels"] is JsonObject labels)
        {
            foreach (var (key, value) in labels)
            {
                AddIf(causes, $"{path}.matchLabels", key, LabelValidation.ValidateKey(key));
                var text = Text(value);
                AddIf(causes, $"{path}.matchLabels", text, LabelValidation.ValidateValue(text));
            }
        }

        var expressions = json["matchExpressions"] as JsonArray ?? [];
        for (var i = 0; i < expressions.Count; i++)
        {
            if (expressions[i] is not JsonObject requirement)
            {
                continue;
            }

            var at = $"{path}.matchExpressions[{i}]";
            var values = requirement["values"] as JsonArray ?? [];
            var op = Text(requirement["operator"]);
            switch (op)
            {
                case "In" or "NotIn" when values.Count == 0:
                    causes.Add(StatusCause.Required($"{at}.values", ValidationMessages.SelectorValuesRequired));
                    break;
                case "Exists" or "DoesNotExist" when values.Count > 0:
                    causes.Add(StatusCause.Forbidden($"{at}.values", ValidationMessages.SelectorValuesForbidden));
                    break;
                case "In" or "NotIn" or "Exists" or "DoesNotExist":
                    break;
                default:
                    causes.Add(StatusCause.Invalid($"{at}.operator", op, ValidationMessages.SelectorOperator));
                    break;
            }

            var key = Text(requirement["key"]);
            AddIf(causes, $"{at}.key", key, LabelValidation.ValidateKey(key));
            for (var v = 0; v < values.Count; v++)
            {
                var value = Text(values[v]);
                AddIf(causes, $"{at}.values[{v}]", value, LabelValidation.ValidateValue(value));
            }
        }
    }

    private static void AddIf(List<StatusCause> causes, string field, string value, string? error)
    {
        if (error is not null)
        {
            causes.Add(StatusCause.Invalid(field, value, error));
        }
    }

    private static string Text(JsonNode? node) => node is JsonValue v && v.TryGetValue<string>(out var s) ? s : string.Empty;
}

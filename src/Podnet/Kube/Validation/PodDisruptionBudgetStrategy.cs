using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Podnet.Kube.Api;

namespace Podnet.Kube.Validation;

/// <summary>
/// PodDisruptionBudgets (pkg/apis/policy/validation ValidatePodDisruptionBudgetSpec): not both <c>minAvailable</c> and
/// <c>maxUnavailable</c>; each a non-negative integer or a percentage of at most 100% (ValidatePositiveIntOrPercent,
/// IsNotMoreThan100Percent); a valid selector; <c>unhealthyPodEvictionPolicy</c> IfHealthyBudget or AlwaysAllow.
/// </summary>
public sealed partial class PodDisruptionBudgetStrategy() : KindStrategy("policy", "PodDisruptionBudget", GoTypes.Kind(
    "v1.PodDisruptionBudget",
    ("spec", GoType.Struct("v1.PodDisruptionBudgetSpec", new Dictionary<string, GoType>
    {
        ["minAvailable"] = GoType.IntOrString,
        ["maxUnavailable"] = GoType.IntOrString,
        ["selector"] = GoTypes.LabelSelector,
        ["unhealthyPodEvictionPolicy"] = GoType.String("v1.UnhealthyPodEvictionPolicyType"),
    })),
    ("status", GoType.Any)))
{
    /// <inheritdoc/>
    public override void Validate(JsonObject obj, ValidationOptions options, List<StatusCause> causes)
    {
        ArgumentNullException.ThrowIfNull(obj);
        ArgumentNullException.ThrowIfNull(causes);
        var spec = obj["spec"] as JsonObject;
        if (spec?["minAvailable"] is not null && spec["maxUnavailable"] is not null)
        {
            // field.Invalid(spec, spec, …): Go prints the whole spec struct as the value; its JSON here.
            causes.Add(new StatusCause("FieldValueInvalid", $"Invalid value: {spec.ToJsonString()}: minAvailable and maxUnavailable cannot be both set", "spec"));
        }

        foreach (var field in new[] { "minAvailable", "maxUnavailable" })
        {
            if (spec?[field] is { } value)
            {
                IntOrPercent(value, $"spec.{field}", causes);
            }
        }

        LabelSelectorValidation.Validate(spec?["selector"], "spec.selector", causes);
        if (JsonText.String(spec?["unhealthyPodEvictionPolicy"]) is { } policy && policy is not ("IfHealthyBudget" or "AlwaysAllow"))
        {
            causes.Add(StatusCause.NotSupported("spec.unhealthyPodEvictionPolicy", policy, ["AlwaysAllow", "IfHealthyBudget"]));
        }
    }

    /// <summary>apps validation's ValidatePositiveIntOrPercent and IsNotMoreThan100Percent.</summary>
    private static void IntOrPercent(JsonNode value, string path, List<StatusCause> causes)
    {
        if (JsonText.String(value) is { } text)
        {
            if (!Percent().IsMatch(text))
            {
                causes.Add(StatusCause.Invalid(path, text, "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"));
            }
            else if (int.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var percent) && percent > 100)
            {
                causes.Add(StatusCause.Invalid(path, text, "must not be greater than 100%"));
            }
        }
        else if (value is JsonValue number && number.TryGetValue<int>(out var count) && count < 0)
        {
            causes.Add(StatusCause.Invalid(path, count, "must be greater than or equal to 0"));
        }
    }

    [GeneratedRegex("^[0-9]+%$")]
    private static partial Regex Percent();
}

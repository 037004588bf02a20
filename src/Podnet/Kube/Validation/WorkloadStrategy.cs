using System.Text.Json.Nodes;
using Podnet.Kube.Api;
using Podnet.Kube.Selectors;

namespace Podnet.Kube.Validation;

/// <summary>
/// The apps/v1 workloads (Deployment, ReplicaSet, DaemonSet, StatefulSet; pkg/apis/apps/validation): replicas not
/// negative, a selector that is valid, not empty and matches the template's labels, and the template's pod spec.
/// </summary>
/// <param name="kind">Deployment, ReplicaSet, DaemonSet or StatefulSet.</param>
/// <param name="spec">The kind's spec type.</param>
/// <param name="emptySelectorName">The kind as the "empty selector is invalid for …" message names it.</param>
/// <param name="specDefaults">The kind's own spec defaults (SetDefaults_Deployment …); null when Podnet fills none.</param>
public sealed class WorkloadStrategy(string kind, GoType spec, string emptySelectorName, Action<JsonObject>? specDefaults)
    : KindStrategy("apps", kind, GoTypes.Kind($"v1.{kind}", ("spec", spec), ("status", GoType.Any)))
{
    /// <inheritdoc/>
    public override bool HasDefaults => specDefaults is not null;

    /// <inheritdoc/>
    public override void Default(JsonObject obj, bool create)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var specJson = obj.GetOrAddObject("spec");
        specDefaults?.Invoke(specJson);
        PodSpecDefaults.Apply(specJson.GetOrAddObject("template").GetOrAddObject("spec"));
    }

    /// <inheritdoc/>
    public override void Validate(JsonObject obj, ValidationOptions options, List<StatusCause> causes)
    {
        ArgumentNullException.ThrowIfNull(obj);
        ArgumentNullException.ThrowIfNull(causes);
        var specJson = obj["spec"] as JsonObject;
        if (JsonText.Integer(specJson?["replicas"]) is { } replicas and < 0)
        {
            causes.Add(StatusCause.Invalid("spec.replicas", replicas, ValidationMessages.NonNegative));
        }

        var template = specJson?["template"] as JsonObject;
        PodSpecValidation.Validate(template?["spec"] as JsonObject, "spec.template.spec", new ValidationOptions(Lenient: false), causes);
        if (specJson?["selector"] is not JsonObject selectorJson)
        {
            causes.Add(StatusCause.Required("spec.selector"));
            return;
        }

        var before = causes.Count;
        LabelSelectorValidation.Validate(selectorJson, "spec.selector", causes);
        if (causes.Count > before)
        {
            return;
        }

        LabelSelector selector;
        try
        {
            selector = LabelSelector.FromLabelSelector(selectorJson);
        }
        catch (SelectorException e)
        {
            causes.Add(StatusCause.Invalid("spec.selector", selectorJson.ToJsonString(), e.Message));
            return;
        }

        if (selector.IsEverything)
        {
            causes.Add(StatusCause.Invalid("spec.selector", selectorJson.ToJsonString(), $"empty selector is invalid for {emptySelectorName}"));
            return;
        }

        var labels = (template?["metadata"]?["labels"] as JsonObject ?? [])
            .ToDictionary(p => p.Key, p => JsonText.String(p.Value) ?? string.Empty, StringComparer.Ordinal);
        if (!selector.Matches(labels))
        {
            var shown = "map[string]string{" + string.Join(", ", labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"\"{l.Key}\":\"{l.Value}\"")) + "}";
            causes.Add(new StatusCause("FieldValueInvalid", $"Invalid value: {shown}: `selector` does not match template `labels`", "spec.template.metadata.labels"));
        }
    }
}

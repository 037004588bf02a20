using Podnet.Tests.TestSupport;

namespace Podnet.Tests.Kube.Validation;

/// <summary>PodDisruptionBudgets the API server refuses are refused in its words (ValidatePodDisruptionBudgetSpec).</summary>
public class PodDisruptionBudgetStrategyTests
{
    private const string Prefix = "w.yaml: document 1 (line 1, PodDisruptionBudget b): Error from server (Invalid): PodDisruptionBudget.policy \"b\" is invalid: ";

    private static string Budget(string spec) => $"apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {{name: b}}\nspec: {spec}\n";

    [Theory]
    [InlineData("{minAvailable: 150%, selector: {matchLabels: {app: web}}}", "spec.minAvailable: Invalid value: \"150%\": must not be greater than 100%")]
    [InlineData("{maxUnavailable: half, selector: {matchLabels: {app: web}}}", "spec.maxUnavailable: Invalid value: \"half\": a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')")]
    [InlineData("{minAvailable: -1, selector: {matchLabels: {app: web}}}", "spec.minAvailable: Invalid value: -1: must be greater than or equal to 0")]
    [InlineData("{minAvailable: 1, unhealthyPodEvictionPolicy: Never}", "spec.unhealthyPodEvictionPolicy: Unsupported value: \"Never\": supported values: \"AlwaysAllow\", \"IfHealthyBudget\"")]
    [InlineData("{minAvailable: 1, selector: {matchExpressions: [{key: app, operator: In}]}}", "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'")]
    public void PodDisruptionBudget_InvalidField_IsRejectedWithApiServerMessage(string spec, string cause)
        => Assert.Equal(Prefix + cause, BadWorlds.LoadError(Budget(spec)));

    [Fact]
    public void PodDisruptionBudget_BothBounds_IsRejected()
        => Assert.StartsWith(Prefix + "spec: Invalid value: ", BadWorlds.LoadError(Budget("{minAvailable: 1, maxUnavailable: 1}")), StringComparison.Ordinal);

    [Fact]
    public void PodDisruptionBudget_WithoutSelector_LoadsAndSelectsNothing()
    {
        var world = Podnet.World.WorldLoader.Load([new Podnet.World.WorldSource("w.yaml", Budget("{minAvailable: 1}"))]);

        var budget = world.ControlPlane.Store.Get(world.ControlPlane.Store.Resources.For("policy/v1", "PodDisruptionBudget"), "default", "b");
        Assert.Equal(0, budget.Peek("status.expectedPods")!.GetValue<int>());
    }
}

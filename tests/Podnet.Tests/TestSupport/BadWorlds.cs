using Podnet.World;

namespace Podnet.Tests.TestSupport;

/// <summary>Loads a policy-only world from YAML text and returns the one error line podnet would print for it.</summary>
public static class BadWorlds
{
    /// <summary>The message of the load's <see cref="WorldException"/>; fails when the world loads.</summary>
    public static string LoadError(string yaml, string file = "w.yaml")
        => Assert.Throws<WorldException>(() => WorldLoader.Load([new WorldSource(file, yaml)])).Message;

    /// <summary>A pod of namespace default with <paramref name="spec"/> (flow YAML) and optional status.</summary>
    public static string Pod(string name, string spec, string? status = null)
        => $"apiVersion: v1\nkind: Pod\nmetadata: {{name: {name}}}\nspec: {spec}\n" + (status is null ? string.Empty : $"status: {status}\n");

    /// <summary>A NetworkPolicy of namespace default with <paramref name="spec"/> (flow YAML).</summary>
    public static string Policy(string name, string spec)
        => $"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{name: {name}}}\nspec: {spec}\n";
}

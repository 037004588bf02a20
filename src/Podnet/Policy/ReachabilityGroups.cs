using System.Text.Json.Nodes;
using Podnet.Kube.Api;
using Podnet.Kube.Selectors;
using Podnet.Kube.Views;

namespace Podnet.Policy;

/// <summary>
/// FROM and TO that name several pods, as users name them to kubectl: a workload (<c>deploy/NS/NAME</c>,
/// <c>ds/NS/NAME</c>, <c>sts/NS/NAME</c>, also <c>rs/</c> and the long and plural forms) or a label selector in a
/// namespace (<c>NS/app=web</c>, any <c>kubectl get -l</c> selector). The pods are those kubectl would choose from:
/// the workload's <c>spec.selector</c> in its namespace (kubectl's <c>polymorphichelpers.SelectorsForObject</c>, which
/// <c>attachablePodForObject</c> uses for <c>kubectl exec deploy/NAME</c>), or the selector's matches.
/// </summary>
public sealed partial class Reachability
{
    /// <summary>The workload kinds FROM and TO may name: their resources, so short, singular and plural names all work.</summary>
    private static readonly string[] WorkloadKinds = ["Deployment", "DaemonSet", "StatefulSet", "ReplicaSet"];

    /// <summary>
    /// The pods FROM or TO names when it is a workload or a selector: null when <paramref name="text"/> is neither
    /// (then it is one pod, node or address); otherwise the pods, by namespace and name, with
    /// <paramref name="error"/> set (and no pods) when the workload does not exist or the selector does not parse.
    /// </summary>
    private List<PodView>? GroupPods(string role, string text, out string? error)
    {
        error = null;
        var store = _world.ControlPlane.Store;
        var parts = text.Split('/');
        if (parts.Length == 3 && WorkloadResource(parts[0]) is { } resource)
        {
            var workload = store.TryGet(resource, parts[1], parts[2]);
            if (workload is null)
            {
                // The API server's NotFound, as kubectl exec deploy/NAME prints it.
                error = $"{role} \"{text}\": {resource.QualifiedResource} \"{parts[2]}\" not found in namespace {parts[1]}";
                return [];
            }

            LabelSelector selector;
            try
            {
                selector = LabelSelector.FromLabelSelector(workload["spec.selector"] ?? new JsonObject());
            }
            catch (SelectorException e)
            {
                error = $"{role} \"{text}\": spec.selector: {e.Message}";
                return [];
            }

            return NonEmpty(role, text, Matching(parts[1], selector), $"{resource.QualifiedResource} \"{parts[2]}\" has no pods", ref error);
        }

        if (parts.Length == 2 && parts[0].Length > 0 && LooksLikeSelector(parts[1]))
        {
            if (!LabelSelector.TryParse(parts[1], out var selector, out var parseError))
            {
                error = $"{role} \"{text}\": {parseError}";
                return [];
            }

            return NonEmpty(role, text, Matching(parts[0], selector), $"no pod in namespace {parts[0]} matches {parts[1]}", ref error);
        }

        return null;
    }

    /// <summary>A group with no pods cannot be judged: an error rather than a verdict about nothing.</summary>
    private static List<PodView> NonEmpty(string role, string text, List<PodView> pods, string empty, ref string? error)
    {
        if (pods.Count == 0)
        {
            error = $"{role} \"{text}\": {empty}";
        }

        return pods;
    }

    private List<PodView> Matching(string ns, LabelSelector selector)
        => [.. _world.ControlPlane.Store.List("v1", "Pod", ns).Items
            .Select(p => PodView.Of(p))
            .Where(p => !p.IsTerminating && !p.IsFinished && selector.Matches(p.Object.Labels))
            .OrderBy(p => p.Name, StringComparer.Ordinal)];

    private KubeResource? WorkloadResource(string type)
        => WorkloadKinds.Select(kind => _world.ControlPlane.Store.Resources.For("apps/v1", kind))
            .FirstOrDefault(r => type == r.Singular || type == r.Plural || type == $"{r.Plural}.{r.Group}" || type == $"{r.Singular}.{r.Group}" || r.ShortNames.Contains(type));

    /// <summary>A pod name never holds these; a label selector needs one (<c>app=web</c>, <c>tier in (a,b)</c>, <c>!canary</c>).</summary>
    private static bool LooksLikeSelector(string text) => text.IndexOfAny(['=', '!', '(', ',', ' ', '<', '>']) >= 0;

    /// <summary>
    /// Every connection between the pods of FROM and of TO (a group on either side), judged one by one: ALLOWED only
    /// when each is, since "a pod of deploy/web can reach the database" should hold whichever pod kubectl picks. The
    /// first step names the pods (and those that are not running, which take no part); then each connection's steps,
    /// prefixed with <c>FROM -&gt; TO: </c>. A pod to itself is left out.
    /// </summary>
    private ReachResult EvaluateGroups(string fromText, List<Endpoint> sources, List<PodView>? fromGroup, string toText, List<Endpoint>? destinations, List<PodView>? toGroup, Func<Endpoint, string, ReachResult> toService, PortSpec spec)
    {
        var hops = new List<Hop>();
        var running = new List<string>();
        foreach (var (text, group, members) in new[] { (fromText, fromGroup, sources), (toText, toGroup, destinations) })
        {
            if (group is null || members is null)
            {
                continue;
            }

            var down = group.Where(p => NotRunning(PodEndpoint(p)) is not null).Select(p => $"{p.Namespace}/{p.Name}").ToList();
            running.Add($"{text} is {Count(group.Count, "pod")}{(group.Count == 0 ? string.Empty : $" ({string.Join(", ", group.Select(p => $"{p.Namespace}/{p.Name}"))})")}"
                        + (down.Count == 0 ? string.Empty : $", {string.Join(", ", down)} not running (no address yet)"));
        }

        var results = new List<(string Prefix, ReachResult Result)>();
        foreach (var source in sources)
        {
            if (destinations is null)
            {
                results.Add(($"{source.Display} -> {toText}: ", toService(source, toText)));
                continue;
            }

            foreach (var destination in destinations.Where(d => !(d.IsPod && source.IsPod && d.Display == source.Display)))
            {
                results.Add(($"{source.Display} -> {destination.Display}: ", Evaluate(source, destination, spec)));
            }
        }

        // A question that cannot be answered for one source (an ExternalName's host name) cannot be for the group.
        if (results.Find(r => r.Result.ErrorMessage is not null) is { Result.ErrorMessage: { } error })
        {
            return ReachResult.Error(error);
        }

        var allowed = results.Count > 0 && results.All(r => r.Result.Allowed);
        var summary = string.Join("; ", running)
                      + (results.Count == 0 ? "; no connection to judge (a pod to itself is left out)" : $"; {results.Count(r => r.Result.Allowed)} of {Count(results.Count, "connection")} allowed");
        hops.Add(new Hop("pods", allowed, summary));
        foreach (var (prefix, result) in results)
        {
            hops.AddRange(result.Hops.Select(h => h with { Step = prefix + h.Step }));
        }

        return new ReachResult(allowed, hops, null);
    }

    /// <summary>The members of a group that take part: those with an address, else (none has one) all, so each says why not.</summary>
    private List<Endpoint> Members(List<PodView> group)
    {
        var endpoints = group.Select(PodEndpoint).ToList();
        var withAddress = endpoints.Where(e => NotRunning(e) is null).ToList();
        return withAddress.Count > 0 ? withAddress : endpoints;
    }

    private static string Count(int n, string noun) => n == 1 ? $"1 {noun}" : $"{n.ToString(System.Globalization.CultureInfo.InvariantCulture)} {noun}s";
}

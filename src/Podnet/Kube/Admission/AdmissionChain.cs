using System.Text.Json.Nodes;
using Podnet.Kube.Api;

namespace Podnet.Kube.Admission;

/// <summary>
/// Admission in the API server's order: built-in mutation (defaulting and the built-in plugins), mutating
/// webhooks in registration order (then the built-in plugins once more if a webhook changed the object), object
/// validation, then validating webhooks. A webhook that fails is
/// skipped under <see cref="FailurePolicy.Ignore"/> and rejects the request under <see cref="FailurePolicy.Fail"/>.
/// </summary>
public sealed class AdmissionChain
{
    private readonly List<AdmissionWebhook> _webhooks = [];
    private readonly List<IAdmissionPlugin> _plugins = [];

    public AdmissionChain(IEnumerable<IAdmissionPlugin>? plugins = null)
    {
        _plugins.AddRange(plugins ?? []);
    }

    public IReadOnlyList<AdmissionWebhook> Webhooks => _webhooks;

    public void AddPlugin(IAdmissionPlugin plugin) => _plugins.Add(plugin);

    public void Register(AdmissionWebhook webhook)
    {
        if (_webhooks.Exists(w => w.Name == webhook.Name))
        {
            throw new ArgumentException($"an admission webhook named {webhook.Name} is already registered", nameof(webhook));
        }

        _webhooks.Add(webhook);
    }

    public void Unregister(string name) => _webhooks.RemoveAll(w => w.Name == name);

    /// <summary>Runs the chain; returns the admitted object (possibly mutated) or throws the API server's error.</summary>
    public KubeObject? Admit(AdmissionRequest request)
    {
        var current = MutateAll(request);

        var changed = false;
        // Loops, not queries: every write of the store comes through here, and most clusters register no webhook.
        foreach (var webhook in _webhooks)
        {
            if (!webhook.Mutating)
            {
                continue;
            }

            if (Call(webhook, current) is { Patched: { } mutated } answer && !JsonNode.DeepEquals(mutated.Raw, current.Object?.Raw))
            {
                changed = true;
                // What a webhook answers may be held elsewhere, unless it says it made it for this answer: the plugins
                // that run again copy before they change it.
                current = current with { Object = mutated, Owned = answer.PatchedIsOwn };
            }
        }

        // A webhook changed the object: the built-in plugins run once more on what it made, as the API server's
        // reinvoker does (apiserver's admission/reinvocation.go; the mutating dispatcher sets ShouldReinvoke on a
        // change). So a pod-eni request added by the resource controller's webhook gets its toleration.
        if (changed)
        {
            current = MutateAll(current);
        }

        foreach (var plugin in _plugins)
        {
            var causes = plugin.Validate(current);
            if (causes.Count > 0)
            {
                throw KubeException.Invalid(current.Resource, current.Name, causes);
            }
        }

        foreach (var webhook in _webhooks)
        {
            if (!webhook.Mutating)
            {
                Call(webhook, current);
            }
        }

        return current.Object;
    }

    /// <summary>
    /// The built-in mutating plugins in order, each given what the one before made. A plugin that leaves the object
    /// as it is (most, for most objects) makes no new request: every write runs the chain.
    /// </summary>
    private AdmissionRequest MutateAll(AdmissionRequest request)
    {
        var current = request;
        foreach (var plugin in _plugins)
        {
            var mutated = plugin.Mutate(current);
            if (!ReferenceEquals(mutated, current.Object))
            {
                current = current with { Object = mutated };
            }
        }

        return current;
    }

    /// <summary>The webhook's answer when it matches and allows (null for a validating one's, or one ignored).</summary>
    private static AdmissionResult? Call(AdmissionWebhook webhook, AdmissionRequest request)
    {
        if (!webhook.Matches(request))
        {
            return null;
        }

        AdmissionResult result;
        try
        {
            result = webhook.Handle(request);
        }
        catch (Exception e) when (e is not KubeException)
        {
            if (webhook.FailurePolicy == FailurePolicy.Ignore)
            {
                return null;
            }

            throw new KubeException("InternalError", $"Internal error occurred: failed calling webhook \"{webhook.Name}\": {e.Message}", 500);
        }

        if (!result.Allowed)
        {
            // The API server never answers a rejection with a code below 400.
            var code = result.Code < 400 ? 400 : result.Code;
            var message = $"admission webhook \"{webhook.Name}\" denied the request" + (string.IsNullOrEmpty(result.Message) ? " without explanation" : $": {result.Message}");
            throw new KubeException(result.Reason, message, code);
        }

        return webhook.Mutating ? result : null;
    }
}

/// <summary>A built-in admission step: defaulting and plugins mutate, then validation reports causes.</summary>
public interface IAdmissionPlugin
{
    KubeObject? Mutate(AdmissionRequest request) => request.Object;

    IReadOnlyList<StatusCause> Validate(AdmissionRequest request) => [];
}

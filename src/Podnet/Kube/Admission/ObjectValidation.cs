using System.Text.RegularExpressions;
using Podnet.Kube.Api;
using Podnet.Kube.Selectors;
using Podnet.Kube.Validation;

namespace Podnet.Kube.Admission;

/// <summary>
/// The API server's validation step of admission: object metadata (names, labels) for every kind, then the kind's
/// own field validation from its <see cref="KindStrategy"/>, in the API server's words.
/// </summary>
public sealed partial class ObjectValidation : IAdmissionPlugin
{
    /// <summary>
    /// The user a world is loaded as. Worlds describe networking, and test manifests generated from code bend rules
    /// that do not touch it: names outside RFC 1123, containers without an image or sharing a name. A world may do
    /// that; an API client may not.
    /// </summary>
    public const string WorldLoaderUser = "podnet:world-loader";

    private const string Dns1123SubdomainMessage = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
    private const string Dns1123LabelMessage = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
    private const string Dns1035LabelMessage = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

    public IReadOnlyList<StatusCause> Validate(AdmissionRequest request)
    {
        // A status update keeps everything but status as it was, already validated; the strategies' status checks
        // (ValidatePodStatusUpdate and kin) are not modelled, so nothing is left to check here.
        if (request.Object is not { } obj || request.Operation == AdmissionOperation.Delete || request.SubResource == "status")
        {
            return [];
        }

        var causes = new List<StatusCause>();
        var lenient = request.UserName == WorldLoaderUser;
        ValidateMetadata(request.Resource, obj, causes, lenient);
        KindStrategies.For(request.Resource)?.Validate(obj.Raw, new ValidationOptions(lenient), causes);
        return causes;
    }

    private static void ValidateMetadata(KubeResource resource, KubeObject obj, List<StatusCause> causes, bool lenient)
    {
        var name = obj.Name;
        var labelNamed = resource.Kind is "Namespace" && resource.Group.Length == 0;
        var dns1035 = resource.Kind is "Service" && resource.Group.Length == 0;
        // An Event's name is not checked (the recorder's are "<object>.<hex>", whatever the object's name), so it is not
        // matched either: an Event is the object written most.
        var check = !lenient && resource.Kind is not "Event";
        var valid = !check || (dns1035 ? Dns1035Label().IsMatch(name) && name.Length <= 63
            : labelNamed ? Dns1123Label().IsMatch(name) && name.Length <= 63
            : Dns1123Subdomain().IsMatch(name) && name.Length <= 253);
        if (!valid)
        {
            causes.Add(StatusCause.Invalid("metadata.name", name, dns1035 ? Dns1035LabelMessage : labelNamed ? Dns1123LabelMessage : Dns1123SubdomainMessage));
        }

        foreach (var (key, value) in obj.Labels)
        {
            if (LabelValidation.ValidateKey(key) is { } keyError)
            {
                causes.Add(StatusCause.Invalid("metadata.labels", key, keyError));
            }

            if (LabelValidation.ValidateValue(value) is { } valueError)
            {
                causes.Add(StatusCause.Invalid("metadata.labels", value, valueError));
            }
        }
    }

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex Dns1123Subdomain();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex Dns1123Label();

    [GeneratedRegex("^[a-z]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex Dns1035Label();
}

using Podnet.Aws.Ec2;

namespace Podnet.World;

/// <summary>A world's managed prefix lists: the kind <c>ManagedPrefixList</c>, with <c>aws ec2 create-managed-prefix-list</c>'s fields.</summary>
internal sealed partial class AwsWorldBuilder
{
    /// <summary>
    /// A <c>ManagedPrefixList</c>: <c>PrefixListName</c> (else the document's name), <c>AddressFamily</c>
    /// (<c>IPv4</c> or <c>IPv6</c>), <c>MaxEntries</c>, <c>Entries</c> (<c>[{Cidr, Description}]</c>), <c>Tags</c>,
    /// and an existing list's <c>PrefixListId</c> (else drawn from its name). Created as
    /// <c>aws ec2 create-managed-prefix-list</c> creates it, with EC2's errors.
    /// </summary>
    private void CreateManagedPrefixList(WorldDocument doc)
    {
        var entries = new List<PrefixListEntry>();
        foreach (var (entry, path) in Entries(doc, DocumentFields.Spec(doc), "spec", "Entries"))
        {
            Known(doc, entry, path, "Cidr", "Description");
            entries.Add(new PrefixListEntry(Required(doc, entry, path, "Cidr"), DocumentFields.StringAt(doc, entry["Description"], $"{path}.Description")));
        }

        // The loader writes the account's starting state, as the rest of AwsWorldBuilder does: no API call, no IAM.
        var list = _cloud.Ec2Backend.CreateManagedPrefixList(new CreateManagedPrefixListRequest(
            DocumentFields.String(doc, "PrefixListName") ?? doc.Name,
            DocumentFields.RequiredString(doc, "AddressFamily"),
            DocumentFields.Int(doc, "MaxEntries") ?? throw doc.Error("spec.MaxEntries", "Required value"),
            entries,
            WithName(DocumentFields.Tags(doc), doc.Name),
            DocumentFields.String(doc, "PrefixListId")));
        Remember(doc, list.PrefixListId);
    }
}

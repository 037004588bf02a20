using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Podnet.Server;

/// <summary>Where a started Kestrel app listens, as clients should address it (port 0 resolved to the bound port).</summary>
public static class BoundAddress
{
    /// <summary>
    /// <c>scheme://host:port</c> of <paramref name="app"/>: the host is the address asked for (127.0.0.1 for any
    /// address), the port the one Kestrel bound.
    /// </summary>
    public static Uri Of(WebApplication app, IPAddress address, string scheme)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(address);
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var port = new Uri(bound.Replace("[::]", "127.0.0.1", StringComparison.Ordinal)).Port;
        var host = address.Equals(IPAddress.Any) ? "127.0.0.1" : address.ToString();
        return new Uri($"{scheme}://{host}:{port}");
    }
}

using System.Net;

namespace Podnet.Cni.Ipamd;

/// <summary>The answer to a pod's address request: the address and the ENI it lives on, or ipamd's error text.</summary>
public sealed record AssignResult(bool Success, IPAddress? Address, string? EniId, int DeviceNumber, string? Error)
{
    public static AssignResult Assigned(IPAddress address, string eniId, int deviceNumber) => new(true, address, eniId, deviceNumber, null);

    public static AssignResult Failed(string error) => new(false, null, null, -1, error);
}

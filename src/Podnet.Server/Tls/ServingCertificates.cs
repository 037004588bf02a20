using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Podnet.Server.Tls;

/// <summary>
/// A certificate authority and a serving certificate made in process for the loopback API server, as an EKS
/// cluster has its own CA (<c>certificateAuthority.data</c> in <c>describe-cluster</c>): the serving certificate
/// names <c>IP:127.0.0.1</c> and <c>DNS:localhost</c> and is for server authentication, which is what kubectl
/// (Go's crypto/tls) checks.
/// </summary>
public sealed class ServingCertificates : IDisposable
{
    private ServingCertificates(X509Certificate2 authority, X509Certificate2 serving)
    {
        Authority = authority;
        Serving = serving;
    }

    /// <summary>The CA's certificate (public part only), written into kubeconfigs.</summary>
    public X509Certificate2 Authority { get; }

    /// <summary>The serving certificate with its private key, for Kestrel.</summary>
    public X509Certificate2 Serving { get; }

    /// <summary>The CA in PEM, base64-encoded: a kubeconfig's <c>certificate-authority-data</c>.</summary>
    public string AuthorityData => Convert.ToBase64String(System.Text.Encoding.ASCII.GetBytes(Authority.ExportCertificatePem()));

    /// <summary>Makes a CA named after <paramref name="clusterName"/> (valid 10 years) and a serving certificate it signs (1 year).</summary>
    public static ServingCertificates Create(string clusterName, DateTimeOffset now)
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest($"CN={clusterName}-ca, O=Podnet", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        using var ca = caRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(10));

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=kube-apiserver", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        names.AddDnsName("localhost");
        names.AddDnsName("kubernetes");
        names.AddDnsName("kubernetes.default.svc");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var serial = new byte[16];
        RandomNumberGenerator.Fill(serial);
        serial[0] &= 0x7f;
        using var signed = request.Create(ca, now.AddMinutes(-5), now.AddYears(1), serial);
        using var withKey = signed.CopyWithPrivateKey(key);

        // Loaded back from PKCS#12 so the private key is usable by the TLS stack on every platform.
        var serving = X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
        var authority = X509CertificateLoader.LoadCertificate(ca.Export(X509ContentType.Cert));
        return new ServingCertificates(authority, serving);
    }

    /// <summary>
    /// The serving certificate with its key (PKCS#12) and the CA's certificate (DER), as a state directory keeps them
    /// so a restarted server serves what the kubeconfigs written before trust.
    /// </summary>
    public (byte[] Serving, byte[] Authority) Export() => (Serving.Export(X509ContentType.Pkcs12), Authority.Export(X509ContentType.Cert));

    /// <summary>Loads what <see cref="Export"/> gave.</summary>
    /// <exception cref="CryptographicException">Bytes that are not such certificates.</exception>
    public static ServingCertificates Import(byte[] serving, byte[] authority)
        => new(X509CertificateLoader.LoadCertificate(authority), X509CertificateLoader.LoadPkcs12(serving, null));

    public void Dispose()
    {
        Authority.Dispose();
        Serving.Dispose();
    }
}

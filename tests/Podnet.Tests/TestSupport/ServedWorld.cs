using Podnet.Server;
using Podnet.Server.Kube;
using Podnet.World;

namespace Podnet.Tests.TestSupport;

/// <summary>
/// The default world served in process as <c>podnet up</c> serves it (HTTPS on a free loopback port, the fast
/// clock), with a kubeconfig in a directory of its own, and the real clients to drive it: the kubectl dispatcher on
/// PATH and the <c>kubectl.1.31</c>/<c>kubectl.1.32</c> beside it, and the aws CLI (v1) pointed at its AWS API the
/// way <c>podnet up</c>'s export lines point it (plus one attempt per call, no pager, config files and HOME of the
/// fixture's own). A missing binary fails the test naming it.
/// </summary>
public class ServedWorld : IAsyncLifetime
{
    private readonly Func<VirtualTimeProvider, Podnet.World.World> _load;

    /// <summary>Serves the default world.</summary>
    public ServedWorld()
        : this(time => WorldLoader.LoadDefault(time: time))
    {
    }

    /// <summary>Serves the world <paramref name="load"/> makes with the clock it is given.</summary>
    protected ServedWorld(Func<VirtualTimeProvider, Podnet.World.World> load)
    {
        _load = load;
    }

    /// <summary>The budget of waits that cost no real time (<c>podnet up --fast-forward</c>).</summary>
    protected virtual TimeSpan FastForward => TimeSpan.FromMinutes(10);

    /// <summary>The wall clock the served clock is anchored to (the system's; a test may hold its own).</summary>
    protected virtual TimeProvider Wall => TimeProvider.System;

    private const string Install = "the machine image's Google Cloud SDK kubectl (apt package kubectl), which brings kubectl.1.27 … kubectl.1.33 beside the dispatcher";

    public PodnetServer Server { get; private set; } = null!;

    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("podnet-up-").FullName;

    public string KubeconfigPath => Path.Combine(Directory, "kubeconfig");

    /// <summary>The served cluster's audit log (JSON lines).</summary>
    public string AuditLogPath => Path.Combine(Directory, "audit.log");

    /// <summary>The audit log's events so far.</summary>
    public IReadOnlyList<System.Text.Json.Nodes.JsonNode> AuditEvents()
    {
        using var stream = new FileStream(AuditLogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return [.. reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => System.Text.Json.Nodes.JsonNode.Parse(l)!)];
    }

    public async Task InitializeAsync()
    {
        var time = VirtualTimeProvider.AnchoredTo(Wall, TimeSpan.FromDays(1));
        var world = _load(time);
        Server = await PodnetServer.StartAsync(world, new KubeApiServerOptions { AuditLogPath = AuditLogPath }, FastForward);
        if (world.Cluster is not null)
        {
            await File.WriteAllTextAsync(KubeconfigPath, Server.Kube.Kubeconfig);
        }
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        System.IO.Directory.Delete(Directory, recursive: true);
    }

    /// <summary>The kubectl binary for <paramref name="version"/>: <c>1.31</c>, <c>1.32</c> (beside the dispatcher) or <c>dispatcher</c>.</summary>
    public static string KubectlBinary(string version)
    {
        var dispatcher = ExternalProgram.Require("kubectl", Install);
        if (version == "dispatcher")
        {
            return dispatcher;
        }

        var beside = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(new FileInfo(dispatcher).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? dispatcher))!, "kubectl." + version);
        Assert.True(File.Exists(beside), $"kubectl {version} is needed at {beside}: install {Install}");
        return beside;
    }

    /// <summary>Runs kubectl <paramref name="version"/> against the served cluster, with a fresh discovery cache per call.</summary>
    public (int Exit, string Out, string Err) Kubectl(string version, string? stdin, params string[] arguments)
    {
        var cache = System.IO.Directory.CreateTempSubdirectory("kubectl-cache-").FullName;
        try
        {
            return ExternalProgram.Run(KubectlBinary(version), arguments, TimeSpan.FromSeconds(60), new Dictionary<string, string>
            {
                ["KUBECONFIG"] = KubeconfigPath,
                ["KUBECACHEDIR"] = cache,
                ["HOME"] = Directory,
            }, stdin);
        }
        finally
        {
            System.IO.Directory.Delete(cache, recursive: true);
        }
    }

    /// <summary>Runs kubectl and asserts it succeeded; returns its output.</summary>
    public string KubectlOk(string version, params string[] arguments)
    {
        var (exit, output, error) = Kubectl(version, null, arguments);
        Assert.True(exit == 0, $"kubectl {string.Join(' ', arguments)} exited {exit}: {error}{output}");
        return output;
    }

    /// <summary>
    /// An HTTP client for the served API that trusts the cluster's CA only (as kubectl does with the kubeconfig's
    /// certificate-authority-data) and sends the admin's bearer token.
    /// </summary>
    public HttpClient Http()
    {
        var authority = Server.Kube.Certificates!.Authority;
        var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, certificate, _, _) =>
            {
                using var chain = new System.Security.Cryptography.X509Certificates.X509Chain();
                chain.ChainPolicy.TrustMode = System.Security.Cryptography.X509Certificates.X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(authority);
                chain.ChainPolicy.RevocationMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck;
                return certificate is not null && chain.Build(certificate);
            },
        };
        var client = new HttpClient(handler) { BaseAddress = Server.Kube.Address, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Server.Kube.Token);
        return client;
    }

    /// <summary>Runs kubectl 1.31 with the kubeconfig <c>aws eks update-kubeconfig</c> wrote: its exec plugin <c>aws eks get-token</c> gets the aws environment.</summary>
    public (int Exit, string Out, string Err) KubectlWithAws(string kubeconfig, params string[] arguments)
    {
        var environment = AwsEnvironment();
        environment["KUBECONFIG"] = kubeconfig;
        environment["KUBECACHEDIR"] = Path.Combine(Directory, "eks-kube-cache");
        return ExternalProgram.Run(KubectlBinary("1.31"), arguments, TimeSpan.FromSeconds(60), environment);
    }

    /// <summary>Waits (real time, up to <paramref name="seconds"/>) until <paramref name="done"/> holds for the store.</summary>
    public async Task WaitUntil(Func<Podnet.Kube.Store.ObjectStore, bool> done, string what, int seconds = 30)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!Server.Cluster.Read(() => done(Server.Cluster.Store)))
        {
            Assert.True(DateTime.UtcNow < deadline, $"not within {seconds} s: {what}");
            await Task.Delay(100);
        }
    }

    private const string AwsInstall = "the machine image's aws CLI v1 (pip awscli 1.45.11 with botocore 1.43.11, the pyenv shim on PATH)";

    /// <summary>The aws binary on PATH.</summary>
    public static string AwsBinary => ExternalProgram.Require("aws", AwsInstall);

    /// <summary>The environment of an aws call: what <c>podnet up</c> exports, and isolation from the machine's settings.</summary>
    public Dictionary<string, string> AwsEnvironment()
    {
        var environment = Server.Aws.Environment.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
        environment["AWS_MAX_ATTEMPTS"] = "1";
        environment["AWS_PAGER"] = string.Empty;
        environment["AWS_CONFIG_FILE"] = Path.Combine(Directory, "aws-config");
        environment["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(Directory, "aws-credentials");
        environment["HOME"] = Directory;
        return environment;
    }

    /// <summary>Runs <c>aws</c> with <paramref name="arguments"/>; returns its exit code and output.</summary>
    public (int Exit, string Out, string Err) Aws(params string[] arguments)
        => ExternalProgram.Run(AwsBinary, arguments, TimeSpan.FromSeconds(60), AwsEnvironment());

    /// <summary>Runs <c>aws</c> and asserts it succeeded; returns its output without the final newline.</summary>
    public string AwsOk(params string[] arguments)
    {
        var (exit, output, error) = Aws(arguments);
        Assert.True(exit == 0, $"aws {string.Join(' ', arguments)} exited {exit}: {error}{output}");
        return output.TrimEnd('\n');
    }

    /// <summary>A client for the AWS API (plain HTTP), for wire-level tests.</summary>
    public HttpClient AwsHttp() => new() { BaseAddress = Server.Aws.Address, Timeout = TimeSpan.FromSeconds(30) };
}

using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Podnet.Kube.Views;
using Podnet.Policy;

namespace Podnet.World.Shell;

/// <summary>
/// The emulated shell of one container of a pod, what <c>kubectl exec POD -- COMMAND</c> and <c>kubectl exec -it POD
/// -- /bin/bash</c> reach through <c>podnet up</c>. Its network commands (<c>curl</c>, <c>wget</c>, <c>nslookup</c>,
/// <c>getent hosts</c>) answer from Podnet's reach verdict along the real path — the pod's resolver and its DNS query
/// to CoreDNS (or NodeLocal DNSCache), the Service, NetworkPolicy and security groups — with the real tool's words
/// and exit codes; the verdicts ride along on <see cref="ExecResult.Reach"/>. Local commands: <c>hostname</c>,
/// <c>echo</c>, <c>cat /etc/resolv.conf</c> and <c>/etc/hostname</c>, <c>env</c>/<c>printenv</c>, <c>true</c>,
/// <c>false</c>, and in a session <c>exit [N]</c>. Every container offers all of them, whatever its image holds (the
/// nginx image has curl but no nslookup): the shell is a diagnostic view of the network, not of the image.
/// <para>
/// The shell reads the world and never changes it. Each command takes a fresh reach snapshot, so a change between
/// two commands (a revoked rule) shows in the next one. <see cref="Exec"/> and <see cref="ShellSession.Run"/> read the
/// control plane's store and the EC2 backend: call them on the control plane's thread, or from another thread only
/// while holding the control plane's lock.
/// </para>
/// </summary>
public sealed class PodShell
{
    private static readonly string[] Shells = ["bash", "sh", "dash"];
    private readonly Podnet.World.World _world;

    /// <summary>
    /// The shell of <paramref name="container"/> (the pod's first container when null, as kubectl fills
    /// <c>container=</c>) of the pod <paramref name="namespace"/>/<paramref name="pod"/>.
    /// </summary>
    /// <exception cref="ArgumentException">No such pod, or no such container in it (kubectl's wording).</exception>
    public PodShell(Podnet.World.World world, string @namespace, string pod, string? container = null)
    {
        ArgumentNullException.ThrowIfNull(world);
        ArgumentNullException.ThrowIfNull(@namespace);
        ArgumentNullException.ThrowIfNull(pod);
        _world = world;
        Namespace = @namespace;
        PodName = pod;
        var view = Pod();
        var names = view.Containers.Select(c => c["name"]?.GetValue<string>() ?? string.Empty).ToList();
        Container = container ?? names.FirstOrDefault() ?? throw new ArgumentException($"pod {pod} has no containers", nameof(container));
        if (!names.Contains(Container))
        {
            throw new ArgumentException($"container {Container} is not valid for pod {pod}", nameof(container));
        }
    }

    /// <summary>The pod's namespace.</summary>
    public string Namespace { get; }

    /// <summary>The pod's name.</summary>
    public string PodName { get; }

    /// <summary>The container the shell runs in.</summary>
    public string Container { get; }

    /// <summary>The container's hostname: the pod's <c>spec.hostname</c>, else its name (what the kubelet sets).</summary>
    public string Hostname => Pod().Object.GetString("spec.hostname") ?? PodName;

    /// <summary>Whether <paramref name="argv"/> starts an interactive shell (<c>/bin/bash</c>, <c>sh</c>, … without <c>-c</c>).</summary>
    public static bool IsShell(IReadOnlyList<string> argv)
    {
        ArgumentNullException.ThrowIfNull(argv);
        return argv.Count >= 1 && Shells.Contains(Program(argv[0])) && !argv.Contains("-c");
    }

    /// <summary>
    /// Runs one command as <c>kubectl exec POD -- ARGV…</c> sends it (the <c>command=</c> parameters, in order),
    /// without a terminal. <c>sh -c 'LINE'</c> / <c>bash -c 'LINE'</c> run LINE; a bare shell with no input exits 0
    /// (use <see cref="StartSession"/> when stdin is attached). A program the shell does not know fails as the
    /// container runtime fails it (<c>OCI runtime exec failed: … executable file not found in $PATH</c>), exit 127.
    /// </summary>
    public ExecResult Exec(IReadOnlyList<string> argv)
    {
        ArgumentNullException.ThrowIfNull(argv);
        if (argv.Count == 0)
        {
            return ExecResult.Local(string.Empty, "error: you must specify at least one command for the container\n", 1);
        }

        var program = Program(argv[0]);
        if (Shells.Contains(program))
        {
            var c = IndexOf(argv, "-c");
            if (c < 0 || c + 1 >= argv.Count)
            {
                return c < 0 ? ExecResult.Local(string.Empty, string.Empty, 0) : ExecResult.Local(string.Empty, $"{program}: -c: option requires an argument\n", 2);
            }

            var words = ShellWords.Split(argv[c + 1], 0);
            return words is null
                ? ExecResult.Local(string.Empty, $"{program}: -c: line 1: unexpected EOF while looking for matching quote\n", 2)
                : words.Count == 0 ? ExecResult.Local(string.Empty, string.Empty, 0) : Run(words, program == "bash" ? $"{program}: " : $"{program}: 1: ");
        }

        return Known(program)
            ? Run(argv, string.Empty)
            : ExecResult.Local(string.Empty, $"OCI runtime exec failed: exec failed: unable to start container process: exec: \"{argv[0]}\": executable file not found in $PATH: unknown\n", 127);
    }

    /// <summary>
    /// An interactive session of <paramref name="argv"/> (a shell, see <see cref="IsShell"/>): bash, or dash for
    /// <c>sh</c>, with a terminal when <paramref name="tty"/> (kubectl's <c>-t</c>: a prompt, and bash's
    /// <c>exit</c> on leaving) or reading a pipe.
    /// </summary>
    public ShellSession StartSession(IReadOnlyList<string> argv, bool tty)
    {
        ArgumentNullException.ThrowIfNull(argv);
        if (!IsShell(argv))
        {
            throw new ArgumentException($"not an interactive shell: {string.Join(' ', argv)}", nameof(argv));
        }

        return new ShellSession(this, Program(argv[0]) == "bash", tty);
    }

    /// <summary>Runs one simple command; <paramref name="notFoundPrefix"/> is the shell's (<c>bash: </c>, <c>sh: 1: </c>).</summary>
    internal ExecResult Run(IReadOnlyList<string> words, string notFoundPrefix)
    {
        var program = Program(words[0]);
        var args = words.Skip(1).ToList();
        switch (program)
        {
            case "hostname":
                return ExecResult.Local(Hostname + "\n", string.Empty, 0);
            case "echo":
                var newline = args.FirstOrDefault() != "-n";
                return ExecResult.Local(string.Join(' ', newline ? args : args.Skip(1)) + (newline ? "\n" : string.Empty), string.Empty, 0);
            case "true":
                return ExecResult.Local(string.Empty, string.Empty, 0);
            case "false":
                return ExecResult.Local(string.Empty, string.Empty, 1);
            case "cat":
                return Cat(args);
            case "env" or "printenv":
                return Env(args);
            case "curl":
                return CurlCommand.Run(Context(), args);
            case "wget":
                return WgetCommand.Run(Context(), args);
            case "nslookup":
                return NslookupCommand.Run(Context(), args);
            case "getent":
                return GetentCommand.Run(Context(), args);
            default:
                return notFoundPrefix.Length == 0 || notFoundPrefix.StartsWith("bash", StringComparison.Ordinal)
                    ? ExecResult.Local(string.Empty, $"{notFoundPrefix}{words[0]}: command not found\n", 127)
                    : ExecResult.Local(string.Empty, $"{notFoundPrefix}{words[0]}: not found\n", 127);
        }
    }

    private static bool Known(string program) => program is "hostname" or "echo" or "true" or "false" or "cat" or "env" or "printenv" or "curl" or "wget" or "nslookup" or "getent";

    private ExecResult Cat(List<string> files)
    {
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        foreach (var file in files)
        {
            switch (file)
            {
                case "/etc/resolv.conf":
                    stdout.Append(Context().Resolver.ResolvConf);
                    break;
                case "/etc/hostname":
                    stdout.Append(Hostname).Append('\n');
                    break;
                default:
                    stderr.Append(CultureInfo.InvariantCulture, $"cat: {file}: No such file or directory\n");
                    break;
            }
        }

        return ExecResult.Local(stdout.ToString(), stderr.ToString(), stderr.Length > 0 ? 1 : 0);
    }

    /// <summary>
    /// The environment the kubelet gives the container: PATH and HOME of a root Debian image, HOSTNAME, the
    /// container's literal <c>env</c> values, and the <c>kubernetes</c> Service's variables.
    /// </summary>
    private ExecResult Env(List<string> names)
    {
        var store = _world.ControlPlane.Store;
        var vars = new List<(string Name, string Value)>
        {
            ("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"),
            ("HOSTNAME", Hostname),
        };
        var container = ContainerSpec();
        foreach (var env in (container?["env"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (env["name"]?.GetValue<string>() is { } name && env["value"] is JsonValue value && value.TryGetValue<string>(out var text))
            {
                vars.Add((name, text));
            }
        }

        if (store.TryGet(store.Resources.For("v1", "Service"), "default", "kubernetes")?.GetString("spec.clusterIP") is { } api)
        {
            vars.Add(("KUBERNETES_SERVICE_HOST", api));
            vars.Add(("KUBERNETES_SERVICE_PORT", "443"));
            vars.Add(("KUBERNETES_PORT", $"tcp://{api}:443"));
        }

        vars.Add(("HOME", "/root"));
        if (names.Count == 0)
        {
            return ExecResult.Local(string.Concat(vars.Select(v => $"{v.Name}={v.Value}\n")), string.Empty, 0);
        }

        var found = names.Select(n => vars.LastOrDefault(v => v.Name == n)).Where(v => v.Name is not null).ToList();
        return ExecResult.Local(string.Concat(found.Select(v => v.Value + "\n")), string.Empty, found.Count == names.Count ? 0 : 1);
    }

    /// <summary>A fresh view of the world for one command: reach is a snapshot, and the world may have moved on.</summary>
    private ShellContext Context()
    {
        var pod = Pod();
        var reach = new Reachability(_world);
        var source = reach.ResolveEndpoint($"{Namespace}/{PodName}") ?? throw new InvalidOperationException($"pods \"{PodName}\" not found");
        return new ShellContext(_world, reach, pod, source, new PodResolver(_world, pod, reach));
    }

    private JsonObject? ContainerSpec() => Pod().Containers.FirstOrDefault(c => c["name"]?.GetValue<string>() == Container);

    private PodView Pod()
    {
        var store = _world.ControlPlane.Store;
        var pod = store.TryGet(store.Resources.For("v1", "Pod"), Namespace, PodName) ?? throw new ArgumentException($"pods \"{PodName}\" not found");
        return PodView.Of(pod);
    }

    /// <summary>The program's name without its directory (<c>/usr/bin/curl</c> → <c>curl</c>).</summary>
    private static string Program(string path) => path[(path.LastIndexOf('/') + 1)..];

    private static int IndexOf(IReadOnlyList<string> list, string item)
    {
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i] == item)
            {
                return i;
            }
        }

        return -1;
    }
}

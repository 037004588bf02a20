using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using Podnet.Aws.Ec2.Faults;
using Podnet.Server;
using Podnet.Server.Aws;
using Podnet.Server.Kube;
using Podnet.Server.State;
using Podnet.World;

namespace Podnet.Cli.Commands;

/// <summary>
/// <c>podnet up [WORLD] [--port P] [--aws-port Q] [--http] [--clock fast|real] [--fast-forward 10m] [--state DIR] [--env] [--faults SPEC]</c>: loads a world (or the
/// default one), runs its control plane continuously and serves the cluster's Kubernetes API to the real kubectl and
/// its AWS API (EC2, IAM, STS, EKS) to the real aws CLI, until Ctrl-C
/// (or <c>podnet down</c> for one started with <c>--env</c>). With <c>--state DIR</c> everything it serves is kept in
/// DIR (<see cref="ServedState"/>) and a restart resumes it.
/// </summary>
public static class UpCommand
{
    /// <summary>How far in the past a served world starts: its history (nodes joined, add-ons rolled out) fits in it.</summary>
    private static readonly TimeSpan History = TimeSpan.FromDays(1);

    public static Command Create(TextWriter output, TextWriter error)
    {
        var world = new Argument<string?>("world") { Description = "A directory of YAML files or one YAML file; without it, the default world", Arity = ArgumentArity.ZeroOrOne };
        var port = new Option<int>("--port") { Description = "The Kubernetes API's port (default: a free one)" };
        var awsPort = new Option<int>("--aws-port") { Description = "The AWS API's port, for the aws CLI (default: a free one)" };
        var http = new Option<bool>("--http") { Description = "Serve plain HTTP (debugging: kubectl then sends no token, everything is the cluster admin)" };
        var address = new Option<string>("--address") { Description = "The address to listen on", DefaultValueFactory = _ => "127.0.0.1" };
        var allowRemote = new Option<bool>("--allow-remote") { Description = "Allow an address other than loopback (anyone who can reach it can use the cluster)" };
        var clock = new Option<string>("--clock") { Description = "fast: controller waits cost no real time (up to --fast-forward of them, timestamps never in the future); real: every wait takes real time", DefaultValueFactory = _ => "fast" };
        clock.AcceptOnlyFromAmong("fast", "real");
        var fastForward = new Option<string>("--fast-forward") { Description = "With --clock fast: how much waiting costs no real time, e.g. 10m, 45m, 2h (creating a cluster takes 10m of it, a node group 3m)", DefaultValueFactory = _ => "10m" };
        var env = new Option<bool>("--env") { Description = "Start in the background and print only the export lines, for eval \"$(podnet up --env)\"; podnet down stops it" };
        var state = new Option<string?>("--state") { Description = "Keep everything served (Kubernetes objects, the AWS account, the clock) in DIR, an SQLite journal; starting again with the same DIR resumes it" };
        var home = new Option<string?>("--home") { Description = "Where the kubeconfig, log and process ID are written (default: $PODNET_HOME, else ~/.podnet)" };
        var faults = new Option<string?>("--faults") { Description = "Inject EC2 faults at these rates, e.g. RequestLimitExceeded=5%,InternalError=2%,InsufficientFreeAddressesInSubnet=1%,EventualConsistency=10% (replaces the world's Account spec.Faults)" };
        var command = new Command("up", "Serve the world's cluster over the Kubernetes API, for kubectl, and its AWS over the AWS API, for the aws CLI") { world, port, awsPort, http, address, allowRemote, clock, fastForward, env, state, home, faults };
        command.SetAction((parse, cancellation) =>
        {
            var options = new UpOptions(parse.GetValue(world), parse.GetValue(port), parse.GetValue(awsPort), parse.GetValue(http), parse.GetValue(address)!, parse.GetValue(allowRemote), parse.GetValue(clock)!, parse.GetValue(fastForward)!, parse.GetValue(state), HomeOf(parse.GetValue(home)), parse.GetValue(faults));
            if (Running(options.Home) is { } pid)
            {
                // One server per home: a second would take over the process ID and kubeconfig and orphan the first.
                // `podnet up --env` alone asks for the running one's export lines (served in another terminal).
                var onlyEnv = parse.GetValue(env) && parse.Tokens.All(t => t.Value is "up" or "--env" or "--home" || t.Value == parse.GetValue(home));
                if (onlyEnv && File.Exists(EnvPath(options.Home)))
                {
                    output.Write(File.ReadAllText(EnvPath(options.Home)));
                    return Task.FromResult(ExitCodes.Ok);
                }

                error.WriteLine($"error: podnet up is already running from {options.Home} (process {pid}): podnet down stops it; podnet up --env alone prints its export lines; --home DIR serves another");
                return Task.FromResult(PodnetCommand.ErrorExitCode);
            }

            return parse.GetValue(env) ? Task.FromResult(StartInBackground(options, args: parse.Tokens.Select(t => t.Value).Where(t => t != "--env").ToArray(), output, error)) : ServeAsync(options, output, error, cancellation);
        });
        return command;
    }

    /// <summary><c>podnet down [--home DIR]</c>: stops the server <c>podnet up --env</c> started.</summary>
    public static Command CreateDown(TextWriter output, TextWriter error)
    {
        var home = new Option<string?>("--home") { Description = "Where podnet up --env wrote its process ID (default: $PODNET_HOME, else ~/.podnet)" };
        var command = new Command("down", "Stop the cluster podnet up --env started") { home };
        command.SetAction(parse => Down(HomeOf(parse.GetValue(home)), output, error));
        return command;
    }

    private sealed record UpOptions(string? World, int Port, int AwsPort, bool Http, string Address, bool AllowRemote, string Clock, string FastForward, string? State, string Home, string? Faults = null);

    private static string HomeOf(string? given)
        => given ?? (Environment.GetEnvironmentVariable("PODNET_HOME") is { Length: > 0 } fromEnv
            ? fromEnv
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".podnet"));

    private static string KubeconfigPath(string home) => Path.Combine(home, "kubeconfig");

    private static string PidPath(string home) => Path.Combine(home, "up.pid");

    private static string LogPath(string home) => Path.Combine(home, "up.log");

    private static async Task<int> ServeAsync(UpOptions options, TextWriter output, TextWriter error, CancellationToken cancellation)
    {
        // A server answers while it collects: background generation-2 collections, not the batch mode the one-shot
        // commands run in (Program.cs).
        System.Runtime.GCSettings.LatencyMode = System.Runtime.GCLatencyMode.Interactive;
        if (!IPAddress.TryParse(options.Address, out var address))
        {
            error.WriteLine($"error: --address \"{options.Address}\": not an IP address");
            return PodnetCommand.ErrorExitCode;
        }

        if (!IPAddress.IsLoopback(address) && !options.AllowRemote)
        {
            error.WriteLine($"error: --address {address}: not a loopback address; anyone who can reach it could use the cluster as its admin — add --allow-remote to serve it anyway");
            return PodnetCommand.ErrorExitCode;
        }

        if (!IPAddress.IsLoopback(address) && options.Http)
        {
            error.WriteLine($"error: --address {address} --http: over plain HTTP kubectl sends no token, so every request would be the cluster admin's; off loopback the Kubernetes API is served over HTTPS only, where every request needs the kubeconfig's token");
            return PodnetCommand.ErrorExitCode;
        }

        if (ParseDuration(options.FastForward) is not { } fastForward)
        {
            error.WriteLine($"error: --fast-forward \"{options.FastForward}\": not a duration (e.g. 10m, 45m, 2h)");
            return PodnetCommand.ErrorExitCode;
        }

        Ec2FaultSettings? faults = null;
        try
        {
            faults = options.Faults is null ? null : Ec2FaultSettings.Parse(options.Faults);
        }
        catch (FormatException e)
        {
            error.WriteLine($"error: --faults: {e.Message}");
            return PodnetCommand.ErrorExitCode;
        }

        var lead = fastForward > History ? fastForward : History;
        var budget = options.Clock == "real" ? TimeSpan.Zero : fastForward;
        var kubeOptions = new KubeApiServerOptions { Address = address, Port = options.Port, Http = options.Http, AuditLogPath = Path.Combine(options.Home, "audit.log") };
        var awsOptions = new AwsApiServerOptions { Address = address, Port = options.AwsPort };
        ServedAccount account;
        using var state = options.State is null ? null : await OpenStateAsync(options, lead, budget, kubeOptions, awsOptions, error);
        if (options.State is not null)
        {
            if (state is null)
            {
                return PodnetCommand.ErrorExitCode;
            }

            account = state.State.Account;
            kubeOptions = state.State.KubeOptions;
        }
        else
        {
            var time = VirtualTimeProvider.AnchoredTo(TimeProvider.System, lead);
            if (WorldFiles.TryLoad(options.World, error, time) is not { } loaded)
            {
                return PodnetCommand.ErrorExitCode;
            }

            account = new ServedAccount(loaded, budget);
        }

        var world = account.Primary.World;
        if (faults is not null)
        {
            if (world.Cloud is null)
            {
                error.WriteLine("error: --faults: the world has no AWS account (it is policy-only)");
                return PodnetCommand.ErrorExitCode;
            }

            // From the first request on, every principal's EC2 calls meet these faults, the served aws CLI's too. With
            // --state the setting is journaled, so a restart replays the same draws for the same calls; a restart
            // without --faults keeps the faults in force when it stopped, as it keeps everything else.
            account.SetFaults(faults);
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            stop.Cancel();
        });
        PodnetServer server;
        try
        {
            Directory.CreateDirectory(options.Home);
            server = await PodnetServer.StartAsync(account, kubeOptions, awsOptions, state?.State, stop.Token).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            error.WriteLine($"error: --port {options.Port} / --aws-port {options.AwsPort}: {e.Message}");
            return PodnetCommand.ErrorExitCode;
        }

        await using (server.ConfigureAwait(false))
        {
            Directory.CreateDirectory(options.Home);
            var kubeconfig = KubeconfigPath(options.Home);
            if (world.Cluster is not null)
            {
                await File.WriteAllTextAsync(kubeconfig, server.Kube.Kubeconfig, stop.Token).ConfigureAwait(false);
                if (!OperatingSystem.IsWindows())
                {
                    // The token in it is the cluster admin's.
                    File.SetUnixFileMode(kubeconfig, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                }
            }
            else
            {
                // A new cluster's context is added by aws eks update-kubeconfig, into $KUBECONFIG, as on AWS.
                File.Delete(kubeconfig);
            }

            // The export lines, for the parent of --env to print (it cannot know the ports the server picked).
            var exports = ExportLines(kubeconfig, server);
            await File.WriteAllTextAsync(EnvPath(options.Home), string.Join('\n', exports) + "\n", stop.Token).ConfigureAwait(false);
            await File.WriteAllTextAsync(PidPath(options.Home), Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "\n", stop.Token).ConfigureAwait(false);
            output.WriteLine(world.Cluster is null
                ? "The world has no EKS cluster yet: aws eks create-cluster makes one, with a Kubernetes API of its own; Ctrl-C stops it."
                : $"Serving EKS cluster {world.Cluster.Name} (Kubernetes {server.Kube.KubernetesVersion}) at {server.Kube.Address.ToString().TrimEnd('/')}; Ctrl-C stops it.");
            output.WriteLine(options.Clock == "real"
                ? "Clock: real time (controller waits take as long as on EKS)."
                : $"Clock: fast (the cluster's history starts {Podnet.Kube.Printing.HumanDuration.Format(fastForward > History ? fastForward : History)} ago; up to {Podnet.Kube.Printing.HumanDuration.Format(fastForward)} of controller waits cost no real time).");
            output.WriteLine($"Serving the AWS API (EC2, IAM, STS, EKS) at {server.Aws.Address.ToString().TrimEnd('/')} for the aws CLI.");
            output.WriteLine($"Audit log: {Path.Combine(options.Home, "audit.log")}");
            if (state?.State is { } kept)
            {
                output.WriteLine(kept.Replayed == 0
                    ? $"State: {kept.Directory.Path} (new; every change is committed there before it is answered)."
                    : string.Create(CultureInfo.InvariantCulture, $"State: {kept.Directory.Path} (resumed: {kept.Replayed:N0} journal entries replayed)."));
            }

            foreach (var line in exports)
            {
                output.WriteLine(line);
            }

            output.Flush();
            try
            {
                await Task.Delay(Timeout.Infinite, stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Ctrl-C or SIGTERM: stop cleanly.
            }

            File.Delete(PidPath(options.Home));
        }

        return ExitCodes.Ok;
    }

    /// <summary>
    /// Opens <c>--state</c>'s directory and the account it keeps (new from the WORLD argument or the default world, or
    /// resumed), or says why not on <paramref name="error"/> and gives null.
    /// </summary>
    private static async Task<OpenedState?> OpenStateAsync(UpOptions options, TimeSpan lead, TimeSpan budget, KubeApiServerOptions kubeOptions, AwsApiServerOptions awsOptions, TextWriter error)
    {
        StateDirectory? directory = null;
        try
        {
            directory = StateDirectory.Open(options.State!);
            var given = options.World is null ? null : WorldFiles.Read(options.World);
            var state = await ServedState.OpenAsync(directory, new StateClock(TimeProvider.System), given, (sources, time) => WorldFiles.Load(sources, error, time), lead, budget, kubeOptions, awsOptions).ConfigureAwait(false);
            return new OpenedState(directory, state);
        }
        catch (StateException e)
        {
            directory?.Dispose();
            error.WriteLine($"error: --state: {e.Message}");
            return null;
        }
        catch (WorldException e)
        {
            directory?.Dispose();
            error.WriteLine($"error: {e.Message}");
            return null;
        }
    }

    /// <summary>An opened state directory and its account; disposing releases the directory.</summary>
    private sealed record OpenedState(StateDirectory Directory, ServedState State) : IDisposable
    {
        public void Dispose() => Directory.Dispose();
    }

    /// <summary>A duration as <c>10m</c>, <c>45m</c>, <c>2h</c>, <c>90s</c>, or <c>0</c>; null if it is not one.</summary>
    private static TimeSpan? ParseDuration(string text)
    {
        if (text == "0")
        {
            return TimeSpan.Zero;
        }

        if (text.Length < 2 || !int.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var amount))
        {
            return null;
        }

        return text[^1] switch
        {
            's' => TimeSpan.FromSeconds(amount),
            'm' => TimeSpan.FromMinutes(amount),
            'h' => TimeSpan.FromHours(amount),
            _ => null,
        };
    }

    private static string ExportLine(string kubeconfig) => $"export KUBECONFIG={kubeconfig}";

    private static string EnvPath(string home) => Path.Combine(home, "up.env");

    /// <summary>KUBECONFIG, then what points the aws CLI at the served AWS API (endpoint, credentials, region).</summary>
    private static List<string> ExportLines(string kubeconfig, PodnetServer server)
        => [ExportLine(kubeconfig), .. server.Aws.Environment.Select(e => $"export {e.Key}={e.Value}")];

    /// <summary>
    /// <c>--env</c>: starts <c>podnet up</c> again as a process of its own (output to <c>up.log</c>), waits until it
    /// serves, and prints the export lines; the shell's <c>$(…)</c> ends because the server holds none of its pipes.
    /// </summary>
    private static int StartInBackground(UpOptions options, string[] args, TextWriter output, TextWriter error)
    {
        Directory.CreateDirectory(options.Home);
        var pidFile = PidPath(options.Home);
        File.Delete(pidFile);
        File.Delete(EnvPath(options.Home));
        var (program, prefix) = Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet"
            ? (path, new[] { Environment.GetCommandLineArgs()[0] })
            : (Environment.ProcessPath!, Array.Empty<string>());
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add($"exec \"$0\" \"$@\" </dev/null >'{LogPath(options.Home).Replace("'", "'\\''", StringComparison.Ordinal)}' 2>&1");
        start.ArgumentList.Add(program);
        foreach (var arg in prefix.Concat(["up"]).Concat(args.SkipWhile(a => a == "up")))
        {
            start.ArgumentList.Add(arg);
        }

        if (!args.Contains("--home"))
        {
            start.ArgumentList.Add("--home");
            start.ArgumentList.Add(options.Home);
        }

        using var child = Process.Start(start)!;
        var deadline = Stopwatch.StartNew();
        while (!File.Exists(pidFile))
        {
            if (child.HasExited || deadline.Elapsed > TimeSpan.FromMinutes(5))
            {
                var log = File.Exists(LogPath(options.Home)) ? File.ReadAllLines(LogPath(options.Home)).LastOrDefault(l => l.StartsWith("error:", StringComparison.Ordinal)) : null;
                error.WriteLine(log ?? $"error: podnet up did not start; see {LogPath(options.Home)}");
                return PodnetCommand.ErrorExitCode;
            }

            Thread.Sleep(100);
        }

        output.Write(File.Exists(EnvPath(options.Home)) ? File.ReadAllText(EnvPath(options.Home)) : ExportLine(KubeconfigPath(options.Home)) + "\n");
        return ExitCodes.Ok;
    }

    /// <summary>
    /// The process ID of the <c>podnet up</c> serving from <paramref name="home"/>, or null when none is: no process ID
    /// written, or its process gone (a stale file left by a server that was killed), or now another program's.
    /// </summary>
    private static int? Running(string home)
    {
        if (WrittenPid(home) is not { } pid || pid == Environment.ProcessId)
        {
            return null;
        }

        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited && process.ProcessName is "podnet" or "dotnet" ? pid : null;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>The process ID a server serving from <paramref name="home"/> wrote (<c>up.pid</c>), or null when there is none.</summary>
    private static int? WrittenPid(string home)
        => File.Exists(PidPath(home)) && int.TryParse(File.ReadAllText(PidPath(home)).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null;

    private static int Down(string home, TextWriter output, TextWriter error)
    {
        var pidFile = PidPath(home);
        if (WrittenPid(home) is not { } pid)
        {
            error.WriteLine($"error: no podnet up is running from {home} (no {pidFile})");
            return PodnetCommand.ErrorExitCode;
        }

        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill(entireProcessTree: false);
            process.WaitForExit(TimeSpan.FromSeconds(30));
        }
        catch (ArgumentException)
        {
            // Gone already.
        }

        File.Delete(pidFile);
        output.WriteLine($"Stopped podnet up (process {pid}).");
        return ExitCodes.Ok;
    }
}

using Podnet.Tests.TestSupport;

namespace Podnet.Tests.Examples;

/// <summary>
/// Runs an <c>examples/seed-*/run.sh</c> as a reader would, in a fresh directory: the built <c>podnet</c> on PATH (a
/// wrapper over the test run's podnet.dll), the real kubectl and aws, <c>PODNET_HOME</c>, <c>HOME</c> and the aws
/// CLI's files private to the run. Returns the transcript: the commands (echoed with <c>$ </c>) and their output,
/// stdout and stderr interleaved as a terminal shows them.
/// </summary>
public static class SeedScript
{
    public static (int Exit, string Transcript) Run(string example, TimeSpan timeout)
    {
        var script = Path.Combine(PodnetCli.Examples(), example, "run.sh");
        Assert.True(File.Exists(script), $"{script} is missing");
        ServedWorld.KubectlBinary("dispatcher");
        _ = ServedWorld.AwsBinary;
        var directory = Directory.CreateTempSubdirectory("podnet-seed-").FullName;
        try
        {
            var bin = Directory.CreateDirectory(Path.Combine(directory, "bin")).FullName;
            var wrapper = Path.Combine(bin, "podnet");
            File.WriteAllText(wrapper, $"#!/bin/sh\nexec dotnet '{Path.Combine(AppContext.BaseDirectory, "podnet.dll")}' \"$@\"\n");
            // The scripts are bash scripts: they run where bash does, and there the wrapper must be executable.
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
            var work = Directory.CreateDirectory(Path.Combine(directory, "work")).FullName;
            var environment = new Dictionary<string, string>
            {
                ["PATH"] = bin + Path.PathSeparator + Environment.GetEnvironmentVariable("PATH"),
                ["PODNET_HOME"] = Path.Combine(directory, "podnet-home"),
                ["HOME"] = directory,
                ["KUBECACHEDIR"] = Path.Combine(directory, "kube-cache"),
                ["AWS_CONFIG_FILE"] = Path.Combine(directory, "aws-config"),
                ["AWS_SHARED_CREDENTIALS_FILE"] = Path.Combine(directory, "aws-credentials"),
                ["AWS_MAX_ATTEMPTS"] = "1",
                ["AWS_PAGER"] = string.Empty,
            };
            var (exit, output, error) = ExternalProgram.Run("/bin/bash", ["-c", $"cd '{work}' && exec bash '{script}' 2>&1"], timeout, environment);
            return (exit, output + error);
        }
        finally
        {
            // The script's trap stops the server; a failed run may leave it, so stop it here too.
            ExternalProgram.Run("/bin/sh", ["-c", $"[ -f '{directory}/podnet-home/up.pid' ] && kill $(cat '{directory}/podnet-home/up.pid') || true"], TimeSpan.FromSeconds(30));
            Directory.Delete(directory, recursive: true);
        }
    }
}

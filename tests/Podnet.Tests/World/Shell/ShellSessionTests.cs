using Podnet.Kube.Views;
using Podnet.Tests.TestSupport;
using Podnet.World.Shell;

namespace Podnet.Tests.World.Shell;

/// <summary><c>kubectl exec -it POD -- /bin/bash</c> (and <c>-i</c> with a pipe), a line at a time.</summary>
public class ShellSessionTests
{
    private static (PodShell Shell, PodView Pod) Replica()
    {
        var world = ExampleWorlds.Load("security-groups-for-pods");
        var pod = world.ControlPlane.Store.List("v1", "Pod", "my-namespace").Items.Select(p => PodView.Of(p)).OrderBy(p => p.Name, StringComparer.Ordinal).First();
        return (new PodShell(world, pod.Namespace, pod.Name, "nginx"), pod);
    }

    [Fact]
    public void Bash_WithATerminal_PromptsRunsCurlAndExitsWithTheGivenCode()
    {
        var (shell, pod) = Replica();
        Assert.True(PodShell.IsShell(["/bin/bash"]));
        var session = shell.StartSession(["/bin/bash"], tty: true);
        var prompt = $"root@{pod.Name}:/# ";
        Assert.Equal(prompt, session.Start());

        var curl = session.Run("curl my-app\r");
        Assert.Equal((NginxPages.WelcomePage, false, 0, prompt), (curl.Stdout, curl.Ended, curl.ExitCode, curl.Prompt));
        Assert.NotEmpty(curl.Reach);

        var blank = session.Run("\r");
        Assert.Equal((string.Empty, string.Empty, false, prompt), (blank.Stdout, blank.Stderr, blank.Ended, blank.Prompt));

        var unknown = session.Run("foo --bar");
        Assert.Equal(("bash: foo: command not found\n", 127, false), (unknown.Stderr, unknown.ExitCode, unknown.Ended));
        Assert.Equal("127\n", session.Run("echo $?").Stdout);

        var exit = session.Run("exit 3\r");
        Assert.Equal((true, 3, "exit\n", string.Empty), (exit.Ended, exit.ExitCode, exit.Stderr, exit.Prompt));
        Assert.True(session.Ended);
        Assert.Throws<InvalidOperationException>(() => session.Run("hostname"));
    }

    [Fact]
    public void Sh_FromAPipe_DoesNotPrompt_AndEndOfInputKeepsTheLastStatus()
    {
        var (shell, _) = Replica();
        var session = shell.StartSession(["sh"], tty: false);
        Assert.Equal(string.Empty, session.Start());

        var lines = "curl -s nothing-here\nfoo\n".Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(session.Run).ToList();
        Assert.Equal([6, 127], lines.Select(l => l.ExitCode));
        Assert.Equal("sh: 2: foo: not found\n", lines[1].Stderr);
        Assert.All(lines, l => Assert.Equal(string.Empty, l.Prompt));

        var end = session.EndOfInput();
        Assert.Equal((true, 127, string.Empty), (end.Ended, end.ExitCode, end.Stderr));
    }

    [Fact]
    public void Exit_WithoutACode_UsesTheLastStatus_AndABadCodeIsTwo()
    {
        var (shell, _) = Replica();
        var session = shell.StartSession(["bash"], tty: false);
        session.Run("false");
        Assert.Equal((true, 1), (session.Run("exit").Ended, session.LastStatus));

        var other = shell.StartSession(["bash"], tty: false);
        var bad = other.Run("exit abc");
        Assert.Equal((true, 2, "bash: exit: abc: numeric argument required\n"), (bad.Ended, bad.ExitCode, bad.Stderr));
        Assert.Equal(255, shell.StartSession(["bash"], tty: false).Run("exit 511").ExitCode);
    }
}

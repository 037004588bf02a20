using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Podnet.Kube.Api;
using Podnet.Kube.Views;
using Podnet.World.Shell;

namespace Podnet.Server.Kube;

/// <summary>
/// <c>pods/exec</c> over WebSocket with the <c>v5.channel.k8s.io</c> subprotocol (what kubectl 1.30+ offers; it
/// falls back to SPDY, which is not served, on any other answer): binary messages whose first byte is the stream —
/// 0 stdin, 1 stdout, 2 stderr, 3 the final Status, 4 terminal resize, 255 close of a stream — into the pod's
/// emulated shell (<see cref="PodShell"/>). Under <c>tty=true</c> the server is the terminal: it echoes keystrokes,
/// edits the line and ends lines with <c>\r\n</c>. k8s.io/apimachinery pkg/util/remotecommand and
/// k8s.io/apiserver pkg/util/wsstream mirror the framing.
/// </summary>
public static class ExecStream
{
    public const string Protocol = "v5.channel.k8s.io";

    private const byte Stdin = 0;
    private const byte Stdout = 1;
    private const byte Stderr = 2;
    private const byte Error = 3;
    private const byte Close = 255;

    /// <summary>How long an exec takes to start before its first output (see <see cref="ServeAsync"/>).</summary>
    private static readonly TimeSpan ExecStartLatency = TimeSpan.FromMilliseconds(100);

    /// <summary>Serves one exec until the command or the shell ends.</summary>
    public static async Task ServeAsync(HttpContext context, ServedCluster cluster, ApiPath path)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(path);
        var query = context.Request.Query;
        var argv = query["command"].Where(c => c is not null).Select(c => c!).ToList();
        if (argv.Count == 0)
        {
            throw KubeException.BadRequest("you must specify at least 1 command");
        }

        var pod = cluster.Store.Get(path.Resource, path.Namespace, path.Name!);
        var container = query["container"].FirstOrDefault();
        PodShell shell;
        try
        {
            shell = cluster.Read(() => new PodShell(cluster.World, pod.Namespace!, pod.Name, string.IsNullOrEmpty(container) ? null : container));
        }
        catch (ArgumentException e)
        {
            throw KubeException.BadRequest(e.Message);
        }

        if (PodView.Of(pod).Phase != "Running")
        {
            throw KubeException.BadRequest($"unable to upgrade connection: container not found (\"{shell.Container}\")");
        }

        if (!context.WebSockets.IsWebSocketRequest || !context.WebSockets.WebSocketRequestedProtocols.Contains(Protocol))
        {
            // kubectl then tries SPDY, which gets the same answer: the user sees this message.
            throw KubeException.BadRequest($"Upgrade request required: podnet serves exec over WebSocket ({Protocol}, kubectl 1.30 or later) only");
        }

        var tty = query["tty"].FirstOrDefault() is "true" or "1";
        var stdin = query["stdin"].FirstOrDefault() is "true" or "1";
        using var socket = await context.WebSockets.AcceptWebSocketAsync(Protocol).ConfigureAwait(false);
        var cancellation = context.RequestAborted;

        // kubectl starts reading the connection before it has made its streams (client-go's wsStreamExecutor runs
        // readDemuxLoop, then streamer.stream creates stdout, stderr and the error stream), and drops a message for a
        // stream not made yet ("Unknown stream id 2, discarding message"). A kubelet's exec answers after the runtime
        // has started the process; the emulated shell answers at once, and on a loaded machine its stderr was lost
        // so. The first output waits as long as a runtime's exec takes to start.
        await Task.Delay(ExecStartLatency, cancellation).ConfigureAwait(false);
        int exitCode;
        if (PodShell.IsShell(argv))
        {
            exitCode = await RunSessionAsync(socket, cluster, shell, argv, tty, stdin, cancellation).ConfigureAwait(false);
        }
        else
        {
            var result = cluster.Read(() => shell.Exec(argv));
            await SendAsync(socket, Stdout, Terminal(result.Stdout, tty), cancellation).ConfigureAwait(false);
            await SendAsync(socket, tty ? Stdout : Stderr, Terminal(result.Stderr, tty), cancellation).ConfigureAwait(false);
            exitCode = result.ExitCode;
        }

        await FinishAsync(socket, argv, exitCode, cancellation).ConfigureAwait(false);
    }

    /// <summary>Output for the client: a terminal turns each <c>\n</c> into <c>\r\n</c> (the tty's ONLCR).</summary>
    private static string Terminal(string text, bool tty) => tty ? text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace("\n", "\r\n", StringComparison.Ordinal) : text;

    private static async Task<int> RunSessionAsync(WebSocket socket, ServedCluster cluster, PodShell shell, IReadOnlyList<string> argv, bool tty, bool stdin, CancellationToken cancellation)
    {
        var session = cluster.Read(() => shell.StartSession(argv, tty));
        await SendAsync(socket, Stdout, session.Start(), cancellation).ConfigureAwait(false);
        if (!stdin)
        {
            return cluster.Read(session.EndOfInput).ExitCode;
        }

        var line = new StringBuilder();
        var buffer = new byte[16 * 1024];
        while (true)
        {
            var (stream, data) = await ReceiveAsync(socket, buffer, cancellation).ConfigureAwait(false);
            if (stream is null || (stream == Close && data.Length > 0 && data[0] == Stdin))
            {
                // The client closed stdin (end of the pipe) or the connection.
                var end = cluster.Read(session.EndOfInput);
                await SendResultAsync(socket, end, tty, cancellation).ConfigureAwait(false);
                return end.ExitCode;
            }

            if (stream != Stdin)
            {
                // Resize (4) and anything else: nothing to do for an emulated terminal.
                continue;
            }

            foreach (var ch in Encoding.UTF8.GetString(data))
            {
                if (ch is '\r' or '\n')
                {
                    if (tty)
                    {
                        await SendAsync(socket, Stdout, "\r\n", cancellation).ConfigureAwait(false);
                    }

                    var text = line.ToString();
                    line.Clear();
                    var result = cluster.Read(() => session.Run(text));
                    await SendResultAsync(socket, result, tty, cancellation).ConfigureAwait(false);
                    if (result.Ended)
                    {
                        return result.ExitCode;
                    }
                }
                else if (tty && ch is '\u007f' or '\b')
                {
                    if (line.Length > 0)
                    {
                        line.Length--;
                        await SendAsync(socket, Stdout, "\b \b", cancellation).ConfigureAwait(false);
                    }
                }
                else if (tty && ch == '\u0003')
                {
                    // Ctrl-C: the line is dropped and a new prompt shown.
                    line.Clear();
                    await SendAsync(socket, Stdout, "^C\r\n" + session.Prompt, cancellation).ConfigureAwait(false);
                }
                else if (tty && ch == '\u0004' && line.Length == 0)
                {
                    var end = cluster.Read(session.EndOfInput);
                    await SendResultAsync(socket, end, tty, cancellation).ConfigureAwait(false);
                    return end.ExitCode;
                }
                else
                {
                    line.Append(ch);
                    if (tty)
                    {
                        await SendAsync(socket, Stdout, ch.ToString(), cancellation).ConfigureAwait(false);
                    }
                }
            }
        }
    }

    private static async Task SendResultAsync(WebSocket socket, ShellLineResult result, bool tty, CancellationToken cancellation)
    {
        await SendAsync(socket, Stdout, Terminal(result.Stdout, tty), cancellation).ConfigureAwait(false);
        await SendAsync(socket, tty ? Stdout : Stderr, Terminal(result.Stderr, tty), cancellation).ConfigureAwait(false);
        await SendAsync(socket, Stdout, result.Prompt, cancellation).ConfigureAwait(false);
    }

    /// <summary>One whole message: its stream byte and the rest; a null stream when the client closed.</summary>
    private static async Task<(byte? Stream, byte[] Data)> ReceiveAsync(WebSocket socket, byte[] buffer, CancellationToken cancellation)
    {
        using var message = new MemoryStream();
        while (true)
        {
            var received = await socket.ReceiveAsync(buffer, cancellation).ConfigureAwait(false);
            if (received.MessageType == WebSocketMessageType.Close)
            {
                return (null, []);
            }

            message.Write(buffer, 0, received.Count);
            if (received.EndOfMessage)
            {
                var bytes = message.ToArray();
                return bytes.Length == 0 ? (Stdin, []) : (bytes[0], bytes[1..]);
            }
        }
    }

    private static async Task SendAsync(WebSocket socket, byte stream, string text, CancellationToken cancellation)
    {
        if (text.Length == 0 || socket.State != WebSocketState.Open)
        {
            return;
        }

        var bytes = Encoding.UTF8.GetBytes(text);
        var message = new byte[bytes.Length + 1];
        message[0] = stream;
        bytes.CopyTo(message, 1);
        await socket.SendAsync(message, WebSocketMessageType.Binary, endOfMessage: true, cancellation).ConfigureAwait(false);
    }

    /// <summary>
    /// The final Status on stream 3 (what decides kubectl's exit code), then the close handshake
    /// (k8s.io/kubelet cri streaming remotecommand's writeStatus).
    /// </summary>
    private static async Task FinishAsync(WebSocket socket, IReadOnlyList<string> argv, int exitCode, CancellationToken cancellation)
    {
        var status = exitCode == 0
            ? new JsonObject { ["metadata"] = new JsonObject(), ["status"] = "Success" }
            : new JsonObject
            {
                ["metadata"] = new JsonObject(),
                ["status"] = "Failure",
                ["message"] = $"command terminated with non-zero exit code: error executing command [{string.Join(' ', argv)}], exit code {exitCode}",
                ["reason"] = "NonZeroExitCode",
                ["details"] = new JsonObject
                {
                    ["causes"] = new JsonArray(new JsonObject { ["reason"] = "ExitCode", ["message"] = exitCode.ToString(System.Globalization.CultureInfo.InvariantCulture) }),
                },
            };
        await SendAsync(socket, Error, status.ToJsonString(Podnet.Kube.Serialization.GoJsonEncoder.SerializerOptions), cancellation).ConfigureAwait(false);
        if (socket.State == WebSocketState.Open)
        {
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, string.Empty, cancellation).ConfigureAwait(false);
        }
    }
}

using System.Text;
using Podnet.Tests.TestSupport;

namespace Podnet.Tests.Cli;

/// <summary>World files that cannot be read are errors that name them, never hangs or crashes.</summary>
public sealed class WorldFilesTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), $"podnet-files-{Guid.NewGuid():N}");

    public WorldFilesTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void SymlinkLoop_IsAnError_NotAHang()
    {
        Directory.CreateSymbolicLink(Path.Combine(_dir, "self"), _dir);
        var (exit, _, error) = PodnetCli.Run("run", _dir);
        Assert.Equal(2, exit);
        Assert.Equal($"error: {Path.Combine(_dir, "self")}: a symbolic link loop (it leads back to {_dir}, already read)\n", error);
    }

    [Fact]
    public void LinkToALink_Looping_IsAnError()
    {
        var a = Path.Combine(_dir, "a.yaml");
        var b = Path.Combine(_dir, "b.yaml");
        File.CreateSymbolicLink(a, b);
        File.CreateSymbolicLink(b, a);
        var (exit, _, error) = PodnetCli.Run("run", a);
        Assert.Equal(2, exit);
        Assert.StartsWith($"error: {a}: a symbolic link that cannot be followed (a loop?): ", error, StringComparison.Ordinal);
    }

    [Fact]
    public void DanglingSymlink_IsAnError_NamingItsTarget()
    {
        File.CreateSymbolicLink(Path.Combine(_dir, "x.yaml"), "nothing.yaml");
        var (exit, _, error) = PodnetCli.Run("run", _dir);
        Assert.Equal((2, $"error: {Path.Combine(_dir, "x.yaml")}: a symbolic link to nothing.yaml, which does not exist\n"), (exit, error));
    }

    [Fact]
    public void InvalidUtf8_IsAnError_NamingTheFileAndOffset()
    {
        var file = Path.Combine(_dir, "w.yaml");
        File.WriteAllBytes(file, [.. Encoding.UTF8.GetBytes("apiVersion: v1\nkind: Namespace\nmetadata: {name: "), 0xC3, 0x28, .. Encoding.UTF8.GetBytes("}\n")]);
        var (exit, _, error) = PodnetCli.Run("run", file);
        Assert.Equal((2, $"error: {file}: not UTF-8 text (invalid byte at offset 48); YAML and JSON files must be UTF-8\n"), (exit, error));
    }

    [Fact]
    public void FileNameNotUtf8_IsAnError_NamingIt()
    {
        // A name of raw bytes, 'w' 0xFF ".yaml": Linux allows it, and .NET cannot open it by its decoded name.
        byte[] name = [.. Encoding.UTF8.GetBytes(Path.Combine(_dir, "w")), 0xFF, .. ".yaml"u8, 0];
        var fd = Creat(name, 0x1A4);
        Assert.True(fd >= 0, "could not create the file");
        Assert.Equal(0, Close(fd));
        var (exit, _, error) = PodnetCli.Run("run", _dir);
        Assert.Equal(0, Unlink(name));
        Assert.Equal((2, $"error: {Path.Combine(_dir, "w\uFFFD.yaml")}: the name is not valid UTF-8 (shown with \uFFFD where the bad bytes are); rename it\n"), (exit, error));
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "creat", SetLastError = true)]
    private static extern int Creat(byte[] path, int mode);

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "close")]
    private static extern int Close(int fd);

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "unlink")]
    private static extern int Unlink(byte[] path);

    [Theory]
    [InlineData("run")]
    [InlineData("lint")]
    [InlineData("netpol", "egress-for")]
    public void EmptyPath_IsAnError_NotACrash(params string[] command)
    {
        var (exit, _, error) = PodnetCli.Run([.. command, string.Empty]);
        Assert.Equal((2, "error: \"\": an empty path names no file or directory\n"), (exit, error));
    }

    [Fact]
    public void EmptyWorldFile_IsAnError()
    {
        var file = Path.Combine(_dir, "w.yaml");
        File.WriteAllText(file, "# nothing here\n");
        var (exit, _, error) = PodnetCli.Run("run", file);
        Assert.Equal((2, $"error: {file}: no objects (only empty documents or comments)\n"), (exit, error));
    }

    [Theory]
    [InlineData("")]
    [InlineData("# from\tto\tport\tverdict\n\n")]
    public void EmptyOrCommentOnlyExpectedTable_IsAnError_NotZeroPassed(string table)
    {
        var expected = Path.Combine(_dir, "expected.tsv");
        File.WriteAllText(expected, table);
        var (exit, output, error) = PodnetCli.Run("test", Path.Combine(PodnetCli.Examples(), "egress-policies"), expected);
        Assert.Equal((2, string.Empty), (exit, output));
        Assert.Equal($"error: {expected}: no rows to check (only blank lines and # comments); expected from<TAB>to<TAB>PROTOCOL/port<TAB>allowed|denied\n", error);
    }

    [Fact]
    public void DeeplyNestedValue_PrintsAsJson()
    {
        var file = Path.Combine(_dir, "w.yaml");
        var nested = string.Concat(Enumerable.Repeat("{a: ", 70)) + "x" + new string('}', 70);
        File.WriteAllText(file, $"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: deep, annotations: {{}}}}\ndata: {{k: v}}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {{name: n}}\nspec: {nested}\n");
        var (exit, output, error) = PodnetCli.Run("run", file, "-o", "json");
        Assert.Equal((0, string.Empty), (exit, error));
        Assert.Contains("\"a\": \"x\"", output, StringComparison.Ordinal);
    }
}

using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Podnet.Tests.TestSupport;

namespace Podnet.Tests.Cli;

public partial class ReportCommandTests
{
    private static readonly TimeSpan BrowserTimeout = TimeSpan.FromSeconds(60);

    private static string Example(string name) => Path.Combine(PodnetCli.Examples(), name);

    private static string Report(params string[] args)
    {
        var (exit, output, error) = PodnetCli.Run(["report", .. args, "-o", "-"]);
        Assert.True(exit == 0, error);
        return output;
    }

    [Fact]
    public void Report_ShowsVpcSubnetsNodesInterfacesGroupsAndPods()
    {
        var html = Report(Example("security-groups-for-pods"));

        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        Assert.Contains("<h2>VPC <code>vpc-", html, StringComparison.Ordinal);
        Assert.Contains("private-us-west-2a", html, StringComparison.Ordinal);
        Assert.Matches(@"<td class=""num"">[0-9,]+ of 8,187</td>", html);
        Assert.Contains("<h3>ip-192-168-64-4.us-west-2.compute.internal</h3>", html, StringComparison.Ordinal);
        Assert.Contains("<span class=\"tag\">primary</span>", html, StringComparison.Ordinal);
        Assert.Contains("<span class=\"tag\">trunk</span>", html, StringComparison.Ordinal);
        Assert.Equal(4, Regex.Count(html, @"<span class=""tag"">branch · VLAN \d</span>"));
        Assert.Contains("sg-05b1d815d1e4a1b2c", html, StringComparison.Ordinal);
        Assert.Matches(@"<li class=""pod""><code>192\.168\.\d+\.\d+</code> my-namespace/my-deployment-", html);
        Assert.Contains("<td>my-pod-security-group</td>", html, StringComparison.Ordinal);
        Assert.Contains("UDP/53 sg-05b1d815d1e4a1b2c", html, StringComparison.Ordinal);
        Assert.Contains("<h2>Connectivity on TCP/80</h2>", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Report_ExplainsEveryDecidedPairOfClasses()
    {
        var html = Report(Example("egress-policies"), "--port", "53/udp");
        var data = JsonNode.Parse(MatrixData().Match(html).Groups[1].Value)!;
        var explanations = data["explanations"]!.AsObject();
        var cells = CellClasses().Matches(html).Select(m => m.Groups[1].Value).Distinct().ToList();

        Assert.Equal("UDP/53", data["port"]!.GetValue<string>());
        Assert.NotEmpty(cells);
        Assert.All(cells, c => Assert.True(explanations.ContainsKey(c), $"cell class pair {c} has no explanation"));
        Assert.All(explanations, e => Assert.NotEmpty(e.Value!["hops"]!.AsArray()));
        Assert.Contains(explanations, e => !e.Value!["allowed"]!.GetValue<bool>());
    }

    [Fact]
    public void Report_PodNamesCannotEndTheScriptEarly()
    {
        var dir = Directory.CreateTempSubdirectory("podnet-report-");
        try
        {
            File.WriteAllText(Path.Combine(dir.FullName, "world.yaml"), """
                apiVersion: v1
                kind: Namespace
                metadata: {name: x}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: "a</script><b>", namespace: x}
                spec: {containers: [{name: c, image: nginx}]}
                status: {podIP: 10.0.0.1, phase: Running}
                ---
                apiVersion: v1
                kind: Pod
                metadata: {name: b, namespace: x}
                spec: {containers: [{name: c, image: nginx}]}
                status: {podIP: 10.0.0.2, phase: Running}
                """);
            var html = Report(dir.FullName);

            Assert.Equal(1, Regex.Count(html, "<script type=\"application/json\""));
            Assert.DoesNotContain("<b>", html, StringComparison.Ordinal);
            Assert.NotNull(JsonNode.Parse(MatrixData().Match(html).Groups[1].Value));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void Report_MissingOutputDirectory_IsAnError()
    {
        var (exit, _, error) = PodnetCli.Run("report", "-o", "/no/such/dir/report.html");

        Assert.Equal(2, exit);
        Assert.Equal("error: --output: /no/such/dir/report.html: the directory /no/such/dir does not exist\n", error);
    }

    /// <summary>
    /// Opens the page in headless Chromium, as a person would: no console message or script error, the script ran,
    /// the cell named in the address shows its explanation, and a screenshot of it is a real picture.
    /// </summary>
    [Fact]
    public void Report_OpensInChromium_WithoutConsoleErrors_AndExplainsTheChosenCell()
    {
        var chromium = ExternalProgram.Require("chromium", "apt-get install -y chromium");
        var dir = Directory.CreateTempSubdirectory("podnet-report-");
        try
        {
            var page = Path.Combine(dir.FullName, "report.html");
            var (exit, _, error) = PodnetCli.Run("report", Example("security-groups-for-pods"), "-o", page);
            Assert.True(exit == 0, error);
            var url = new Uri(page).AbsoluteUri + "#cell-0-1";
            string[] headless = ["--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", $"--user-data-dir={Path.Combine(dir.FullName, "profile")}"];

            var dom = ExternalProgram.Run(chromium, [.. headless, "--enable-logging=stderr", "--v=0", "--dump-dom", url], BrowserTimeout);
            Assert.Equal(0, dom.Exit);
            Assert.DoesNotContain(":CONSOLE", dom.Err, StringComparison.Ordinal);
            Assert.Contains("data-ready=\"yes\"", dom.Out, StringComparison.Ordinal);
            var panel = Regex.Match(dom.Out, "<div id=\"explain\" class=\"explain\">(.*?)</div>", RegexOptions.Singleline).Groups[1].Value;
            Assert.Matches("<span class=\"verdict (allowed|denied)\">(ALLOWED|DENIED)</span> kube-system/coredns-", panel);
            Assert.Contains("<li class=\"ok\">ok  egress: kube-system/coredns-", panel, StringComparison.Ordinal);

            var screenshot = Path.Combine(dir.FullName, "report.png");
            var shot = ExternalProgram.Run(chromium, [.. headless, "--window-size=1400,2400", $"--screenshot={screenshot}", url], BrowserTimeout);
            Assert.Equal(0, shot.Exit);
            var png = File.ReadAllBytes(screenshot);
            Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);

            // A blank page of that size compresses to a few kilobytes; the report's tables and cards take far more.
            Assert.True(png.Length > 100_000, $"the screenshot has {png.Length} bytes: the page looks empty");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [GeneratedRegex("<script type=\"application/json\" id=\"matrix-data\">(.*?)</script>", RegexOptions.Singleline)]
    private static partial Regex MatrixData();

    [GeneratedRegex("data-c=\"(\\d+,\\d+)\"")]
    private static partial Regex CellClasses();
}

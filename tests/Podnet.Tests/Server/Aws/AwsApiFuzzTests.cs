using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Podnet.Server.Aws;
using Podnet.Tests.TestSupport;
using Xunit.Abstractions;

namespace Podnet.Tests.Server.Aws;

/// <summary>
/// Sends the served AWS APIs requests drawn from botocore's models — EC2 query requests of the actions Podnet serves
/// and of ones it does not, their parameters filled from the input shapes with the world's IDs and then mutated
/// (dropped, of the wrong type, out of range, <c>Filter.N.Name</c> garbage, <c>MaxResults</c> edges, made-up
/// <c>NextToken</c>s, IDs of the wrong prefix, huge lists), and EKS's REST operations with bad JSON, wrong types and
/// unknown clusters — and holds every answer to AWS's error shape for its protocol: EC2's
/// <c>&lt;Response&gt;&lt;Errors&gt;&lt;Error&gt;&lt;Code/&gt;&lt;Message/&gt;</c> with <c>RequestID</c>, EKS's
/// <c>{"message":…}</c> with <c>x-amzn-ErrorType</c>; no 5xx (EC2 and EKS answer one only for their own faults, and
/// no fault is injected here), no code of another protocol, no .NET text.
/// </summary>
/// <remarks>
/// The suite sends a fixed seed's requests; to look for new failures, draw fresh ones for a while:
/// <c>PODNET_AWS_FUZZ_SECONDS=300 dotnet test -c Release --filter AwsApiFuzzTests</c>; a failure names its seed and
/// input, and <c>PODNET_AWS_FUZZ_SEED=N</c> sends the same requests again.
/// </remarks>
public sealed class AwsApiFuzzTests(ServedWorld served, ITestOutputHelper output) : IClassFixture<ServedWorld>
{
    private const int FixedSeed = 20261201;

    private const int FixedRuns = 15000;

    /// <summary>The suite's time bound: a slow machine sends a shorter prefix of the same requests.</summary>
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(30);

    private static readonly string[] DotNetText = ["System.", "Exception:", " at Podnet.", "Object reference", "Podnet failed"];

    /// <summary>Codes of the other protocols, which an EC2 answer never carries (and EC2's own fault).</summary>
    private static readonly HashSet<string> NotEc2Codes = new(StringComparer.Ordinal)
    {
        "InternalError", "InternalFailure", "ServiceUnavailable", "SerializationException", "ValidationException",
        "UnknownOperationException", "ResourceNotFoundException", "NoSuchEntity", "AccessDeniedException", "InvalidParameterException",
    };

    private static readonly string[] Garbage =
    [
        "", " ", "x", "-1", "0", "1", "2147483648", "99999999999999999999", "1.5", "true", "null", "NaN", "sg-", "sg-zz", "vpc-0", "subnet-00000000000000000",
        "i-0123456789abcdef0", "eni-ffffffffffffffff0", "pl-1", "10.0.0.0/8", "10.0.0.0/33", "::/0", "300.1.1.1", "tcp", "-1", "65536", "ü", "a\u0000b",
        new string('a', 300), new string('9', 40), "<x/>", "&amp;", "%", "{\"a\":1}", "sg-0123456789abcdef0", "arn:aws:iam::123456789012:role/x",
    ];

    private sealed record Drawn(string Service, HttpMethod Method, string Path, string? Form, string? Json, string? Scope, string What);

    [Fact]
    public async Task MutatedRequests_AlwaysGetTheProtocolsErrorNever500()
    {
        var explore = int.TryParse(Environment.GetEnvironmentVariable("PODNET_AWS_FUZZ_SECONDS"), out var seconds) ? TimeSpan.FromSeconds(seconds) : (TimeSpan?)null;
        var seed = int.TryParse(Environment.GetEnvironmentVariable("PODNET_AWS_FUZZ_SEED"), out var given) ? given : explore is null ? FixedSeed : Random.Shared.Next();
        var draw = new Random(seed);
        var ec2 = BotocoreModels.Load("ec2");
        var eks = BotocoreModels.Load("eks");
        var actions = Ec2Api.Actions.Order(StringComparer.Ordinal).ToList();
        var unserved = ec2["operations"]!.AsObject().Select(o => o.Key).Where(a => !actions.Contains(a)).Order(StringComparer.Ordinal).ToList();
        var eksOperations = eks["operations"]!.AsObject().Select(o => o.Key).Order(StringComparer.Ordinal).ToList();
        var queryModels = new[] { "iam", "sts", "cloudformation" }.Select(BotocoreModels.Load).ToList();
        using var http = served.AwsHttp();
        var ids = await WorldIdsAsync(http);

        var clock = Stopwatch.StartNew();
        var runs = 0;
        var codes = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var failures = new Dictionary<string, string>(StringComparer.Ordinal);
        while (explore is null ? runs < FixedRuns && clock.Elapsed < Budget : clock.Elapsed < explore)
        {
            var random = new Random(draw.Next());
            var drawn = random.Next(5) switch
            {
                0 => DrawEks(random, eks, eksOperations, ids),
                1 when queryModels[random.Next(queryModels.Count)] is var other => DrawEc2(random, other, Operations(other)[random.Next(Operations(other).Count)], ids),
                2 => DrawEc2(random, ec2, unserved[random.Next(unserved.Count)], ids),
                _ => DrawEc2(random, ec2, actions[random.Next(actions.Count)], ids),
            };
            var what = $"input {runs} of seed {seed}: {drawn.What}";
            runs++;
            var (status, text, errorType) = await SendAsync(http, drawn);
            var (code, problem) = drawn.Service switch
            {
                "eks" => CheckEks(status, text, errorType),
                "ec2" => CheckEc2(status, text),
                _ => CheckQuery(status, text),
            };
            codes[$"{drawn.Service} {status} {code}"] = codes.GetValueOrDefault($"{drawn.Service} {status} {code}") + 1;
            if (problem is not null && failures.Count < 40)
            {
                failures.TryAdd(Regex.Replace(problem + " " + code, "[0-9]+", "N"), $"{problem}\n  {what}\n  answer {status}: {(text.Length > 500 ? text[..500] : text)}");
            }
        }

        // Still serving: a plain describe answers.
        var (after, _, _) = await SendAsync(http, new Drawn("ec2", HttpMethod.Post, "/", "Action=DescribeVpcs&Version=2016-11-15", null, null, "DescribeVpcs"));
        output.WriteLine($"{runs} mutated requests of seed {seed} in {clock.Elapsed.TotalSeconds:F0} s; answers by service, status and code:");
        foreach (var (key, count) in codes)
        {
            output.WriteLine($"  {count,5}  {key}");
        }

        Assert.True(after == 200, $"DescribeVpcs answered {after} after the fuzzing");
        Assert.True(failures.Count == 0, $"{failures.Count} kinds of wrong answers:\n" + string.Join("\n", failures.Values));
        Assert.True(runs > 100, $"only {runs} requests were sent");
        Assert.Contains(codes.Keys, k => k.Contains(" 200 ", StringComparison.Ordinal));
    }

    // Each failure the fuzzing found, with the answer it gets now.

    [Fact]
    public async Task Eks_MemberOfTheWrongType_IsSerializationException()
    {
        using var http = served.AwsHttp();

        var (status, text, errorType) = await SendAsync(http, new Drawn("eks", HttpMethod.Post, "/clusters/podnet/node-groups", null, """{"nodegroupName":5,"nodeRole":"r","subnets":["s"]}""", Scope("eks"), "CreateNodegroup"));

        Assert.Equal(400, status);
        Assert.Equal("SerializationException", errorType);
        Assert.Equal("NUMBER_VALUE can not be converted to a String", JsonNode.Parse(text)!["message"]!.ToString());
    }

    [Fact]
    public async Task Eks_MemberGivenTwice_KeepsTheLastValue()
    {
        using var http = served.AwsHttp();

        // The last name is a string, so the body decodes; without roleArn it is then EKS's missing-member error.
        var (status, text, errorType) = await SendAsync(http, new Drawn("eks", HttpMethod.Post, "/clusters", null, """{"name":5,"name":"twice","resourcesVpcConfig":{"subnetIds":[]}}""", Scope("eks"), "CreateCluster"));

        Assert.Equal(400, status);
        Assert.Equal("InvalidParameterException", errorType);
        Assert.Equal("roleArn is required", JsonNode.Parse(text)!["message"]!.ToString());
    }

    [Fact]
    public async Task Ec2_NulInAnEchoedValue_IsWrittenAsReplacementCharacter()
    {
        using var http = served.AwsHttp();

        // In a query string (a form's reader refuses NUL outright: InvalidQueryParameter).
        var (status, text, _) = await SendAsync(http, new Drawn("ec2", HttpMethod.Get, "/?Action=DescribeVpcs&Version=2016-11-15&VpcId.1=vpc-a%00b", null, null, null, "DescribeVpcs"));

        Assert.Equal(400, status);
        var error = XElement.Parse(text).Element("Errors")!.Element("Error")!;
        Assert.StartsWith("InvalidVpcID.", error.Element("Code")!.Value, StringComparison.Ordinal);
        Assert.Contains("vpc-a\uFFFDb", error.Element("Message")!.Value, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ec2_GetWithVersionButNoAction_IsMissingAction()
    {
        using var http = served.AwsHttp();

        var (status, text, _) = await SendAsync(http, new Drawn("ec2", HttpMethod.Get, "/?Version=2016-11-15&VpcId.1=vpc-1", null, null, null, "GET"));

        Assert.Equal(400, status);
        Assert.Equal("MissingAction", XElement.Parse(text).Element("Errors")!.Element("Error")!.Element("Code")!.Value);
    }

    [Fact]
    public async Task Ec2_ParameterGivenTwice_CountsWithItsFirstValue()
    {
        using var http = served.AwsHttp();

        var (status, text, _) = await SendAsync(http, new Drawn("ec2", HttpMethod.Post, "/", "Action=DescribeVpcs&Version=2016-11-15&Version=x&Action=Nope", null, null, "DescribeVpcs"));

        Assert.Equal(200, status);
        Assert.Equal("DescribeVpcsResponse", XElement.Parse(text).Name.LocalName);
    }

    [Fact]
    public async Task Query_UnsignedFormTheReaderRefuses_IsAnsweredInTheShapeOfTheServiceItsVersionNames()
    {
        using var http = served.AwsHttp();
        var form = "Action=ListRoles&Version=2010-05-08&" + string.Join('&', Enumerable.Range(1, 1100).Select(i => $"Marker.member.{i}=x"));

        var (status, text, _) = await SendAsync(http, new Drawn("iam", HttpMethod.Post, "/", form, null, null, "ListRoles"));

        Assert.Equal(400, status);
        var root = XElement.Parse(text);
        Assert.Equal("ErrorResponse", root.Name.LocalName);
        Assert.Equal("InvalidQueryParameter", root.Elements().First(e => e.Name.LocalName == "Error").Elements().First(e => e.Name.LocalName == "Code").Value);
    }

    /// <summary>
    /// What every XML protocol's answer is checked for first: no .NET text, a 200 is fine, an error is XML
    /// (<paramref name="root"/>); null when the protocol's own checks are to follow.
    /// </summary>
    private static (string Code, string? Problem)? XmlAnswer(int status, string text, out XElement root)
    {
        root = new XElement("none");
        if (DotNetText.FirstOrDefault(t => text.Contains(t, StringComparison.Ordinal)) is { } leak)
        {
            return ("?", $".NET text \"{leak}\" in the answer");
        }

        if (status == 200)
        {
            return ("ok", null);
        }

        try
        {
            root = XElement.Parse(text);
        }
        catch (System.Xml.XmlException)
        {
            return ("?", $"a {status} that is not XML");
        }

        return null;
    }

    /// <summary>An EC2 answer's error code (or "ok") and what is wrong with it, if anything.</summary>
    private static (string Code, string? Problem) CheckEc2(int status, string text)
    {
        if (XmlAnswer(status, text, out var root) is { } early)
        {
            return early;
        }

        var code = root.Element("Errors")?.Element("Error")?.Element("Code")?.Value;
        if (root.Name.LocalName != "Response" || code is null || root.Element("Errors")!.Element("Error")!.Element("Message") is null || root.Element("RequestID") is null)
        {
            return (code ?? "?", $"a {status} whose body is not EC2's <Response><Errors><Error><Code>");
        }

        if (status >= 500)
        {
            return (code, $"a {status}");
        }

        return !Regex.IsMatch(code, "^[A-Z][A-Za-z0-9]*(\\.[A-Z][A-Za-z0-9]*)*$") || NotEc2Codes.Contains(code)
            ? (code, "a code EC2 does not answer")
            : (code, null);
    }

    /// <summary>
    /// An IAM, STS or CloudFormation answer's error code (or "ok") and what is wrong with it: the query protocol's
    /// <c>&lt;ErrorResponse&gt;&lt;Error&gt;&lt;Type/&gt;&lt;Code/&gt;&lt;Message/&gt;&lt;/Error&gt;&lt;RequestId/&gt;</c>.
    /// </summary>
    private static (string Code, string? Problem) CheckQuery(int status, string text)
    {
        if (XmlAnswer(status, text, out var root) is { } early)
        {
            return early;
        }

        var error = root.Elements().FirstOrDefault(e => e.Name.LocalName == "Error");
        var code = error?.Elements().FirstOrDefault(e => e.Name.LocalName == "Code")?.Value;
        if (root.Name.LocalName != "ErrorResponse" || code is null || error!.Elements().All(e => e.Name.LocalName != "Type") || root.Elements().All(e => e.Name.LocalName != "RequestId"))
        {
            return (code ?? "?", $"a {status} whose body is not the query protocol's <ErrorResponse><Error><Type><Code>");
        }

        return status >= 500 ? (code, $"a {status}") : (code, null);
    }

    private static List<string> Operations(JsonObject model) => [.. model["operations"]!.AsObject().Select(o => o.Key).Order(StringComparer.Ordinal)];

    /// <summary>An EKS answer's error type (or "ok") and what is wrong with it, if anything.</summary>
    private static (string Code, string? Problem) CheckEks(int status, string text, string? errorType)
    {
        if (DotNetText.FirstOrDefault(t => text.Contains(t, StringComparison.Ordinal)) is { } leak)
        {
            return ("?", $".NET text \"{leak}\" in the answer");
        }

        if (status == 200)
        {
            return ("ok", null);
        }

        if (errorType is null)
        {
            return ("?", $"a {status} without x-amzn-ErrorType");
        }

        try
        {
            if (JsonNode.Parse(text) is not JsonObject { } body || body["message"] is not JsonValue message || message.GetValueKind() != JsonValueKind.String)
            {
                return (errorType, $"a {status} whose body is not {{\"message\":…}}");
            }
        }
        catch (JsonException)
        {
            return (errorType, $"a {status} whose body is not JSON");
        }

        return status >= 500 ? (errorType, $"a {status}") : (errorType, null);
    }

    private static async Task<(int Status, string Text, string? ErrorType)> SendAsync(HttpClient http, Drawn drawn)
    {
        using var request = new HttpRequestMessage(drawn.Method, drawn.Path);
        if (drawn.Form is not null)
        {
            request.Content = new StringContent(drawn.Form, Encoding.UTF8, "application/x-www-form-urlencoded");
        }
        else if (drawn.Json is not null)
        {
            request.Content = new StringContent(drawn.Json, Encoding.UTF8, "application/json");
        }

        if (drawn.Scope is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", drawn.Scope);
        }

        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text, response.Headers.TryGetValues("x-amzn-ErrorType", out var types) ? types.FirstOrDefault() : null);
    }

    /// <summary>The IDs the world's EC2 describes (VPCs, subnets, groups, interfaces, instances …), to fill parameters with.</summary>
    private static async Task<List<string>> WorldIdsAsync(HttpClient http)
    {
        var ids = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var action in new[] { "DescribeVpcs", "DescribeSubnets", "DescribeSecurityGroups", "DescribeNetworkInterfaces", "DescribeInstances", "DescribeRouteTables", "DescribeManagedPrefixLists" })
        {
            using var content = new StringContent($"Action={action}&Version=2016-11-15", Encoding.UTF8, "application/x-www-form-urlencoded");
            using var response = await http.PostAsync("/", content);
            foreach (Match match in Regex.Matches(await response.Content.ReadAsStringAsync(), "\\b(vpc|subnet|sg|eni|i|rtb|igw|eigw|nat|eipalloc|pl|vpce|sgr|rtbassoc|attach|trunk-assoc)-[0-9a-f]{8,17}\\b"))
            {
                ids.Add(match.Value);
            }
        }

        Assert.True(ids.Count > 10, $"the world describes only {ids.Count} IDs");
        return [.. ids];
    }

    private static string Scope(string service) => $"AWS4-HMAC-SHA256 Credential=AKIAPODNETADMIN00001/20261201/us-west-2/{service}/aws4_request, SignedHeaders=host;x-amz-date, Signature=00";

    private static Drawn DrawEc2(Random random, JsonObject model, string action, List<string> ids)
    {
        var parameters = new List<KeyValuePair<string, string>>();
        var operation = model["operations"]![action]!;
        if (operation["input"]?["shape"]?.ToString() is { } input)
        {
            Fill(random, model, model["shapes"]![input]!.AsObject(), string.Empty, parameters, ids, 0);
        }

        // Mutations of the request as a whole.
        switch (random.Next(12))
        {
            case 0 when parameters.Count > 0:
                parameters.RemoveAt(random.Next(parameters.Count));
                break;
            case 1:
                parameters.Add(new("MaxResults", new[] { "0", "4", "5", "1000", "1001", "-1", "99999999999", "x" }[random.Next(8)]));
                break;
            case 2:
                parameters.Add(new("NextToken", new[] { "x", "", "eyJ4IjoxfQ==", "0", "-1", "AAAA", new string('z', 2000), "999999" }[random.Next(8)]));
                break;
            case 3:
                parameters.Add(new($"Filter.{random.Next(0, 3)}.Name", Garbage[random.Next(Garbage.Length)]));
                parameters.Add(new($"Filter.{random.Next(0, 3)}.Value.{random.Next(0, 3)}", Garbage[random.Next(Garbage.Length)]));
                break;
            case 4:
            {
                var name = random.Next(2) == 0 ? "GroupId" : "SubnetId";
                for (var i = 1; i <= 1200; i++)
                {
                    parameters.Add(new($"{name}.{i}", "sg-" + i.ToString("x17", CultureInfo.InvariantCulture)));
                }

                break;
            }

            case 5 when parameters.Count > 0:
            {
                var at = random.Next(parameters.Count);
                parameters[at] = new(parameters[at].Key, Garbage[random.Next(Garbage.Length)]);
                break;
            }

            case 6:
                parameters.Add(new(new[] { "DryRun", "Unknown", "Action", "Version", "Filter.1.Value.1", "Foo.1.Bar" }[random.Next(6)], Garbage[random.Next(Garbage.Length)]));
                break;
        }

        var service = model["metadata"]!["endpointPrefix"]!.ToString();
        var form = new List<string>();
        if (random.Next(30) != 0)
        {
            form.Add("Action=" + Uri.EscapeDataString(random.Next(40) == 0 ? action.ToLowerInvariant() : action));
        }

        var signed = random.Next(3) == 0;
        if (!signed || random.Next(2) == 0)
        {
            form.Add("Version=" + model["metadata"]!["apiVersion"]);
        }

        form.AddRange(parameters.Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value)));
        var text = string.Join('&', form);
        var get = random.Next(10) == 0 && text.Length < 4000;
        return new Drawn(
            service,
            get ? HttpMethod.Get : HttpMethod.Post,
            get ? "/?" + text : "/",
            get ? null : text,
            null,
            signed ? Scope(service) : null,
            $"{service} {action} {(text.Length > 400 ? text[..400] + "…" : text)}");
    }

    /// <summary>Parameters for a shape as botocore's EC2 serializer writes them (queryName, else the capitalised locationName).</summary>
    private static void Fill(Random random, JsonObject model, JsonObject shape, string prefix, List<KeyValuePair<string, string>> parameters, List<string> ids, int depth)
    {
        if (depth > 4 || shape["members"] is not JsonObject members)
        {
            return;
        }

        var required = (shape["required"] as JsonArray)?.Select(r => r!.ToString()).ToHashSet(StringComparer.Ordinal) ?? [];
        foreach (var (member, reference) in members)
        {
            if (!required.Contains(member) && random.Next(3) != 0)
            {
                continue;
            }

            // EC2's serializer: queryName, else the capitalised locationName; the query protocol's: locationName, else the member.
            var wire = model["metadata"]!["protocol"]!.ToString() == "ec2"
                ? reference!["queryName"]?.ToString() ?? Capitalise(reference["locationName"]?.ToString() ?? member)
                : reference!["locationName"]?.ToString() ?? member;
            var target = model["shapes"]![reference["shape"]!.ToString()]!.AsObject();
            Value(random, model, target, prefix + wire, member, parameters, ids, depth);
        }
    }

    private static void Value(Random random, JsonObject model, JsonObject shape, string name, string member, List<KeyValuePair<string, string>> parameters, List<string> ids, int depth)
    {
        switch (shape["type"]!.ToString())
        {
            case "structure":
                Fill(random, model, shape, name + ".", parameters, ids, depth + 1);
                break;
            case "list":
            {
                var element = model["shapes"]![shape["member"]!["shape"]!.ToString()]!.AsObject();
                var count = random.Next(4);
                var flat = model["metadata"]!["protocol"]!.ToString() == "ec2" || shape["flattened"]?.GetValue<bool>() == true;
                for (var i = 1; i <= count; i++)
                {
                    Value(random, model, element, flat ? $"{name}.{i}" : $"{name}.{shape["member"]!["locationName"]?.ToString() ?? "member"}.{i}", member, parameters, ids, depth + 1);
                }

                break;
            }

            case "map":
                parameters.Add(new($"{name}.entry.1.key", Garbage[random.Next(Garbage.Length)]));
                parameters.Add(new($"{name}.entry.1.value", Garbage[random.Next(Garbage.Length)]));
                break;

            case "integer" or "long":
                parameters.Add(new(name, new[] { "1", "0", "-1", "5", "1000", "2147483648", "x", "1.5" }[random.Next(8)]));
                break;
            case "boolean":
                parameters.Add(new(name, new[] { "true", "false", "yes", "" }[random.Next(4)]));
                break;
            case "timestamp":
                parameters.Add(new(name, new[] { "2026-12-01T00:00:00Z", "x", "0" }[random.Next(3)]));
                break;
            default:
                parameters.Add(new(name, Text(random, shape, member, ids)));
                break;
        }
    }

    private static string Text(Random random, JsonObject shape, string member, List<string> ids)
    {
        if (shape["enum"] is JsonArray values && random.Next(4) != 0)
        {
            return values[random.Next(values.Count)]!.ToString();
        }

        return random.Next(5) switch
        {
            0 or 1 when member.Contains("Id", StringComparison.Ordinal) || member.EndsWith("Ids", StringComparison.Ordinal) => ids[random.Next(ids.Count)],
            2 when member.Contains("Cidr", StringComparison.Ordinal) => new[] { "10.0.0.0/16", "192.168.200.0/24", "2600:1f14::/56", "10.0.0.0/28" }[random.Next(4)],
            3 => member switch
            {
                "Name" => new[] { "vpc-id", "group-name", "tag:Name", "subnet-id", "attachment.instance-id", "nope" }[random.Next(6)],
                "Key" => "Name",
                _ => "podnet-fuzz",
            },
            _ => Garbage[random.Next(Garbage.Length)],
        };
    }

    private static string Capitalise(string name) => name.Length == 0 ? name : char.ToUpperInvariant(name[0]) + name[1..];

    private static Drawn DrawEks(Random random, JsonObject model, List<string> operations, List<string> ids)
    {
        var name = operations[random.Next(operations.Count)];
        var operation = model["operations"]![name]!;
        var method = operation["http"]!["method"]!.ToString();
        var uri = operation["http"]!["requestUri"]!.ToString();
        var query = new List<string>();
        var body = new JsonObject();
        if (operation["input"]?["shape"]?.ToString() is { } inputName && model["shapes"]![inputName] is JsonObject input && input["members"] is JsonObject members)
        {
            var required = (input["required"] as JsonArray)?.Select(r => r!.ToString()).ToHashSet(StringComparer.Ordinal) ?? [];
            foreach (var (member, reference) in members)
            {
                var location = reference!["location"]?.ToString();
                var wire = reference["locationName"]?.ToString() ?? member;
                if (location == "uri")
                {
                    var value = random.Next(3) switch
                    {
                        0 => "podnet",
                        1 => new[] { "ng-1", "vpc-cni", "coredns", "kube-proxy", "fp-1" }[random.Next(5)],
                        _ => new[] { "nope", "a%2Fb", "..", new string('c', 200), "%20", "ü" }[random.Next(6)],
                    };
                    uri = uri.Replace("{" + wire + "}", value, StringComparison.Ordinal).Replace("{" + wire + "+}", value, StringComparison.Ordinal);
                    continue;
                }

                if (!required.Contains(member) && random.Next(3) != 0)
                {
                    continue;
                }

                var json = JsonValueOf(random, model, model["shapes"]![reference["shape"]!.ToString()]!.AsObject(), member, ids, 0);
                if (location == "querystring")
                {
                    query.Add(Uri.EscapeDataString(wire) + "=" + Uri.EscapeDataString(json?.ToString() ?? string.Empty));
                }
                else if (location is null)
                {
                    body[member] = json;
                }
            }
        }

        if (random.Next(6) == 0 && body.Count > 0)
        {
            var key = body.Select(p => p.Key).ElementAt(random.Next(body.Count));
            body[key] = random.Next(4) switch
            {
                0 => 5,
                1 => new JsonArray(1, "a"),
                2 => null,
                _ => new JsonObject { ["x"] = new JsonObject() },
            };
        }

        var text = body.ToJsonString();
        text = random.Next(8) switch
        {
            0 => text[..random.Next(text.Length + 1)],
            1 => new[] { "", "null", "[]", "\"x\"", "5", "{", "{\"a\":}", "\u00ff\u00fe", "{\"name\":\"a\",\"name\":\"b\"}" }[random.Next(9)],
            _ => text,
        };
        if (random.Next(15) == 0)
        {
            uri = new[] { "/clusters/podnet/nope", "/clusters//node-groups", "/addons", "/clusters/podnet/node-groups/ng-1/update-config", "/", "/clusters?maxResults=x" }[random.Next(6)];
        }

        var path = uri.Contains('?', StringComparison.Ordinal) || query.Count == 0 ? uri : uri + "?" + string.Join('&', query);
        var verb = random.Next(20) == 0 ? new[] { "GET", "POST", "DELETE", "PUT", "PATCH" }[random.Next(5)] : method;
        var sendsBody = verb is "POST" or "PUT" or "PATCH" || random.Next(10) == 0;
        return new Drawn("eks", new HttpMethod(verb), path, null, sendsBody ? text : null, Scope("eks"), $"EKS {name}: {verb} {path} {(sendsBody ? text.Length > 300 ? text[..300] : text : string.Empty)}");
    }

    private static JsonNode? JsonValueOf(Random random, JsonObject model, JsonObject shape, string member, List<string> ids, int depth)
    {
        if (depth > 4)
        {
            return null;
        }

        switch (shape["type"]!.ToString())
        {
            case "structure":
            {
                var obj = new JsonObject();
                foreach (var (name, reference) in shape["members"] as JsonObject ?? [])
                {
                    if (random.Next(2) == 0)
                    {
                        obj[name] = JsonValueOf(random, model, model["shapes"]![reference!["shape"]!.ToString()]!.AsObject(), name, ids, depth + 1);
                    }
                }

                return obj;
            }

            case "list":
            {
                var element = model["shapes"]![shape["member"]!["shape"]!.ToString()]!.AsObject();
                return new JsonArray([.. Enumerable.Range(0, random.Next(3)).Select(_ => JsonValueOf(random, model, element, member, ids, depth + 1))]);
            }

            case "map":
                return new JsonObject { ["k8s.io/fuzz"] = "x", [random.Next(2) == 0 ? "" : "a"] = random.Next(2) == 0 ? 5 : "v" };
            case "integer" or "long":
                return random.Next(4) == 0 ? JsonValue.Create("x") : JsonValue.Create(new[] { 0, 1, -1, 2, 450, 451, int.MaxValue }[random.Next(7)]);
            case "boolean":
                return random.Next(5) == 0 ? JsonValue.Create("true") : JsonValue.Create(random.Next(2) == 0);
            case "timestamp":
                return 1764547200;
            default:
                return Text(random, shape, member, ids);
        }
    }
}

using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Podnet.Aws.Ec2;
using Podnet.Tests.TestSupport;

namespace Podnet.Tests.Aws.Ec2;

public partial class Ec2ViewTests
{
    /// <summary>
    /// The files outside the EC2 backend that may use it directly, each for the reason its code gives: the account's
    /// composition and its own services (EKS, CloudFormation: AWS's control plane inside AWS), the world loader's
    /// fixture writes (the account's state before the world began), and the loader's statement of which instances were
    /// up then (<c>World.BootedBefore</c>). Everything else acts through IEc2 or reads IEc2View.
    /// </summary>
    private static readonly string[] DocumentedDirectUses =
    [
        "src/Podnet/Aws/AwsCloud.cs",
        "src/Podnet/Aws/CloudFormation/CloudFormationBackend.cs",
        "src/Podnet/Aws/CloudFormation/EksVpcTemplate.cs",
        "src/Podnet/Aws/Eks/EksBackend.cs",
        "src/Podnet/World/AwsWorldBuilder.PrefixLists.cs",
        "src/Podnet/World/AwsWorldBuilder.Routes.cs",
        "src/Podnet/World/AwsWorldBuilder.VpcEndpoints.cs",
        "src/Podnet/World/AwsWorldBuilder.cs",
        "src/Podnet/World/World.cs",
        "src/Podnet/World/WorldNetworkInterface.cs",
    ];

    [Fact]
    public void Ec2View_OnlyReads()
    {
        var methods = typeof(IEc2View).GetMethods().Where(m => !m.IsSpecialName).Select(m => m.Name).ToList();
        Assert.NotEmpty(methods);
        // EC2's Get* actions read too (GetManagedPrefixListEntries: a prefix list's entries, which reach decides rules by).
        Assert.All(methods, name => Assert.True(name.StartsWith("Describe", StringComparison.Ordinal) || name.StartsWith("Get", StringComparison.Ordinal) || name == nameof(IEc2View.RouteTableOfSubnet), name));
        Assert.All(typeof(IEc2View).GetProperties(), p => Assert.Null(p.SetMethod));
    }

    [Fact]
    public async Task Ec2View_IsTheAccountsState_WhatIEc2Changed()
    {
        var cloud = new TestCloud().Cloud;
        var created = await cloud.Ec2.CreateSecurityGroupAsync(new CreateSecurityGroupRequest("web", "web pods", cloud.Ec2View.DescribeVpcs()[0].VpcId));

        Assert.Equal("web", Assert.Single(cloud.Ec2View.DescribeSecurityGroups(DescribeRequest.ForIds(created))).GroupName);
    }

    [Fact]
    public void OutsideTheBackend_OnlyTheDocumentedFilesUseItDirectly()
    {
        var root = Path.GetFullPath(Path.Combine(TestsFolder(), "..", ".."));
        var code = Directory.GetFiles(Path.Combine(root, "src"), "*.cs", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(root, f).Replace('\\', '/'))
            .Where(f => !f.StartsWith("src/Podnet/Aws/Ec2/", StringComparison.Ordinal) && !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal))
            .Where(f => File.ReadLines(Path.Combine(root, f)).Any(line => !line.TrimStart().StartsWith("//", StringComparison.Ordinal) && BackendName().IsMatch(line)))
            .Order(StringComparer.Ordinal)
            .ToList();

        Assert.Equal(DocumentedDirectUses, code);
    }

    private static string TestsFolder([CallerFilePath] string here = "") => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", ".."));

    [GeneratedRegex(@"\bEc2Backend\b")]
    private static partial Regex BackendName();
}

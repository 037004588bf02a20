using System.Text.RegularExpressions;
using Podnet.Aws.Eks;

namespace Podnet.Tests.Aws.Eks;

/// <summary>
/// The EKS builds of each Kubernetes version (<see cref="EksKubernetesBuilds"/>): one for every version Podnet's EKS
/// takes, named as EKS names them.
/// </summary>
public partial class EksKubernetesBuildsTests
{
    [GeneratedRegex(@"^v1\.(?<minor>\d+)\.\d+(-eks-[0-9a-f]{6,7})?$")]
    private static partial Regex EksGitVersion();

    [Fact]
    public void EksKubernetesBuilds_EveryVersionEksOfferedOrOffers_HasItsMinorsBuild()
    {
        var versions = EksBackend.RetiredVersions.Concat(EksBackend.OfferedVersions).ToList();

        Assert.Equal(versions, EksKubernetesBuilds.All.Select(b => b.Version));
        Assert.All(EksKubernetesBuilds.All, build =>
        {
            var minor = build.Version.Split('.')[1];
            foreach (var version in new[] { build.KubeletVersion, build.GitVersion })
            {
                var match = EksGitVersion().Match(version);
                Assert.True(match.Success, $"{build.Version}: {version}");
                Assert.Equal(minor, match.Groups["minor"].Value);
            }
        });
    }

    [Fact]
    public void EksKubernetesBuilds_Kubernetes122_IsSeed001sKubelet_AndAControlPlaneOfThatTime()
    {
        var build = EksKubernetesBuilds.For("1.22");

        Assert.Equal("v1.22.12-eks-ba74326", build.KubeletVersion);
        Assert.Equal(("v1.22.11-eks-18ef993", "b9628d6d3867ffd84c704af0befd31c7451cdc37", "2022-07-06T18:06:23Z", "go1.16.15"), (build.GitVersion, build.GitCommit, build.BuildDate, build.GoVersion));
    }

    [Fact]
    public void EksKubernetesBuilds_ControlPlaneSeenInShortFormOnly_HasNoCommitDateOrGo()
    {
        var build = EksKubernetesBuilds.For("1.31");

        Assert.Equal(("v1.31.7-eks-473151a", "v1.31.2-eks-7f9249a"), (build.KubeletVersion, build.GitVersion));
        Assert.Equal((null, null, null), (build.GitCommit, build.BuildDate, build.GoVersion));
    }

    [Theory]
    [InlineData("1.9")]
    [InlineData("1.36")]
    [InlineData("1.31.2")]
    public void EksKubernetesBuilds_VersionEksNeverHad_Throws(string version)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => EksKubernetesBuilds.For(version));
        Assert.StartsWith($"no EKS build of Kubernetes {version} (EKS had 1.10 to 1.35)", error.Message, StringComparison.Ordinal);
    }
}

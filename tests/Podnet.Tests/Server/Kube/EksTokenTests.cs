using System.Text;
using Podnet.Server.Kube;

namespace Podnet.Tests.Server.Kube;

public class EksTokenTests
{
    private static string Token(string url) => EksToken.Prefix + Convert.ToBase64String(Encoding.UTF8.GetBytes(url)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    [Fact]
    public void AccessKeyIdOf_ReadsThePresignedUrlsCredential()
    {
        var token = Token("https://sts.us-west-2.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAPODNET0000000001%2F20261129%2Fus-west-2%2Fsts%2Faws4_request&X-Amz-Date=20261129T120000Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host%3Bx-k8s-aws-id&X-Amz-Signature=00");

        Assert.Equal("AKIAPODNET0000000001", EksToken.AccessKeyIdOf(token));
    }

    [Theory]
    [InlineData("k8s-aws-v1.!!!not-base64")]
    [InlineData("bearer-token-of-another-kind")]
    public void AccessKeyIdOf_NotAnEksToken_IsNull(string token)
    {
        Assert.Null(EksToken.AccessKeyIdOf(token));
    }

    [Fact]
    public void AccessKeyIdOf_AnotherStsAction_IsNull()
    {
        Assert.Null(EksToken.AccessKeyIdOf(Token("https://sts.us-west-2.amazonaws.com/?Action=AssumeRole&X-Amz-Credential=AKIA%2Fx")));
    }
}

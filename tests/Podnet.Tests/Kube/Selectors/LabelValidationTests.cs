using Podnet.Kube.Selectors;

namespace Podnet.Tests.Kube.Selectors;

public class LabelValidationTests
{
    private const string NameRegex =
        "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character "
        + "(e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

    [Theory]
    [InlineData("app")]
    [InlineData("App_1.x-y")]
    [InlineData("a")]
    [InlineData("example.com/app")]
    [InlineData("kubernetes.io/os")]
    [InlineData("a-b.c/Z")]
    public void LabelValidation_ValidKeys(string key)
    {
        Assert.Null(LabelValidation.ValidateKey(key));
    }

    [Theory]
    [InlineData("-app", "name part " + NameRegex)]
    [InlineData("app.", "name part " + NameRegex)]
    [InlineData("app:x", "name part " + NameRegex)]
    [InlineData("", "name part must be non-empty; name part " + NameRegex)]
    [InlineData("example.com/", "name part must be non-empty; name part " + NameRegex)]
    [InlineData("/app", "prefix part must be non-empty")]
    [InlineData("a/b/c", "a qualified name " + NameRegex + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')")]
    [InlineData(
        "Example.com/app",
        "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character "
        + "(e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")]
    public void LabelValidation_InvalidKeys(string key, string message)
    {
        Assert.Equal(message, LabelValidation.ValidateKey(key));
    }

    [Fact]
    public void LabelValidation_KeyLengthLimits()
    {
        Assert.Null(LabelValidation.ValidateKey(new string('a', 63)));
        Assert.Equal("name part must be no more than 63 characters", LabelValidation.ValidateKey(new string('a', 64)));
        Assert.Null(LabelValidation.ValidateKey(new string('p', 253) + "/a"));
        Assert.Equal("prefix part must be no more than 253 characters", LabelValidation.ValidateKey(new string('p', 254) + "/a"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("v")]
    [InlineData("1.2.3")]
    [InlineData("My_Value-1")]
    public void LabelValidation_ValidValues(string value)
    {
        Assert.Null(LabelValidation.ValidateValue(value));
    }

    [Fact]
    public void LabelValidation_InvalidValues()
    {
        const string regex =
            "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character "
            + "(e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

        Assert.Equal(regex, LabelValidation.ValidateValue("a b"));
        Assert.Equal(regex, LabelValidation.ValidateValue("_x"));
        Assert.Equal(regex, LabelValidation.ValidateValue("x\n"));
        Assert.Null(LabelValidation.ValidateValue(new string('v', 63)));
        Assert.Equal("must be no more than 63 characters", LabelValidation.ValidateValue(new string('v', 64)));
        Assert.Equal("must be no more than 63 characters; " + regex, LabelValidation.ValidateValue(new string('v', 63) + "-"));
    }
}

using Podnet.World;

namespace Podnet.Tests.World;

public class AccountFaultsTests
{
    private static Podnet.World.World Load(string faults)
        => WorldLoader.Load([new WorldSource("account.yaml", $$"""
            apiVersion: aws.podnet.dev/v1alpha1
            kind: Account
            metadata: {name: rehearsal}
            spec:
              Region: us-west-2
              Faults: {{faults}}
            """)]);

    [Fact]
    public void AccountFaults_TurnOnTheAccountsFaultInjection()
    {
        var world = Load("{RequestLimitExceeded: 5%, EventualConsistency: 0.1, EventualConsistencySeconds: 3}");

        Assert.Equal("RequestLimitExceeded=5%,EventualConsistency=10%,EventualConsistencySeconds=3", world.Cloud!.Faults.Settings.ToString());
    }

    [Fact]
    public void AccountFaults_UnknownKey_NamesTheDocumentAndField()
    {
        var error = Assert.Throws<WorldException>(() => Load("{Brownout: 5%}"));

        Assert.Equal("account.yaml: document 1 (line 1, Account rehearsal): spec.Faults: Invalid value: \"Brownout\": unknown fault; known: RequestLimitExceeded, InternalError, InsufficientFreeAddressesInSubnet, EventualConsistency, EventualConsistencySeconds", error.Message);
    }

    [Fact]
    public void AccountFaults_NotAMap_IsAnError()
    {
        var error = Assert.Throws<WorldException>(() => Load("\"5%\""));

        Assert.EndsWith("spec.Faults: must be a map of RequestLimitExceeded, InternalError, InsufficientFreeAddressesInSubnet, EventualConsistency, EventualConsistencySeconds to rates (5% or 0.05)", error.Message, StringComparison.Ordinal);
    }
}

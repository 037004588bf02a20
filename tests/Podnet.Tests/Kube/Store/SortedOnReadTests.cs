using Podnet.Kube.Store;

namespace Podnet.Tests.Kube.Store;

public sealed class SortedOnReadTests
{
    private static SortedOnRead<string> Set() => new(StringComparer.Ordinal);

    [Fact]
    public void InOrder_GivesAddedItemsSorted()
    {
        var set = Set();
        foreach (var item in new[] { "pod-c", "pod-a", "pod-b" })
        {
            Assert.True(set.Add(item));
        }

        Assert.Equal(["pod-a", "pod-b", "pod-c"], set.InOrder());
    }

    [Fact]
    public void InOrder_MergesWhatWasAddedSinceTheLastRead()
    {
        var set = Set();
        set.Add("b");
        set.Add("d");
        Assert.Equal(["b", "d"], set.InOrder());

        set.Add("e");
        set.Add("a");
        set.Add("c");

        Assert.Equal(["a", "b", "c", "d", "e"], set.InOrder());
        Assert.Equal(5, set.Count);
    }

    [Fact]
    public void InOrder_LeavesOutRemovedItems_WhetherReadBeforeOrNot()
    {
        var set = Set();
        set.Add("a");
        set.Add("b");
        set.InOrder();
        set.Add("c");

        Assert.True(set.Remove("a"));
        Assert.True(set.Remove("c"));
        Assert.False(set.Remove("c"));

        Assert.Equal(["b"], set.InOrder());
        Assert.False(set.Contains("a"));
    }

    [Fact]
    public void InOrder_AnItemRemovedAndAddedAgain_IsThereOnce()
    {
        var set = Set();
        set.Add("a");
        set.Add("b");
        set.InOrder();

        set.Remove("b");
        set.Add("b");
        set.Remove("b");
        set.Add("b");

        Assert.Equal(["a", "b"], set.InOrder());
        Assert.Equal(2, set.Count);
    }

    [Fact]
    public void InOrder_AnswerRead_IsNotChangedByLaterWrites()
    {
        var set = Set();
        set.Add("a");
        var before = set.InOrder();

        set.Add("b");
        set.Remove("a");

        Assert.Equal(["a"], before);
        Assert.Equal(["b"], set.InOrder());
    }

    [Fact]
    public void ManyAddedAndRemovedWithoutARead_LeaveOnlyWhatIsThere()
    {
        var set = Set();
        for (var i = 0; i < 10_000; i++)
        {
            set.Add($"event-{i:D5}");
            if (i >= 3)
            {
                set.Remove($"event-{i - 3:D5}");
            }

            Assert.True(set.Pending <= 2 * set.Count + 65, $"{set.Pending} pending after {i + 1} added");
        }

        Assert.Equal(["event-09997", "event-09998", "event-09999"], set.InOrder());
    }

    [Fact]
    public void Add_AnItemThere_IsRefused()
    {
        var set = Set();
        Assert.True(set.Add("a"));
        Assert.False(set.Add("a"));
        Assert.Equal(["a"], set.InOrder());
    }
}

using Podnet.Policy;

namespace Podnet.Tests.Policy;

/// <summary>
/// <see cref="ClassSet"/>, the matrix algebra's bitset, against <see cref="HashSet{T}"/> on seeded random sets: sizes
/// around word and vector boundaries (the set operations take four words at a time, then the rest one by one), and
/// sizes the randomised matrix worlds are too small to reach.
/// </summary>
public class ClassSetTests
{
    public static TheoryData<int> Capacities() => [0, 1, 63, 64, 65, 255, 256, 257, 300, 1000, 4097];

    [Theory]
    [MemberData(nameof(Capacities))]
    public void SetOperations_AgreeWithHashSet(int capacity)
    {
        var random = new Random(capacity);
        for (var round = 0; round < 20; round++)
        {
            var (a, expectedA) = RandomSet(random, capacity);
            var (b, expectedB) = RandomSet(random, capacity);

            var union = a.Copy();
            union.UnionWith(b);
            var intersection = a.Copy();
            intersection.IntersectWith(b);
            var difference = a.Copy();
            difference.ExceptWith(b);

            Assert.Equal(expectedA.Union(expectedB).Order(), Items(union));
            Assert.Equal(expectedA.Intersect(expectedB).Order(), Items(intersection));
            Assert.Equal(expectedA.Except(expectedB).Order(), Items(difference));
            Assert.Equal(expectedA.Order(), Items(a));
            Assert.Equal(expectedA.Count, a.Count);
        }
    }

    [Theory]
    [MemberData(nameof(Capacities))]
    public void All_HoldsEveryClassAndNoMore(int capacity)
    {
        var all = ClassSet.All(capacity);

        Assert.Equal(capacity, all.Count);
        Assert.Equal(Enumerable.Range(0, capacity), Items(all));

        // The bits past the capacity stay clear, so a complement computed by ExceptWith stays in range.
        var none = ClassSet.All(capacity);
        none.ExceptWith(all);
        Assert.Equal(0, none.Count);
    }

    [Fact]
    public void AddRemoveContains()
    {
        var set = new ClassSet(130);
        set.Add(0);
        set.Add(64);
        set.Add(129);
        set.Remove(64);

        Assert.True(set.Contains(0));
        Assert.False(set.Contains(64));
        Assert.True(set.Contains(129));
        Assert.Equal([0, 129], Items(set));
    }

    private static (ClassSet Set, HashSet<int> Expected) RandomSet(Random random, int capacity)
    {
        var set = new ClassSet(capacity);
        var expected = new HashSet<int>();
        var density = random.NextDouble();
        for (var c = 0; c < capacity; c++)
        {
            if (random.NextDouble() < density)
            {
                set.Add(c);
                expected.Add(c);
            }
        }

        return (set, expected);
    }

    private static List<int> Items(ClassSet set)
    {
        var items = new List<int>();
        foreach (var c in set)
        {
            items.Add(c);
        }

        return items;
    }
}

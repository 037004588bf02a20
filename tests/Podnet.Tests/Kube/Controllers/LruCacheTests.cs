using Podnet.Kube.Controllers;

namespace Podnet.Tests.Kube.Controllers;

public class LruCacheTests
{
    [Fact]
    public void LruCache_Full_ForgetsTheLeastRecentlyUsed_AReadCountsAsAUse()
    {
        var cache = new LruCache<string, int>(2);
        cache.Add("a", 1);
        cache.Add("b", 2);
        Assert.True(cache.TryGet("a", out _));

        cache.Add("c", 3);

        Assert.False(cache.TryGet("b", out _));
        Assert.True(cache.TryGet("a", out var a));
        Assert.Equal(1, a);
        Assert.True(cache.TryGet("c", out var c));
        Assert.Equal(3, c);
        Assert.Equal(2, cache.Count);
    }

    [Fact]
    public void LruCache_AddToAKeyKept_ReplacesItsValue_ForgetsNothing()
    {
        var cache = new LruCache<string, int>(2);
        cache.Add("a", 1);
        cache.Add("b", 2);

        cache.Add("a", 10);
        cache.Add("c", 3);

        Assert.True(cache.TryGet("a", out var a));
        Assert.Equal(10, a);
        Assert.False(cache.TryGet("b", out _));
        Assert.Equal(2, cache.Count);
    }

    /// <summary>
    /// Against a plain most-recent-first list (groupcache's lru semantics spelled out), over many gets and adds of a
    /// few keys: the same values found, the same keys forgotten, in every order of use.
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(7)]
    public void LruCache_AgreesWithAListInRecencyOrder(int capacity)
    {
        var random = new Random(capacity);
        var cache = new LruCache<int, int>(capacity);
        var model = new List<(int Key, int Value)>();
        var hits = 0;

        for (var step = 0; step < 5_000; step++)
        {
            var key = random.Next(12);
            var at = model.FindIndex(e => e.Key == key);
            if (random.Next(2) == 0)
            {
                var found = cache.TryGet(key, out var value);
                Assert.Equal(at >= 0, found);
                if (at >= 0)
                {
                    hits++;
                    Assert.Equal(model[at].Value, value);
                    var entry = model[at];
                    model.RemoveAt(at);
                    model.Insert(0, entry);
                }
            }
            else
            {
                cache.Add(key, step);
                if (at >= 0)
                {
                    model.RemoveAt(at);
                }
                else if (model.Count >= capacity)
                {
                    model.RemoveAt(model.Count - 1);
                }

                model.Insert(0, (key, step));
            }

            Assert.Equal(model.Count, cache.Count);
        }

        Assert.True(hits > 100, $"{hits} hits");
    }
}

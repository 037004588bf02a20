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
}

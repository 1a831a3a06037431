// PERF006: cache entries that never expire. They serve stale data and keep the cache growing until memory pressure
// compacts it. `dotnet build samples/AntiPatterns` reports each write below; `dotnet format analyzers --diagnostics
// PERF006` gives each one an explicit TTL (perf_analyzers.default_cache_ttl, default TimeSpan.FromMinutes(5)).
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;
using RuntimeCaching = System.Runtime.Caching;

namespace AntiPatterns;

public sealed record Campaign(int Id, string Name, decimal Goal);

public sealed class CampaignCache(IMemoryCache cache)
{
    // Reported: Set(key, value) has no expiration. Fix: Set(key, value, TimeSpan.FromMinutes(5)).
    public void Put(Campaign campaign) => cache.Set(campaign.Id, campaign);

    // Reported: the factory never sets an expiration on its entry. Fix: a block lambda that sets it first.
    public Campaign? Get(int id) => cache.GetOrCreate(id, entry => Load(id));

    // Reported: options built here have a size and a priority but no expiration. Fix: an initializer member.
    public void PutSized(Campaign campaign)
    {
        var options = new MemoryCacheEntryOptions { Size = 1, Priority = CacheItemPriority.High };
        cache.Set(campaign.Id, campaign, options);
    }

    // Not reported: 30 seconds, the seed's TTL for financial data.
    public void PutBalance(int accountId, decimal balance) => cache.Set(("balance", accountId), balance, TimeSpan.FromSeconds(30));

    private static Campaign Load(int id) => new(id, "campaign " + id, 1000m);
}

public static class LegacyRateCache
{
    // Reported: ObjectCache.InfiniteAbsoluteExpiration. Fix: DateTimeOffset.UtcNow.Add(TimeSpan.FromMinutes(5)).
    public static void PutRate(string currency, decimal rate) =>
        RuntimeCaching.MemoryCache.Default.Set(currency, rate, RuntimeCaching.ObjectCache.InfiniteAbsoluteExpiration);
}

public sealed class ProfileStore(IDistributedCache cache)
{
    // Reported: SetStringAsync without DistributedCacheEntryOptions stores without expiration.
    public Task SaveAsync(string userId, string json, CancellationToken cancellationToken) =>
        cache.SetStringAsync("profile:" + userId, json, cancellationToken);
}

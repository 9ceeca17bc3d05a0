using System.Collections.Concurrent;

namespace FlowForge.Engine.Limits;

/// <summary>In-process token buckets (embedded default). Buckets idle long enough to be full again are dropped.</summary>
public sealed class MemoryRateLimiter(TimeProvider time) : IRateLimiter
{
    private const int SweepEvery = 4_096;

    private readonly ConcurrentDictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);
    private int _calls;

    public ValueTask<RateLimitDecision> TryAcquireAsync(string key, RateLimitPolicy policy, int cost, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(cost);
        var now = time.GetTimestamp();
        var bucket = _buckets.GetOrAdd(key, static (_, p) => new Bucket(p.Capacity, p), policy);
        RateLimitDecision decision;
        lock (bucket)
        {
            var elapsed = time.GetElapsedTime(bucket.Updated, now).TotalSeconds;
            bucket.Tokens = Math.Min(policy.Capacity, bucket.Tokens + (elapsed * policy.TokensPerSecond));
            bucket.Updated = now;
            bucket.Policy = policy;
            if (bucket.Tokens >= cost)
            {
                bucket.Tokens -= cost;
                decision = new RateLimitDecision(true, bucket.Tokens, TimeSpan.Zero);
            }
            else
            {
                decision = new RateLimitDecision(false, bucket.Tokens, policy.TimeFor(cost - bucket.Tokens));
            }
        }

        if (Interlocked.Increment(ref _calls) % SweepEvery == 0)
        {
            DropIdle(now);
        }

        return ValueTask.FromResult(decision);
    }

    // Each bucket by its own policy: a sign-in bucket refills far more slowly than a run-start bucket, and dropping it
    // early would hand a fresh burst to whoever is guessing passwords.
    private void DropIdle(long now)
    {
        foreach (var (key, bucket) in _buckets)
        {
            if (time.GetElapsedTime(bucket.Updated, now) > bucket.Policy.TimeFor(bucket.Policy.Capacity))
            {
                _buckets.TryRemove(KeyValuePair.Create(key, bucket));
            }
        }
    }

    private sealed class Bucket(double tokens, RateLimitPolicy policy)
    {
        public RateLimitPolicy Policy { get; set; } = policy;

        public double Tokens { get; set; } = tokens;

        public long Updated { get; set; }
    }
}

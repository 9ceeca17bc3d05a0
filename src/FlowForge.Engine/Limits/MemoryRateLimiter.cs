using System.Collections.Concurrent;

namespace FlowForge.Engine.Limits;

/// <summary>
/// In-process token buckets (embedded default). Buckets idle long enough to be full again are dropped. A reservation
/// may take a bucket below zero: the debt is the queue of callers booked ahead, paid back as the bucket refills.
/// </summary>
public sealed class MemoryRateLimiter(TimeProvider time) : IRateLimiter
{
    private const int SweepEvery = 4_096;

    private readonly ConcurrentDictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);

    // Slots are told on the wall clock but counted on the monotonic one: one reading of each, taken together, links them,
    // so two slots differ by exactly the tokens between them.
    private readonly DateTimeOffset _startedUtc = time.GetUtcNow();
    private readonly long _started = time.GetTimestamp();
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

        SweepNow(now);
        return ValueTask.FromResult(decision);
    }

    public ValueTask<RateLimitReservation> ReserveAsync(string key, RateLimitPolicy policy, int cost, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(cost);
        var bucket = _buckets.GetOrAdd(key, static (_, p) => new Bucket(p.Capacity, p), policy);
        RateLimitReservation reservation;
        long now;
        lock (bucket)
        {
            // Read the clock under the lock: the slot order is the order the lock was taken, and so is the time.
            now = time.GetTimestamp();
            var utcNow = _startedUtc + time.GetElapsedTime(_started, now);
            var elapsed = time.GetElapsedTime(bucket.Updated, now).TotalSeconds;
            bucket.Tokens = Math.Min(policy.Capacity, bucket.Tokens + (Math.Max(0, elapsed) * policy.TokensPerSecond));

            bucket.Updated = now;
            bucket.Policy = policy;
            var wait = bucket.Tokens >= cost ? TimeSpan.Zero : policy.TimeFor(cost - bucket.Tokens);
            if (wait > maxWait)
            {
                reservation = new RateLimitReservation(false, wait, utcNow + wait);
            }
            else
            {
                bucket.Tokens -= cost;
                reservation = new RateLimitReservation(true, wait, utcNow + wait);
            }
        }

        SweepNow(now);
        return ValueTask.FromResult(reservation);
    }

    private void SweepNow(long now)
    {
        if (Interlocked.Increment(ref _calls) % SweepEvery == 0)
        {
            DropIdle(now);
        }
    }

    // Each bucket by its own policy: a sign-in bucket refills far more slowly than a run-start bucket, and dropping it
    // early would hand a fresh burst to whoever is guessing passwords.
    private void DropIdle(long now)
    {
        foreach (var (key, bucket) in _buckets)
        {
            // A bucket in debt (reservations booked ahead) is full again only once the debt is paid too.
            double tokens;
            lock (bucket)
            {
                tokens = bucket.Tokens;
            }

            if (time.GetElapsedTime(bucket.Updated, now) > bucket.Policy.TimeFor(bucket.Policy.Capacity - tokens))
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

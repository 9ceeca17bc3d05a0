using FlowForge.Engine.Limits;
using FlowForge.Scaling.Tests.Infrastructure;

namespace FlowForge.Scaling.Tests.Compliance;

/// <summary>What every <see cref="IRateLimiter"/> does: a token bucket per key, refilled continuously, never granting more than it holds.</summary>
public abstract class RateLimiterCompliance
{
    protected string Key { get; } = "test-" + Guid.NewGuid().ToString("N");

    /// <summary>A handle on the buckets: for a shared limiter each call is another process's, for an in-process one the same.</summary>
    protected abstract Task<IRateLimiter> CreateLimiterAsync();

    [Fact]
    public async Task TryAcquireAsync_BurstUpToCapacity_ThenRefuses()
    {
        var limiter = await CreateLimiterAsync();
        var policy = new RateLimitPolicy(5, 0.01);

        var decisions = new List<RateLimitDecision>();
        for (var i = 0; i < 6; i++)
        {
            decisions.Add(await limiter.TryAcquireAsync(Key, policy, 1, CancellationToken.None));
        }

        Assert.All(decisions.Take(5), d => Assert.True(d.Allowed));
        Assert.False(decisions[5].Allowed);
        Assert.Equal(4, decisions[0].Remaining, 2);
        Assert.Equal(0, decisions[4].Remaining, 2);
    }

    [Fact]
    public async Task TryAcquireAsync_Refused_RetryAfterIsTheTimeToRefillTheShortfall()
    {
        var limiter = await CreateLimiterAsync();
        var policy = new RateLimitPolicy(10, 2);
        Assert.True((await limiter.TryAcquireAsync(Key, policy, 10, CancellationToken.None)).Allowed);

        var refused = await limiter.TryAcquireAsync(Key, policy, 3, CancellationToken.None);

        Assert.False(refused.Allowed);
        Assert.InRange(refused.Remaining, 0, 0.3);

        // 3 tokens short at 2 per second, less what came back since the first call.
        Assert.InRange(refused.RetryAfter, TimeSpan.FromSeconds(1.35), TimeSpan.FromSeconds(1.5));
    }

    [Fact]
    public async Task TryAcquireAsync_AfterWaiting_TokensAreBack()
    {
        var limiter = await CreateLimiterAsync();
        var policy = new RateLimitPolicy(2, 20);
        Assert.True((await limiter.TryAcquireAsync(Key, policy, 2, CancellationToken.None)).Allowed);
        var refused = await limiter.TryAcquireAsync(Key, policy, 2, CancellationToken.None);
        Assert.False(refused.Allowed);

        // Time itself is under test: the refusal promised the tokens back after RetryAfter, so wait exactly that long.
        await Task.Delay(refused.RetryAfter + TimeSpan.FromMilliseconds(30));

        Assert.True((await limiter.TryAcquireAsync(Key, policy, 2, CancellationToken.None)).Allowed);
    }

    [Fact]
    public async Task TryAcquireAsync_CostAboveCapacity_IsRefused()
    {
        var limiter = await CreateLimiterAsync();

        var decision = await limiter.TryAcquireAsync(Key, new RateLimitPolicy(3, 1), 4, CancellationToken.None);

        Assert.False(decision.Allowed);
        Assert.Equal(3, decision.Remaining, 2);
    }

    [Fact]
    public async Task TryAcquireAsync_DifferentKeys_HaveSeparateBuckets()
    {
        var limiter = await CreateLimiterAsync();
        var policy = new RateLimitPolicy(1, 0.01);

        Assert.True((await limiter.TryAcquireAsync(Key + ":a", policy, 1, CancellationToken.None)).Allowed);
        Assert.True((await limiter.TryAcquireAsync(Key + ":b", policy, 1, CancellationToken.None)).Allowed);
        Assert.False((await limiter.TryAcquireAsync(Key + ":a", policy, 1, CancellationToken.None)).Allowed);
    }

    [Fact]
    public async Task TryAcquireAsync_TwoHandles_ShareOneBucket()
    {
        var first = await CreateLimiterAsync();
        var second = await CreateLimiterAsync();
        var policy = new RateLimitPolicy(5, 0.01);

        Assert.True((await first.TryAcquireAsync(Key, policy, 3, CancellationToken.None)).Allowed);
        Assert.True((await second.TryAcquireAsync(Key, policy, 2, CancellationToken.None)).Allowed);
        Assert.False((await first.TryAcquireAsync(Key, policy, 1, CancellationToken.None)).Allowed);
        Assert.False((await second.TryAcquireAsync(Key, policy, 1, CancellationToken.None)).Allowed);
    }

    [Fact]
    public async Task TryAcquireAsync_ManyConcurrentCallersOnSeveralHandles_NeverGrantMoreThanTheBucketHolds()
    {
        var limiters = new List<IRateLimiter>();
        for (var i = 0; i < 3; i++)
        {
            limiters.Add(await CreateLimiterAsync());
        }

        var policy = new RateLimitPolicy(50, 0.001);
        var decisions = await Eventually.WithinAsync(
            Task.WhenAll(Enumerable.Range(0, 300).Select(i => Task.Run(async () =>
                await limiters[i % limiters.Count].TryAcquireAsync(Key, policy, 1, CancellationToken.None)))),
            "300 concurrent acquisitions");

        Assert.Equal(50, decisions.Count(d => d.Allowed));
    }

    private static readonly TimeSpan NoLimit = TimeSpan.FromHours(1);

    [Fact]
    public async Task ReserveAsync_EmptyBucket_SlotsFollowInBookingOrderOneIntervalApart()
    {
        var limiter = await CreateLimiterAsync();
        var policy = new RateLimitPolicy(1, 10);

        var reservations = new List<RateLimitReservation>();
        var booking = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < 5; i++)
        {
            reservations.Add(await limiter.ReserveAsync(Key, policy, 1, NoLimit, CancellationToken.None));
        }

        var bookedWithin = booking.Elapsed;
        Assert.All(reservations, r => Assert.True(r.Reserved));
        Assert.Equal(TimeSpan.Zero, reservations[0].Wait);
        // Booked faster than the rate (a few milliseconds each), the slots are one interval apart and the fifth is 400 ms
        // after the first, its wait that less the time taken booking. A busy machine may take longer than an interval
        // for a booking: the bucket then refilled meanwhile and the slot is later, but never closer than one interval.
        for (var i = 1; i < reservations.Count; i++)
        {
            var apart = (reservations[i].SlotAt - reservations[i - 1].SlotAt).TotalMilliseconds;
            Assert.InRange(apart, 95, bookedWithin < TimeSpan.FromMilliseconds(100) ? 105 : double.MaxValue);
        }

        if (bookedWithin < TimeSpan.FromMilliseconds(100))
        {
            for (var i = 1; i < reservations.Count; i++)
            {
                Assert.True(reservations[i].Wait > reservations[i - 1].Wait);
            }

            Assert.InRange(reservations[4].Wait, TimeSpan.FromMilliseconds(395) - bookedWithin, TimeSpan.FromMilliseconds(405));
        }
    }

    [Fact]
    public async Task ReserveAsync_Burst_CapacityAtOnceThenBookedAhead()
    {
        var limiter = await CreateLimiterAsync();
        var policy = new RateLimitPolicy(3, 1);

        var reservations = new List<RateLimitReservation>();
        for (var i = 0; i < 4; i++)
        {
            reservations.Add(await limiter.ReserveAsync(Key, policy, 1, NoLimit, CancellationToken.None));
        }

        Assert.All(reservations.Take(3), r => Assert.Equal(TimeSpan.Zero, r.Wait));
        Assert.True(reservations[3].Reserved);
        Assert.InRange(reservations[3].Wait, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task ReserveAsync_AfterTheBookedSlotsPass_RefilledBucketGrantsAtOnce()
    {
        var limiter = await CreateLimiterAsync();
        var policy = new RateLimitPolicy(1, 20);
        Assert.Equal(TimeSpan.Zero, (await limiter.ReserveAsync(Key, policy, 1, NoLimit, CancellationToken.None)).Wait);
        Assert.True((await limiter.ReserveAsync(Key, policy, 1, NoLimit, CancellationToken.None)).Wait > TimeSpan.Zero);

        // A reservation allowed no wait books nothing when refused, so asking again does not push the slot further.
        await Eventually.TrueAsync(
            async () => (await limiter.ReserveAsync(Key, policy, 1, TimeSpan.Zero, CancellationToken.None)).Reserved,
            "the bucket to refill past its booked debt",
            TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task ReserveAsync_SlotBeyondMaxWait_BooksNothing()
    {
        var limiter = await CreateLimiterAsync();
        var policy = new RateLimitPolicy(1, 1);
        Assert.True((await limiter.ReserveAsync(Key, policy, 1, NoLimit, CancellationToken.None)).Reserved);

        var refused = await limiter.ReserveAsync(Key, policy, 1, TimeSpan.FromMilliseconds(500), CancellationToken.None);
        var next = await limiter.ReserveAsync(Key, policy, 1, NoLimit, CancellationToken.None);

        Assert.False(refused.Reserved);
        Assert.InRange(refused.Wait, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(1));
        Assert.True(next.Reserved);
        Assert.InRange(next.Wait, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task ReserveAsync_BucketInDebt_TryAcquireIsRefusedUntilTheDebtIsPaid()
    {
        var limiter = await CreateLimiterAsync();
        var policy = new RateLimitPolicy(1, 1);
        await limiter.ReserveAsync(Key, policy, 1, NoLimit, CancellationToken.None);
        await limiter.ReserveAsync(Key, policy, 1, NoLimit, CancellationToken.None);

        var refused = await limiter.TryAcquireAsync(Key, policy, 1, CancellationToken.None);

        Assert.False(refused.Allowed);
        Assert.InRange(refused.RetryAfter, TimeSpan.FromSeconds(1.9), TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task ReserveAsync_ThousandConcurrentCallersOnSeveralHandles_GetDistinctSlotsOneIntervalApart()
    {
        var limiters = new List<IRateLimiter>();
        for (var i = 0; i < 3; i++)
        {
            limiters.Add(await CreateLimiterAsync());
        }

        var policy = new RateLimitPolicy(1, 100);
        var reservations = await Eventually.WithinAsync(
            Task.WhenAll(Enumerable.Range(0, 1_000).Select(i => Task.Run(async () =>
                await limiters[i % limiters.Count].ReserveAsync(Key, policy, 1, NoLimit, CancellationToken.None)))),
            "1,000 concurrent reservations");

        Assert.All(reservations, r => Assert.True(r.Reserved));
        var ordered = reservations.OrderBy(r => r.SlotAt).ToList();
        Assert.Equal(1_000, ordered.Select(r => r.SlotAt).Distinct().Count());
        Assert.Equal(TimeSpan.Zero, ordered[0].Wait);
        var idle = 0;
        for (var i = 1; i < ordered.Count; i++)
        {
            // Strictly increasing, each a tenth of a millisecond either side of the 10 ms interval (clock reading jitter),
            // unless every slot booked so far had passed when the caller came (a caller held up on a loaded machine):
            // then its slot is its own moment, with no wait.
            var gap = (ordered[i].SlotAt - ordered[i - 1].SlotAt).TotalMilliseconds;
            if (gap > 10.1 && ordered[i].Wait == TimeSpan.Zero)
            {
                idle++;
                continue;
            }

            Assert.InRange(gap, 9.9, 10.1);
        }

        Assert.Equal(1 + idle, reservations.Count(r => r.Wait == TimeSpan.Zero));
    }
}

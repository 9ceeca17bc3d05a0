using FlowForge.Engine.Limits;
using FlowForge.Scaling.Tests.Compliance;

namespace FlowForge.Scaling.Tests.InProcess;

public sealed class MemoryRateLimiterTests : RateLimiterCompliance
{
    private readonly MemoryRateLimiter _limiter = new(TimeProvider.System);

    [Fact]
    public async Task TryAcquireAsync_IdleSweepDuringAFasterPolicysCalls_KeepsAnEmptySlowBucket()
    {
        var time = new SteppedTime();
        var limiter = new MemoryRateLimiter(time);
        var slow = new RateLimitPolicy(1, 1.0 / 60);
        var fast = new RateLimitPolicy(1, 1_000);
        Assert.True((await limiter.TryAcquireAsync("sign-in", slow, 1, CancellationToken.None)).Allowed);

        // A second later a fast bucket would be full again; the slow one needs a minute. The sweep runs every 4,096 calls.
        time.Advance(TimeSpan.FromSeconds(1));
        for (var i = 0; i < 4_096; i++)
        {
            await limiter.TryAcquireAsync("runs", fast, 0, CancellationToken.None);
        }

        Assert.False((await limiter.TryAcquireAsync("sign-in", slow, 1, CancellationToken.None)).Allowed);
    }

    protected override Task<IRateLimiter> CreateLimiterAsync() => Task.FromResult<IRateLimiter>(_limiter);

    private sealed class SteppedTime : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Interlocked.Read(ref _ticks);

        public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
    }
}

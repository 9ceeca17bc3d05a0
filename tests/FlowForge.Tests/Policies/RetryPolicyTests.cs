using FlowForge.Engine.Policies;

namespace FlowForge.Tests.Policies;

public sealed class RetryPolicyTests
{
    private static readonly RetryPolicy Exponential = new(10, TimeSpan.FromSeconds(1), 2, TimeSpan.FromSeconds(30), 0);

    [Theory]
    [InlineData(1, 1_000)]
    [InlineData(2, 2_000)]
    [InlineData(3, 4_000)]
    [InlineData(5, 16_000)]
    [InlineData(6, 30_000)]
    [InlineData(9, 30_000)]
    public void DelayAfter_NoJitter_GrowsByMultiplierUpToMaxDelay(int attempt, int expectedMs)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), Exponential.DelayAfter(attempt, 0.5));
    }

    [Fact]
    public void DelayAfter_HugeAttemptNumber_StaysAtMaxDelay()
    {
        Assert.Equal(TimeSpan.FromSeconds(30), Exponential.DelayAfter(int.MaxValue, 0.5));
    }

    [Fact]
    public void DelayAfter_Jitter_StaysWithinItsFractionOfTheDelay()
    {
        var policy = Exponential with { Jitter = 0.25 };
        var random = new Random(7);
        var seen = new HashSet<TimeSpan>();
        for (var i = 0; i < 1_000; i++)
        {
            var delay = policy.DelayAfter(2, random.NextDouble());
            Assert.InRange(delay, TimeSpan.FromMilliseconds(1_500), TimeSpan.FromMilliseconds(2_500));
            seen.Add(delay);
        }

        Assert.Equal(TimeSpan.FromMilliseconds(1_500), policy.DelayAfter(2, 0));
        Assert.Equal(TimeSpan.FromMilliseconds(2_500), policy.DelayAfter(2, 1));
        Assert.True(seen.Count > 100, $"jitter spread the delays over only {seen.Count} values");
    }

    [Fact]
    public void DelayAfter_JitterAtTheCap_NeverExceedsMaxDelay()
    {
        var policy = Exponential with { Jitter = 1 };

        Assert.Equal(TimeSpan.FromSeconds(30), policy.DelayAfter(8, 1));
        Assert.Equal(TimeSpan.Zero, policy.DelayAfter(8, 0));
    }

    [Fact]
    public void AllowsRetryAfter_LastAttempt_False()
    {
        var policy = RetryPolicy.None with { MaxAttempts = 3 };

        Assert.True(policy.AllowsRetryAfter(2));
        Assert.False(policy.AllowsRetryAfter(3));
        Assert.False(RetryPolicy.None.AllowsRetryAfter(1));
    }

    [Fact]
    public void DelayAfter_RetryAfterLongerThanPolicy_WaitsRetryAfter()
    {
        Assert.Equal(TimeSpan.FromSeconds(20), Exponential.DelayAfter(1, 0.5, TimeSpan.FromSeconds(20)));
    }

    [Fact]
    public void DelayAfter_RetryAfterShorterThanPolicy_WaitsPolicyDelay()
    {
        Assert.Equal(TimeSpan.FromSeconds(4), Exponential.DelayAfter(3, 0.5, TimeSpan.FromMilliseconds(10)));
    }

    [Fact]
    public void DelayAfter_RetryAfterBeyondMaxDelayAndCeiling_CappedAtMaxRetryAfter()
    {
        Assert.Equal(TimeSpan.FromMinutes(10), Exponential.DelayAfter(9, 0.5, TimeSpan.FromMinutes(10)));
        Assert.Equal(RetryPolicy.MaxRetryAfter, Exponential.DelayAfter(1, 0.5, TimeSpan.FromDays(400)));
    }
}

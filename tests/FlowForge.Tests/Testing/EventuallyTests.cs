using Xunit.Sdk;

namespace FlowForge.Tests.Testing;

public sealed class EventuallyTests
{
    [Fact]
    public async Task MatchesAsync_NeverMatches_FailsNamingWhatItWaitedForAndTheLastValue()
    {
        var calls = 0;

        var failure = await Assert.ThrowsAsync<FailException>(() =>
            Eventually.MatchesAsync(() => Interlocked.Increment(ref calls), n => n < 0, "a negative count", TimeSpan.FromMilliseconds(50)));

        Assert.Contains("a negative count", failure.Message, StringComparison.Ordinal);
        Assert.Contains($"last saw: {Volatile.Read(ref calls)}", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MatchesAsync_MatchesLater_ReturnsTheMatchingValue()
    {
        var calls = 0;

        var seen = await Eventually.MatchesAsync(() => Interlocked.Increment(ref calls), n => n >= 3, "the third call");

        Assert.Equal(3, seen);
    }

    [Fact]
    public async Task WithinAsync_TaskNeverEnds_Fails()
    {
        var never = new TaskCompletionSource();

        var failure = await Assert.ThrowsAsync<FailException>(() => Eventually.WithinAsync(never.Task, "a task nobody completes", TimeSpan.FromMilliseconds(50)));

        Assert.Contains("a task nobody completes", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NeverAsync_ItHappens_FailsAtOnceNamingIt()
    {
        var happened = false;
        var watch = Eventually.NeverAsync(() => Volatile.Read(ref happened), "the alarm", TimeSpan.FromMinutes(5));

        Volatile.Write(ref happened, true);

        var failure = await Assert.ThrowsAsync<FailException>(() => Eventually.WithinAsync(watch, "the watch to notice"));
        Assert.Contains("the alarm happened", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NeverAsync_ItDoesNotHappen_ReturnsAfterTheWatch()
    {
        var looked = 0;

        await Eventually.NeverAsync(() => Interlocked.Increment(ref looked) < 0, "a negative count", TimeSpan.FromMilliseconds(50));

        Assert.True(Volatile.Read(ref looked) > 1, "NeverAsync returned without watching.");
    }
}

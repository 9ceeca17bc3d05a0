using FlowForge.Engine.Queueing;
using FlowForge.Engine.Runs;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace FlowForge.Tests.Runs;

public sealed class DurableTimersTests
{
    private static readonly DateTimeOffset T0 = new(2030, 1, 1, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Schedule_ClockMovesPastTheDueTimeWhileArming_WakesAtOnce()
    {
        // Within the timers' horizon (two sweep intervals, 60 s by default): a later wait is armed by a sweep.
        // Regression: the delay was taken from the clock and the timer then counted it from the clock's later time, so a
        // wait armed across an advance of a test's clock woke a whole wait late (a fixture's run waited on for 20 s).
        var time = new ClockSetForwardOnceRead(T0, TimeSpan.FromSeconds(31));
        var queue = new InProcessWorkQueue();
        using var timers = new DurableTimers(queue, time, Options.Create(new EngineOptions()), NullLogger<DurableTimers>.Instance);

        timers.Schedule(Message(), T0.AddSeconds(30));

        await Eventually.TrueAsync(() => queue.Count == 1, "the due wake-up to be published without another advance");
    }

    [Fact]
    public void Schedule_ClockMovesBeforeTheDueTimeWhileArming_WakesAtTheDueTime()
    {
        var time = new ClockSetForwardOnceRead(T0, TimeSpan.FromSeconds(10));
        var queue = new InProcessWorkQueue();
        using var timers = new DurableTimers(queue, time, Options.Create(new EngineOptions()), NullLogger<DurableTimers>.Instance);

        timers.Schedule(Message(), T0.AddSeconds(30));

        // The clock reads T0 + 10 s: the wake-up is 20 s (and the margin) away, not 30.
        time.Advance(TimeSpan.FromSeconds(19));
        Assert.Equal(0, queue.Count);
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(1, queue.Count);
    }

    private static WorkMessage Message() => new(WorkKind.ExecuteNode, Guid.NewGuid(), "pause", 2, Guid.NewGuid(), 1);

    /// <summary>A test clock set forward by <paramref name="jump"/> right after it is first read.</summary>
    private sealed class ClockSetForwardOnceRead(DateTimeOffset start, TimeSpan jump) : FakeTimeProvider(start)
    {
        private int _reads;

        public override DateTimeOffset GetUtcNow()
        {
            var now = base.GetUtcNow();
            if (Interlocked.Increment(ref _reads) == 1)
            {
                Advance(jump);
            }

            return now;
        }
    }
}

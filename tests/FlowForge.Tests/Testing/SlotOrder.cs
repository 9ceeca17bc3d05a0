namespace FlowForge.Tests.Testing;

/// <summary>Checks that nodes booked by a rate limit ran at their slots and in the order of their slots.</summary>
public static class SlotOrder
{
    /// <summary>
    /// How close two starts may be and still count as released together: when the process stalls (a busy machine), the
    /// nodes whose slots passed meanwhile all start at once, and their order among themselves is the scheduler's.
    /// </summary>
    private static readonly TimeSpan ReleasedTogether = TimeSpan.FromMilliseconds(25);

    /// <summary>
    /// How late a node must already be, when a node with a later slot starts, to count as held back by a stall: timers
    /// fire within milliseconds of their slots, so a node this far behind (more than half a slot apart at ten a second)
    /// was held up by the process, the database or a busy machine, not by its place in line, and the nodes due by then
    /// are released in the scheduler's order.
    /// </summary>
    private static readonly TimeSpan StallBacklog = TimeSpan.FromMilliseconds(60);

    /// <summary>How long a stall's backlog may take to drain, from one start to the next.</summary>
    private static readonly TimeSpan BacklogDrain = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Every node started no sooner than its slot, and a node started before another only if its slot was earlier or both
    /// were released together (at once, or as the backlog of a stall). A failure shows the nodes around the first mismatch.
    /// </summary>
    public static void AssertRanInSlotOrder(BookingRecorder recorder, IReadOnlyList<ScriptExecution> executions) =>
        AssertRanInSlotOrder(recorder.Bookings.ToDictionary(b => b.RunId, b => b.SlotAt), executions);

    /// <inheritdoc cref="AssertRanInSlotOrder(BookingRecorder, IReadOnlyList{ScriptExecution})"/>
    public static void AssertRanInSlotOrder(IReadOnlyDictionary<Guid, DateTimeOffset> slots, IReadOnlyList<ScriptExecution> executions)
    {
        var ran = executions.OrderBy(e => e.Started).ToList();
        Assert.Equal(slots.Count, ran.Count);
        for (var i = 0; i < ran.Count; i++)
        {
            var slot = slots[ran[i].RunId];
            var early = ran[i].Started < slot.AddMilliseconds(-1);
            var overtook = i > 0 && slots[ran[i - 1].RunId] > slot && !ReleasedTogetherWith(ran[i - 1], ran[i], slot);
            if (early || overtook)
            {
                var around = ran.Skip(Math.Max(0, i - 2)).Take(5).Select(e =>
                    $"run {e.RunId}: slot {slots[e.RunId]:HH:mm:ss.fff}, started {e.Started:HH:mm:ss.fff}");
                Assert.Fail($"Execution {i} {(early ? "started before its slot" : "is out of slot order")}:\n{string.Join("\n", around)}");
            }
        }
    }

    /// <summary>
    /// Whether <paramref name="next"/> (the earlier slot) and <paramref name="previous"/> (a later slot, started first)
    /// were released together: started within <see cref="ReleasedTogether"/>, or both part of a stall's backlog — the
    /// earlier slot already <see cref="StallBacklog"/> overdue when the later one started, and drained right after it.
    /// </summary>
    private static bool ReleasedTogetherWith(ScriptExecution previous, ScriptExecution next, DateTimeOffset nextSlot)
    {
        var gap = next.Started - previous.Started;
        return gap <= ReleasedTogether || (previous.Started - nextSlot >= StallBacklog && gap <= BacklogDrain);
    }

    /// <summary>From the first node's start to the last's.</summary>
    public static TimeSpan Span(IReadOnlyList<ScriptExecution> executions) =>
        executions.Max(e => e.Started) - executions.Min(e => e.Started);
}

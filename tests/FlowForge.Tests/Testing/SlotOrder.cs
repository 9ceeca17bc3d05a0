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
    /// Every node started no sooner than its slot, and a node started before another only if its slot was earlier or both
    /// were released together. A failure shows the nodes around the first mismatch.
    /// </summary>
    public static void AssertRanInSlotOrder(BookingRecorder recorder, IReadOnlyList<ScriptExecution> executions)
    {
        var bookings = recorder.Bookings.ToDictionary(b => b.RunId);
        var ran = executions.OrderBy(e => e.Started).ToList();
        Assert.Equal(bookings.Count, ran.Count);
        for (var i = 0; i < ran.Count; i++)
        {
            var slot = bookings[ran[i].RunId].SlotAt;
            var early = ran[i].Started < slot.AddMilliseconds(-1);
            var overtook = i > 0 && bookings[ran[i - 1].RunId].SlotAt > slot && ran[i].Started - ran[i - 1].Started > ReleasedTogether;
            if (early || overtook)
            {
                var around = ran.Skip(Math.Max(0, i - 2)).Take(5).Select(e =>
                    $"run {e.RunId}: slot {bookings[e.RunId].SlotAt:HH:mm:ss.fff}, started {e.Started:HH:mm:ss.fff}");
                Assert.Fail($"Execution {i} {(early ? "started before its slot" : "is out of slot order")}:\n{string.Join("\n", around)}");
            }
        }
    }

    /// <summary>From the first node's start to the last's.</summary>
    public static TimeSpan Span(IReadOnlyList<ScriptExecution> executions) =>
        executions.Max(e => e.Started) - executions.Min(e => e.Started);
}

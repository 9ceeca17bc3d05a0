using Xunit.Sdk;

namespace FlowForge.Tests.Testing;

public sealed class SlotOrderTests
{
    private static readonly DateTimeOffset T0 = new(2030, 1, 1, 8, 0, 0, TimeSpan.Zero);

    [Fact]
    public void AssertRanInSlotOrder_EachAtItsSlot_Passes()
    {
        var (slots, executions) = Nodes((0, 0), (100, 101), (200, 202), (300, 300));

        SlotOrder.AssertRanInSlotOrder(slots, executions);
    }

    [Fact]
    public void AssertRanInSlotOrder_LaterSlotStartsBeforeAnEarlierOneThatWasDueMoments_FailsNamingTheExecution()
    {
        // The second slot's node ran 30 ms after the third's, which took its turn while the second was 40 ms overdue.
        var (slots, executions) = Nodes((0, 0), (100, 170), (140, 140), (300, 300));

        var failure = Assert.Throws<FailException>(() => SlotOrder.AssertRanInSlotOrder(slots, executions));

        Assert.Contains("Execution 2 is out of slot order", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AssertRanInSlotOrder_StartedBeforeItsSlot_Fails()
    {
        var (slots, executions) = Nodes((0, 0), (100, 50));

        var failure = Assert.Throws<FailException>(() => SlotOrder.AssertRanInSlotOrder(slots, executions));

        Assert.Contains("started before its slot", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AssertRanInSlotOrder_AStallsBacklogDrainedInTheSchedulersOrder_Passes()
    {
        // A one-second stall: three nodes whose slots passed meanwhile and one just due start within 60 ms, mixed.
        var (slots, executions) = Nodes((280, 1_300), (1_290, 1_320), (380, 1_360), (480, 1_365), (1_400, 1_400));

        SlotOrder.AssertRanInSlotOrder(slots, executions);
    }

    [Fact]
    public void AssertRanInSlotOrder_ANodeHeldBackByABusyMachineStartingJustAfterTheNextSlotsNode_Passes()
    {
        // Every node about 50 ms late, one 200 ms: the next slot's node, due 100 ms later, started 43 ms before it.
        var (slots, executions) = Nodes((440, 490), (540, 738), (640, 695), (740, 786), (840, 910));

        SlotOrder.AssertRanInSlotOrder(slots, executions);
    }

    [Fact]
    public void AssertRanInSlotOrder_ANodeNinetyMillisecondsOverdueWhenTheNextSlotsNodeStartedOnTime_Passes()
    {
        // Seen on a loaded two-core machine: one worker's timer fired 184 ms late, the other worker's next slot on time.
        var (slots, executions) = Nodes((41, 48), (140, 324), (237, 237), (336, 434), (436, 457));

        SlotOrder.AssertRanInSlotOrder(slots, executions);
    }

    [Fact]
    public void AssertRanInSlotOrder_AStallsBacklogLeftBehindLongAfterLaterSlotsRan_Fails()
    {
        // Overdue since the stall, the second slot's node still waited 400 ms behind a later slot.
        var (slots, executions) = Nodes((280, 1_300), (380, 1_720), (1_300, 1_320), (1_800, 1_800));

        var failure = Assert.Throws<FailException>(() => SlotOrder.AssertRanInSlotOrder(slots, executions));

        Assert.Contains("out of slot order", failure.Message, StringComparison.Ordinal);
    }

    private static (Dictionary<Guid, DateTimeOffset> Slots, List<ScriptExecution> Executions) Nodes(params (int SlotMs, int StartedMs)[] nodes)
    {
        var slots = new Dictionary<Guid, DateTimeOffset>();
        var executions = new List<ScriptExecution>();
        foreach (var (slotMs, startedMs) in nodes)
        {
            var runId = Guid.NewGuid();
            var started = T0.AddMilliseconds(startedMs);
            slots[runId] = T0.AddMilliseconds(slotMs);
            executions.Add(new ScriptExecution(runId, "call", 1, started, started.AddMilliseconds(1), "succeeded"));
        }

        return (slots, executions);
    }
}

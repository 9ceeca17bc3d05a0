using FlowForge.Engine.Runs;

namespace FlowForge.Tests.Runs;

public sealed class StatusNameTests
{
    public static TheoryData<NodeStatus> NodeStatuses() => [.. Enum.GetValues<NodeStatus>()];

    public static TheoryData<RunStatus> RunStatuses() => [.. Enum.GetValues<RunStatus>()];

    [Theory]
    [MemberData(nameof(NodeStatuses))]
    public void Of_NodeStatus_IsItsName(NodeStatus status) => Assert.Equal(status.ToString(), StatusName.Of(status));

    [Theory]
    [MemberData(nameof(RunStatuses))]
    public void Of_RunStatus_IsItsName(RunStatus status) => Assert.Equal(status.ToString(), StatusName.Of(status));

    [Fact]
    public void Of_NodeStatus_AllocatesNothing()
    {
        StatusName.Of(NodeStatus.Succeeded);
        var before = GC.GetAllocatedBytesForCurrentThread();

        var name = StatusName.Of(NodeStatus.Succeeded);

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal("Succeeded", name);
    }
}

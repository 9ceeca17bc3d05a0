using FlowForge.Engine.Runs;

namespace FlowForge.Tests.Runs;

public sealed class EngineTelemetryTests
{
    public static TheoryData<NodeStatus> NodeStatuses() => [.. Enum.GetValues<NodeStatus>()];

    public static TheoryData<RunStatus> RunStatuses() => [.. Enum.GetValues<RunStatus>()];

    [Theory]
    [MemberData(nameof(NodeStatuses))]
    public void Tag_NodeStatus_IsItsName(NodeStatus status) => Assert.Equal(status.ToString(), EngineTelemetry.Tag(status));

    [Theory]
    [MemberData(nameof(RunStatuses))]
    public void Tag_RunStatus_IsItsName(RunStatus status) => Assert.Equal(status.ToString(), EngineTelemetry.Tag(status));

    [Fact]
    public void Tag_NodeStatus_AllocatesNothing()
    {
        EngineTelemetry.Tag(NodeStatus.Succeeded);
        var before = GC.GetAllocatedBytesForCurrentThread();

        var tag = EngineTelemetry.Tag(NodeStatus.Succeeded);

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal("Succeeded", tag);
    }
}

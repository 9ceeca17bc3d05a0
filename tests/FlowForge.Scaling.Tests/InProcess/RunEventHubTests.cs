using FlowForge.Engine.Runs;
using FlowForge.Scaling.Tests.Compliance;

namespace FlowForge.Scaling.Tests.InProcess;

public sealed class RunEventHubTests : RunEventsCompliance
{
    private readonly RunEventHub _hub = new();

    protected override Task<IRunEvents> CreateEventsAsync() => Task.FromResult<IRunEvents>(_hub);
}

using FlowForge.Engine.Queueing;
using FlowForge.Scaling.Tests.Compliance;

namespace FlowForge.Scaling.Tests.InProcess;

public sealed class InProcessWorkQueueTests : WorkQueueCompliance
{
    private readonly InProcessWorkQueue _queue = new();

    protected override Task<IWorkQueue> OpenQueueAsync() => Task.FromResult<IWorkQueue>(_queue);
}

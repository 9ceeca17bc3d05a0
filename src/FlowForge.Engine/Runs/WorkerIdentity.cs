namespace FlowForge.Engine.Runs;

/// <summary>This process as a worker: the id its claims and heartbeats carry. A new id every start.</summary>
public sealed class WorkerIdentity
{
    public Guid Id { get; } = Guid.CreateVersion7();
}

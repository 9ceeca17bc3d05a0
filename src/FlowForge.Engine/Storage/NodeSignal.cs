namespace FlowForge.Engine.Storage;

/// <summary>A signal for a node waiting for one: <see cref="OutputJson"/> becomes its output. A null owner may signal any run.</summary>
public sealed record NodeSignal(Guid RunId, Guid? OwnerId, string NodeId, string OutputJson, DateTimeOffset At);

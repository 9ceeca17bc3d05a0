using System.Collections.Concurrent;

namespace FlowForge.Tests.Testing;

/// <summary>What scripted nodes did: one entry per execution, with wall-clock start and end.</summary>
public sealed class ScriptJournal
{
    private readonly ConcurrentQueue<ScriptExecution> _executions = new();

    public IReadOnlyList<ScriptExecution> Executions => [.. _executions];

    public void Record(ScriptExecution execution) => _executions.Enqueue(execution);

    public IReadOnlyList<ScriptExecution> For(Guid runId, string nodeId) =>
        [.. _executions.Where(e => e.RunId == runId && e.NodeId == nodeId)];

    public ScriptExecution Only(Guid runId, string nodeId) => Assert.Single(For(runId, nodeId));
}

public sealed record ScriptExecution(Guid RunId, string NodeId, int Attempt, DateTimeOffset Started, DateTimeOffset Ended, string Outcome);

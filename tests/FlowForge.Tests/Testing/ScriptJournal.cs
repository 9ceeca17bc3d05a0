using System.Collections.Concurrent;

namespace FlowForge.Tests.Testing;

/// <summary>What scripted nodes did: one entry per execution, with wall-clock start and end.</summary>
public sealed class ScriptJournal
{
    private readonly ConcurrentQueue<ScriptExecution> _executions = new();
    private readonly ConcurrentDictionary<(Guid RunId, string Name), Meeting> _meetings = new();

    public IReadOnlyList<ScriptExecution> Executions => [.. _executions];

    public void Record(ScriptExecution execution) => _executions.Enqueue(execution);

    public IReadOnlyList<ScriptExecution> For(Guid runId, string nodeId) =>
        [.. _executions.Where(e => e.RunId == runId && e.NodeId == nodeId)];

    public ScriptExecution Only(Guid runId, string nodeId) => Assert.Single(For(runId, nodeId));

    /// <summary>
    /// Waits until <paramref name="count"/> nodes of the run have arrived at the meeting <paramref name="name"/>;
    /// true when they all did within <paramref name="timeout"/>, so only nodes executing at the same time can meet.
    /// </summary>
    public async Task<bool> MeetAsync(Guid runId, string name, int count, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var meeting = _meetings.GetOrAdd((runId, name), _ => new Meeting());
        if (Interlocked.Increment(ref meeting.Arrived) >= count)
        {
            meeting.Everyone.TrySetResult();
        }

        try
        {
            await meeting.Everyone.Task.WaitAsync(timeout, cancellationToken);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    private sealed class Meeting
    {
        public readonly TaskCompletionSource Everyone = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public int Arrived;
    }
}

public sealed record ScriptExecution(Guid RunId, string NodeId, int Attempt, DateTimeOffset Started, DateTimeOffset Ended, string Outcome);

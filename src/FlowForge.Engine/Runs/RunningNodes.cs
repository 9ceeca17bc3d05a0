using System.Collections.Concurrent;

namespace FlowForge.Engine.Runs;

/// <summary>Cancellation sources of the node executions in progress in this process, so cancelling a run stops them.</summary>
public sealed class RunningNodes
{
    private readonly ConcurrentDictionary<(Guid RunId, string NodeId), RunningNode> _running = new();

    public RunningNode Start(Guid runId, string nodeId)
    {
        var source = new RunningNode();
        _running[(runId, nodeId)] = source;
        return source;
    }

    public void Finish(Guid runId, string nodeId, RunningNode source)
    {
        _running.TryRemove(KeyValuePair.Create((runId, nodeId), source));
        source.Dispose();
    }

    /// <summary>Signals every execution of the run in this process; returns how many were signalled.</summary>
    public int Cancel(Guid runId)
    {
        var count = 0;
        foreach (var entry in _running)
        {
            if (entry.Key.RunId == runId)
            {
                try
                {
                    entry.Value.CancelRun();
                    count++;
                }
                catch (ObjectDisposedException)
                {
                    // Finished meanwhile.
                }
            }
        }

        return count;
    }
}

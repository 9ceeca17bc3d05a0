using System.Collections;

namespace FlowForge.Engine.Runs;

/// <summary>The log scope of one node execution: every log line written during it carries these ids.</summary>
internal sealed class NodeLogScope(Guid runId, string nodeId, string nodeType, int attempt) : IReadOnlyList<KeyValuePair<string, object?>>
{
    public int Count => 4;

    public KeyValuePair<string, object?> this[int index] => index switch
    {
        0 => new("RunId", runId),
        1 => new("NodeId", nodeId),
        2 => new("NodeType", nodeType),
        3 => new("Attempt", attempt),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
    {
        for (var i = 0; i < Count; i++)
        {
            yield return this[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => $"run {runId} node {nodeId} ({nodeType}) attempt {attempt}";
}

using System.Text.Json.Nodes;

namespace FlowForge.Engine.Nodes;

/// <summary>
/// The child runs of one node execution: runs of another flow of the same owner, each linked to this run, node and an
/// item index. Starting is idempotent per index, so an execution that runs again never starts a duplicate. A node
/// starts children, then returns <see cref="NodeResult.WaitForChildren"/>; it runs again when one of them ends.
/// Failures a user can fix (an unknown flow, too deep a nesting) throw <see cref="ChildRunException"/>.
/// </summary>
public interface IChildRuns
{
    /// <summary>The execution's attempt: a child started or restarted by an earlier attempt has a lower <see cref="ChildRun.StartedByAttempt"/>.</summary>
    int Attempt { get; }

    /// <summary>
    /// The version children of <paramref name="flowId"/> run: <paramref name="version"/> when given, else the version of the
    /// children already started (so a retry keeps to it), else the flow's newest.
    /// </summary>
    Task<int> ResolveVersionAsync(Guid flowId, int? version, CancellationToken cancellationToken);

    /// <summary>The node's children, by item index.</summary>
    Task<IReadOnlyList<ChildRun>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Starts the child for <paramref name="index"/> with <paramref name="input"/> as its run input, or finds the one started before.</summary>
    Task<ChildRun> StartAsync(int index, Guid flowId, int version, JsonNode? input, CancellationToken cancellationToken);

    /// <summary>Runs a Failed or Cancelled child again from its failed nodes (its succeeded nodes keep their outputs).</summary>
    Task RestartAsync(ChildRun child, CancellationToken cancellationToken);

    /// <summary>Each child's output, by item index: the output of the last node in its flow's order that succeeded.</summary>
    Task<IReadOnlyList<JsonNode?>> ReadOutputsAsync(CancellationToken cancellationToken);
}

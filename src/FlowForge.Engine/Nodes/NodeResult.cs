using System.Text.Json.Nodes;

namespace FlowForge.Engine.Nodes;

/// <summary>
/// What a node execution produced: an output sent through one or more ports, a request to wait
/// without holding a thread, or a failure that says whether trying again could help.
/// </summary>
public sealed record NodeResult
{
    private NodeResult(NodeResultKind kind, JsonNode? output, IReadOnlyList<string> ports, string? error, bool retryable, DateTimeOffset? waitUntil, TimeSpan? retryAfter = null)
    {
        RetryAfter = retryAfter;
        Kind = kind;
        Output = output;
        Ports = ports;
        Error = error;
        Retryable = retryable;
        WaitUntil = waitUntil;
    }

    public NodeResultKind Kind { get; }

    public JsonNode? Output { get; }

    /// <summary>The output ports this result fires; edges leaving other ports are not taken.</summary>
    public IReadOnlyList<string> Ports { get; }

    public string? Error { get; }

    public bool Retryable { get; }

    /// <summary>
    /// For a retryable failure, the least time the next attempt must wait (a server's <c>Retry-After</c>); the
    /// engine waits the longer of this and the node's retry policy delay.
    /// </summary>
    public TimeSpan? RetryAfter { get; }

    public DateTimeOffset? WaitUntil { get; }

    /// <summary>
    /// Text the node wrote while it ran (a script's console output), kept with the attempt and shown in the run
    /// view; the engine cuts it at <c>Execution:MaxAttemptLogBytes</c>. Set it with <c>result with { Logs = … }</c>.
    /// </summary>
    public string? Logs { get; init; }

    /// <summary>True when the node waits until someone signals it (<c>POST /api/runs/{id}/nodes/{nodeId}/signal</c>).</summary>
    public bool WaitsForSignal => Kind == NodeResultKind.Waiting && WaitUntil is null && OpenChildren is null;

    /// <summary>Set when the node waits for its child runs (<see cref="WaitForChildren"/>): how many it saw still open.</summary>
    public int? OpenChildren { get; private init; }

    /// <summary>Succeeds through the default <c>main</c> port.</summary>
    public static NodeResult Success(JsonNode? output) => new(NodeResultKind.Succeeded, output, MainPort, null, false, null);

    /// <summary>Succeeds through the named port(s).</summary>
    public static NodeResult To(string port, JsonNode? output) =>
        new(NodeResultKind.Succeeded, output, port == NodePorts.Main ? MainPort : [port], null, false, null);

    /// <summary>The <c>main</c> port alone, one list shared by every result that fires it (read-only: nobody can change it).</summary>
    private static readonly IReadOnlyList<string> MainPort = Array.AsReadOnly(new[] { NodePorts.Main });

    public static NodeResult To(IReadOnlyList<string> ports, JsonNode? output) => new(NodeResultKind.Succeeded, output, ports, null, false, null);

    public static NodeResult Fail(string error, bool retryable = false) => new(NodeResultKind.Failed, null, [], error, retryable, null);

    /// <summary>A retryable failure whose next attempt must not start before <paramref name="retryAfter"/> has passed.</summary>
    public static NodeResult Fail(string error, TimeSpan retryAfter)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(retryAfter, TimeSpan.Zero);
        return new(NodeResultKind.Failed, null, [], error, true, null, retryAfter);
    }

    /// <summary>Asks the engine to run this node again at <paramref name="until"/>; nothing is held meanwhile.</summary>
    public static NodeResult Wait(DateTimeOffset until) => new(NodeResultKind.Waiting, null, [], null, false, until);

    /// <summary>
    /// Asks the engine to keep the node waiting, holding nothing, until a signal arrives; the signal's body
    /// becomes the node's output and it succeeds through <c>main</c> without running again.
    /// </summary>
    public static NodeResult WaitForSignal() => new(NodeResultKind.Waiting, null, [], null, false, null);

    /// <summary>
    /// Asks the engine to keep the node waiting, holding nothing, until one of the child runs it started
    /// (<see cref="NodeContext.Children"/>) ends; then the node runs again. <paramref name="openChildren"/> is how many
    /// of them the node saw still open: if one ended since, the node runs again at once.
    /// </summary>
    public static NodeResult WaitForChildren(int openChildren)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(openChildren, 1);
        return new(NodeResultKind.Waiting, null, [], null, false, null) { OpenChildren = openChildren };
    }
}

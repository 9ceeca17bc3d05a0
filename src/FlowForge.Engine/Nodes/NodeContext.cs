using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;

namespace FlowForge.Engine.Nodes;

/// <summary>
/// Everything a node execution may read. <see cref="Input"/> is what its parents produced: with one
/// parent, that parent's output; with several, an object keyed by parent id; for a trigger, the run input.
/// </summary>
public sealed class NodeContext
{
    private readonly JsonNode? _input;
    private readonly JsonNode? _runInput;
    private readonly INodeInput? _lazyInput;
    private readonly INodeViews? _views;
    private IRunBlobWriter? _blobs;
    private IChildRuns? _children;
    private Credentials.INodeConnections? _connections;

    public required Guid RunId { get; init; }

    public required string NodeId { get; init; }

    public required int Attempt { get; init; }

    /// <summary>
    /// The node's config exactly as stored in the flow (expressions unresolved). It is the plan's, shared by every run of the
    /// flow version, and read for its templates once: never change it (resolve it into a copy instead).
    /// </summary>
    public required JsonNode? Config { get; init; }

    /// <summary>The run's input (what the trigger received); made the first time it is read when the engine supplies it lazily.</summary>
    public JsonNode? RunInput
    {
        get => _lazyInput is null ? _runInput : _lazyInput.RunInput;
        init => _runInput = value;
    }

    /// <summary>Built the first time it is read when the engine supplies it lazily (outputs in the blob store are read then).</summary>
    public JsonNode? Input
    {
        get => _lazyInput is null ? _input : _lazyInput.Input;
        init => _input = value;
    }

    /// <summary>Set by the engine instead of <see cref="Input"/> and <see cref="RunInput"/>, so that an input nobody reads is never built.</summary>
    internal INodeInput? LazyInput
    {
        init => _lazyInput = value;
    }

    /// <summary>Outputs of the node's parents, keyed by node id.</summary>
    public required IReadOnlyDictionary<string, JsonNode?> Upstream { get; init; }

    /// <summary>
    /// The node's parents that reached it: they ran (Succeeded, or Failed through their error port) and fired a port
    /// whose edge leads here. In the order they finished by the finish time the store recorded (ties in the flow's
    /// edge order); Skipped parents, and parents whose other ports fired, are left out.
    /// </summary>
    public IReadOnlyList<string> FinishedParents { get; init; } = [];

    /// <summary>Set when the node asked to wait earlier and the engine runs it again at that time.</summary>
    public DateTimeOffset? ResumedFromWaitUntil { get; init; }

    public required TimeProvider Time { get; init; }

    public required ILogger Logger { get; init; }

    /// <summary>Most text the config's <c>{{ }}</c> expressions may produce in one execution, in UTF-8 bytes.</summary>
    public long MaxExpressionResultBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>
    /// Where the node may keep bytes too large or too binary for its JSON output, with its run; null when the host
    /// gives the node no blob store (a node needing one then fails saying so).
    /// </summary>
    public IRunBlobWriter? Blobs
    {
        get => _blobs ?? View(ref _blobs, static (views, context) => views.BlobsFor(context));
        init => _blobs = value;
    }

    /// <summary>Starts and reads the node's child runs (sub-flows); null where the engine offers none (a node tested on its own).</summary>
    public IChildRuns? Children
    {
        get => _children ?? View(ref _children, static (views, context) => views.ChildrenFor(context));
        init => _children = value;
    }

    /// <summary>
    /// The run owner's connections (credentials to other apps); null where the host offers none (a node tested on its
    /// own). A node names one by the <c>connectionId</c> of its config.
    /// </summary>
    public Credentials.INodeConnections? Connections
    {
        get => _connections ?? View(ref _connections, static (views, context) => views.ConnectionsFor(context));
        init => _connections = value;
    }

    /// <summary>
    /// Set by the engine instead of <see cref="Blobs"/>, <see cref="Children"/> and <see cref="Connections"/>: each is
    /// made the first time the node reads it, so the many nodes that read none of them (set, if, merge) make none.
    /// </summary>
    internal INodeViews? Views
    {
        init => _views = value;
    }

    /// <summary>Signalled when the host is stopping (not when the run is cancelled: that is the execute method's token).</summary>
    public CancellationToken HostStopping { get; init; }

    // One view per execution even when a node reads it from two threads at once (a child-run view keeps what it
    // verified): the first one stored wins. A view the host does not offer stays null and is asked for again (cheaply).
    private T? View<T>(ref T? field, Func<INodeViews, NodeContext, T?> make)
        where T : class
    {
        if (_views is null)
        {
            return null;
        }

        var view = make(_views, this);
        return view is null ? null : Interlocked.CompareExchange(ref field, view, null) ?? view;
    }
}

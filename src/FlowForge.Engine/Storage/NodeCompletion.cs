using FlowForge.Engine.Runs;

namespace FlowForge.Engine.Storage;

/// <summary>
/// The end of one node execution. <see cref="Status"/> is Succeeded, Failed or Cancelled; or Running with
/// <see cref="WaitUntil"/> set when the node asked to be run again later (a durable timer).
/// <see cref="Version"/> is the version the claim produced: a completion for an older claim is ignored.
/// A Failed completion with <see cref="RetryAt"/> keeps the node for another attempt at that time (a durable
/// timer); with <see cref="ThroughErrorPort"/> it fires the <c>error</c> port with <see cref="OutputJson"/>
/// and the run goes on. Running with <see cref="WaitForSignal"/> parks the node until a signal.
/// </summary>
public sealed record NodeCompletion(
    Guid RunId,
    string NodeId,
    long Version,
    NodeStatus Status,
    string? OutputJson,
    string? Error,
    IReadOnlyList<string> FiredPorts,
    DateTimeOffset At,
    DateTimeOffset? WaitUntil = null)
{
    // What only a wait, a retry, a failure through the error port or a blob-stored output sets, in one object made only
    // for such a completion: most completions are successes with an inline output and carry none of it. Immutable, so a
    // copy made with `with` shares it safely; an init below makes a new one.
    private Uncommon? _uncommon = WaitUntil is null ? null : new Uncommon { WaitUntil = WaitUntil };

    public DateTimeOffset? WaitUntil
    {
        get => _uncommon?.WaitUntil;
        init => _uncommon = Uncommon.Of((_uncommon ?? Uncommon.None) with { WaitUntil = value });
    }

    public DateTimeOffset? RetryAt
    {
        get => _uncommon?.RetryAt;
        init => _uncommon = Uncommon.Of((_uncommon ?? Uncommon.None) with { RetryAt = value });
    }

    public bool ThroughErrorPort
    {
        get => _uncommon?.ThroughErrorPort ?? false;
        init => _uncommon = Uncommon.Of((_uncommon ?? Uncommon.None) with { ThroughErrorPort = value });
    }

    public bool WaitForSignal
    {
        get => _uncommon?.WaitForSignal ?? false;
        init => _uncommon = Uncommon.Of((_uncommon ?? Uncommon.None) with { WaitForSignal = value });
    }

    /// <summary>Set with <see cref="WaitUntil"/> when the wait is a rate-limit deferral (the node did not ask for it).</summary>
    public RateLimitWait? RateLimitWait
    {
        get => _uncommon?.RateLimitWait;
        init => _uncommon = Uncommon.Of((_uncommon ?? Uncommon.None) with { RateLimitWait = value });
    }

    /// <summary>
    /// Set when Running parks the node until one of its child runs ends; the number of them the node saw still open.
    /// When fewer are open as the park commits (one ended meanwhile), the node is made due at once instead.
    /// </summary>
    public int? WaitForChildren
    {
        get => _uncommon?.WaitForChildren;
        init => _uncommon = Uncommon.Of((_uncommon ?? Uncommon.None) with { WaitForChildren = value });
    }

    /// <summary>Set instead of <see cref="OutputJson"/> when the output was written to the blob store first.</summary>
    public BlobReference? OutputBlob
    {
        get => _uncommon?.OutputBlob;
        init => _uncommon = Uncommon.Of((_uncommon ?? Uncommon.None) with { OutputBlob = value });
    }

    /// <summary>
    /// The bytes written as <see cref="OutputBlob"/>, kept in this process to hand to a child it runs next, so that child
    /// does not read them back; never stored.
    /// </summary>
    public ReadOnlyMemory<byte> OutputBlobContent
    {
        get => _uncommon?.OutputBlobContent ?? default;
        init => _uncommon = Uncommon.Of((_uncommon ?? Uncommon.None) with { OutputBlobContent = value });
    }

    /// <summary>The attempt that ended (kept in the node's attempts); 0 records none.</summary>
    public int Attempt { get; init; }

    public DateTimeOffset? AttemptStartedAt { get; init; }

    /// <summary>The node's resolved input for this attempt, already bounded by <c>Execution:MaxAttemptInputBytes</c>.</summary>
    public string? InputJson { get; init; }

    /// <summary>What the node wrote during this attempt (<see cref="Nodes.NodeResult.Logs"/>), already bounded by <c>Execution:MaxAttemptLogBytes</c>.</summary>
    public string? Logs { get; init; }

    /// <summary>
    /// Set to claim one child this completion makes Ready in the same transaction (see <see cref="ChainClaim"/>); the
    /// claim comes back as <see cref="CompletionResult.ClaimedChild"/>. Only a completion that resolves its children
    /// (Succeeded, or Failed through its error port) claims one.
    /// </summary>
    public ChainClaim? ClaimChild { get; init; }

    /// <summary>
    /// Completions of pure nodes this one follows in a pure region (a chain, or fan-outs and joins) run in memory without a
    /// commit in between (see docs/adr/0005-pure-nodes.md). They are written first, in the order they ran, in this
    /// completion's transaction; each succeeded and carries the <see cref="ClaimChild"/> the nodes after the first are
    /// claimed with. Each of those nodes is claimed as its first attempt once an earlier completion of the write has made
    /// it Ready, and its <see cref="Version"/> comes from that claim; when that cannot be, the write stops there (see
    /// <see cref="CompletionResult.ChainBroken"/>). Only this completion's <see cref="ClaimChild"/> claims a node to run next.
    /// </summary>
    public IReadOnlyList<NodeCompletion> Preceding { get; init; } = [];

    /// <summary>The fields of <see cref="_uncommon"/>; compared by value, as the completion's own fields are.</summary>
    private sealed record Uncommon
    {
        public static readonly Uncommon None = new();

        public DateTimeOffset? WaitUntil { get; init; }

        public DateTimeOffset? RetryAt { get; init; }

        public bool ThroughErrorPort { get; init; }

        public bool WaitForSignal { get; init; }

        public RateLimitWait? RateLimitWait { get; init; }

        public int? WaitForChildren { get; init; }

        public BlobReference? OutputBlob { get; init; }

        public ReadOnlyMemory<byte> OutputBlobContent { get; init; }

        /// <summary>Null when every field is at its default, so a completion that sets one back holds none.</summary>
        public static Uncommon? Of(Uncommon value) => value == None ? null : value;
    }
}

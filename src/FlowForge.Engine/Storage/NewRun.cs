namespace FlowForge.Engine.Storage;

/// <summary>A run to write: its row, one node instance per plan node (the starting trigger Ready) and the StartFlow message.</summary>
public sealed record NewRun(Guid Id, Guid OwnerId, Guid FlowId, int FlowVersion, string InputJson, string? IdempotencyKey, DateTimeOffset CreatedAt)
{
    /// <summary>
    /// The trigger the run starts at; the plan's other triggers are Skipped at once, and with them every node only
    /// they reach. Null for a plan with a single trigger.
    /// </summary>
    public string? TriggerNodeId { get; init; }

    /// <summary>Set for a child run: the node that started it. Creating the same child twice returns the first one.</summary>
    public ChildRunLink? Parent { get; init; }

    /// <summary>
    /// Set when the starting trigger's output is known before it runs (a pure trigger that passes the run input on, see
    /// <see cref="Nodes.NodeTypeAttribute.PassesRunInput"/>): the run is written with that trigger already Succeeded with
    /// this output, and its children Ready, in the same transaction. Null writes the trigger Ready, to be run by a worker.
    /// </summary>
    public string? TriggerOutputJson { get; init; }

    /// <summary>The attempt record's input when <see cref="TriggerOutputJson"/> is set, already bounded by <c>Execution:MaxAttemptInputBytes</c>.</summary>
    public string? TriggerAttemptInput { get; init; }

    /// <summary>
    /// With <see cref="TriggerOutputJson"/>: claims, in the same transaction, the first child the trigger makes Ready for
    /// the worker of the starting process (as a completion's <see cref="NodeCompletion.ClaimChild"/> does), with no message
    /// for it. The claim comes back as <see cref="RunCreation.ClaimedChild"/>; the other children get their messages.
    /// </summary>
    public ChainClaim? ClaimChild { get; init; }

    /// <summary>
    /// With <see cref="TriggerOutputJson"/>: the completions of pure nodes the trigger reaches, run in memory before this
    /// write, in the order they ran (a pure region, see <see cref="NodeCompletion.Preceding"/>): they are written after the
    /// trigger's in the same transaction, each Succeeded and carrying the claim its node is claimed with as its first attempt.
    /// <see cref="ClaimChild"/> is then the last one's. Empty writes the trigger's completion alone.
    /// </summary>
    public IReadOnlyList<NodeCompletion> StartRegion { get; init; } = [];
}

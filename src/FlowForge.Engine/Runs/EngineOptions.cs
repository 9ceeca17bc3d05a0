namespace FlowForge.Engine.Runs;

/// <summary>Engine tuning, bound to configuration section <c>Engine</c>.</summary>
public sealed class EngineOptions
{
    public const string Section = "Engine";

    /// <summary>
    /// How many node executions one process runs at once. Executions mostly wait on commits, so a high number
    /// costs little and keeps group commits large; under overload the writer queue then slows new runs down.
    /// </summary>
    public int WorkerParallelism { get; set; } = 1024;

    /// <summary>
    /// How many children in a row one worker may run after the node it took from the queue, each claimed in the
    /// transaction that records its parent's result, without a round trip through the queue (one child per completion;
    /// its siblings still go through the queue). After this many the next child goes through the queue, so a long chain
    /// yields to other runs. 0 sends every child through the queue.
    /// </summary>
    public int LocalChainSteps { get; set; } = 16;

    /// <summary>
    /// When the run's trigger ends with its creation (docs/adr/0005-pure-nodes.md) and this process executes work with an
    /// execution free, the same write claims the trigger's first child for this process, which runs it at once: no message
    /// and no claim of its own for that child. Its siblings go through the queue as before. False, or
    /// <see cref="LocalChainSteps"/> 0, leaves every child to the queue.
    /// </summary>
    public bool ClaimAtStart { get; set; } = true;

    /// <summary>
    /// When the run's trigger ends with its creation and this process executes work, the pure nodes the trigger reaches (a
    /// pure region, docs/adr/0005-pure-nodes.md) run in memory before the run is written, at most this many, and are written
    /// final with the run in the same operation. What is left then goes on as after a region's write. 0 runs none there.
    /// </summary>
    public int PureStartNodes { get; set; } = 64;

    /// <summary>
    /// The most time the pure nodes run before the run's write may take (see <see cref="PureStartNodes"/>): once it is spent,
    /// no further node starts there and the run is written with those that ran.
    /// </summary>
    public TimeSpan PureStartTime { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// How long a claim stays valid without a heartbeat. The worker's heartbeat extends the leases of the nodes it
    /// runs, so a long node keeps its lease while its worker lives; a lease ends only when its worker stopped beating
    /// and nobody took it over (for example every worker stopped).
    /// </summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a worker records that it is alive and extends the leases of the nodes it runs (one write).</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>A worker whose last heartbeat is older than this is taken over: its Running nodes are queued again at once.</summary>
    public TimeSpan WorkerTimeout { get; set; } = TimeSpan.FromSeconds(6);

    /// <summary>
    /// A node whose executions ended this many times without a result (its process crashed or its worker went
    /// silent) is Failed with that reason instead of being started again.
    /// </summary>
    public int MaxInterruptions { get; set; } = 5;

    /// <summary>How often the recovery sweep looks for expired leases, forgotten messages and upcoming timers.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A Ready node older than this is given a fresh message by the sweep (its message may have been lost).</summary>
    public TimeSpan ReadyResendAfter { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Most nodes one sweep sends again (expired leases first, then the oldest stale Ready nodes), and most nodes of
    /// ended runs it closes; the rest wait for the next sweep. A resent Ready node is not resent before
    /// <see cref="ReadyResendAfter"/> has passed again.
    /// </summary>
    public int MaxResendsPerSweep { get; set; } = 1_000;

    /// <summary>
    /// How many publishes of freshly started runs may wait on the queue at once. Starting a run answers once the
    /// run is committed and publishes in the background; beyond this many (a broker that is down or slower than the
    /// runs arrive) the messages stay in the outbox, and this process relays them once one of its background publishes
    /// has ended (or the sweep does). The calls that wait go to the queue together, up to 1,024 messages in one publish, so
    /// the default lets one such publish of single-message calls wait behind those on the queue.
    /// </summary>
    public int MaxBackgroundPublishes { get; set; } = 1_024;

    /// <summary>True when this process is the only one executing work (embedded default): at start-up every Running node is orphaned.</summary>
    public bool SoleWorker { get; set; } = true;

    /// <summary>False for processes that only accept runs (the API role): they execute nothing.</summary>
    public bool ExecuteWork { get; set; } = true;

    /// <summary>Largest output (as UTF-8 JSON) a node may produce; a larger one fails the node, naming its size and this limit.</summary>
    public long MaxOutputBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>
    /// Outputs larger than this (UTF-8 bytes) are kept in the blob store and referenced from the node's row; the nodes
    /// after it read them only when they use them. 0 keeps every output in the blob store.
    /// </summary>
    public long InlineOutputBytes { get; set; } = 64 * 1024;

    /// <summary>
    /// Most bytes of blob-stored inputs that node executions of this process may have at once: a node whose inputs come
    /// from the blob store waits for room before it runs (one larger than this runs alone).
    /// </summary>
    public long MaxBlobInputBytesInFlight { get; set; } = 64 * 1024 * 1024;

    /// <summary>
    /// Most text the <c>{{ }}</c> expressions of one node's config may produce in one execution (UTF-8 bytes), counted
    /// while the result is built: a template that would grow past it fails the node before the memory is taken.
    /// </summary>
    public long MaxExpressionResultBytes { get; set; } = 4 * 1024 * 1024;
}

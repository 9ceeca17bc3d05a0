namespace FlowForge.Server.Hosting;

/// <summary>What the REST API puts in its answers; bound to section <c>Api</c>.</summary>
public sealed class ApiOptions
{
    public const string Section = "Api";

    /// <summary>
    /// Largest node output (UTF-8 JSON bytes) included in <c>GET /api/runs/{id}</c>; a larger one is replaced by
    /// its size and a link to <c>GET /api/runs/{id}/nodes/{nodeId}/output</c>.
    /// </summary>
    public long MaxInlineOutputBytes { get; set; } = 64 * 1024;

    /// <summary>Most runs one <c>POST /api/runs/retry</c> may retry: a longer list of ids is refused, a filter takes this many at most.</summary>
    public int MaxRunsPerRetry { get; set; } = 100;

    /// <summary>Longest text <c>GET /api/flows?search=</c> accepts; a longer one is a 400 naming <c>search</c>.</summary>
    public int MaxFlowSearchLength { get; set; } = 200;

    /// <summary>Most runs one live-hub connection (<c>/hubs/runs</c>) watches at once; one more is refused until it unwatches one.</summary>
    public int MaxWatchedRunsPerConnection { get; set; } = 100;
}

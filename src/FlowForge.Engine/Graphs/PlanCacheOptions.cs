using System.ComponentModel.DataAnnotations;

namespace FlowForge.Engine.Graphs;

/// <summary>Size of the in-memory plan cache; bound to configuration section <c>PlanCache</c>.</summary>
public sealed class PlanCacheOptions
{
    public const string Section = "PlanCache";

    /// <summary>How many compiled flow versions are kept; the least recently used go first.</summary>
    [Range(1, int.MaxValue)]
    public int Capacity { get; set; } = 10_000;

    /// <summary>
    /// Roughly how much memory cached plans may take, estimated from each flow's JSON length; the least
    /// recently used go first when it is passed. One plan larger than this is still used, and cached alone.
    /// </summary>
    [Range(1, long.MaxValue)]
    public long MaxBytes { get; set; } = 256L * 1024 * 1024;
}

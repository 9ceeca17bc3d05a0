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

    /// <summary>
    /// How long a flow's head (its owner and newest version) read by a run's start is used before it is read again. A
    /// save or deletion drops it at once in this process and, through Redis when scaled out, in the others;
    /// this bounds how long a process that missed that message (Redis away) starts the version before. Zero reads the
    /// flow on every start.
    /// </summary>
    public TimeSpan FlowHeadMaxAge { get; set; } = TimeSpan.FromSeconds(2);
}

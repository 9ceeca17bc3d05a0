namespace FlowForge.Engine.Graphs;

/// <summary>Bounds on what a flow may contain; bound to configuration section <c>Flows</c>.</summary>
public sealed class FlowLimits
{
    public const string Section = "Flows";

    public int MaxNodes { get; set; } = 1_000;

    public int MaxEdges { get; set; } = 5_000;
}

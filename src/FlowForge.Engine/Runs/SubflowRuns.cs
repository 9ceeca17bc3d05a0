using FlowForge.Engine.Graphs;
using FlowForge.Engine.Nodes;
using FlowForge.Engine.Storage;
using Microsoft.Extensions.Options;

namespace FlowForge.Engine.Runs;

/// <summary>Hands each node execution its <see cref="IChildRuns"/>: the engine's sub-flow capability, bound to that run, node and attempt.</summary>
public sealed class SubflowRuns(
    IFlowStore flows,
    IPlanProvider plans,
    IRunStore runs,
    IRunQueries queries,
    IChildRunStore children,
    INodeTypeRegistry nodeTypes,
    OutboxDispatcher dispatcher,
    IRunEvents events,
    IBlobStore blobs,
    TimeProvider time,
    IOptions<FlowLimits> limits)
{
    internal IFlowStore Flows => flows;

    internal IPlanProvider Plans => plans;

    internal IRunStore Runs => runs;

    internal IRunQueries Queries => queries;

    internal IChildRunStore Children => children;

    internal INodeTypeRegistry NodeTypes => nodeTypes;

    internal OutboxDispatcher Dispatcher => dispatcher;

    internal IRunEvents Events => events;

    internal IBlobStore Blobs => blobs;

    internal TimeProvider Time => time;

    internal FlowLimits Limits => limits.Value;

    public IChildRuns For(Guid runId, string nodeId, int attempt) => new NodeChildRuns(this, runId, nodeId, attempt);
}

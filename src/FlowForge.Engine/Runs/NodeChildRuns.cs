using System.Globalization;
using System.Text.Json.Nodes;
using FlowForge.Engine.Graphs;
using FlowForge.Engine.Json;
using FlowForge.Engine.Nodes;
using FlowForge.Engine.Storage;

namespace FlowForge.Engine.Runs;

/// <summary>The child runs of one node execution (see <see cref="IChildRuns"/>).</summary>
internal sealed class NodeChildRuns(SubflowRuns engine, Guid runId, string nodeId, int attempt) : IChildRuns
{
    private RunView? _parent;
    // Made when a child flow is first resolved: most nodes start no child run.
    private HashSet<(Guid FlowId, int Version)>? _verified;

    public int Attempt => attempt;

    public async Task<int> ResolveVersionAsync(Guid flowId, int? version, CancellationToken cancellationToken)
    {
        var parent = await ParentAsync(cancellationToken).ConfigureAwait(false);
        if (version is null)
        {
            // The version the first child was started with is the one every later child and retry keeps to.
            var started = await engine.Children.ListChildRunsAsync(runId, nodeId, false, cancellationToken).ConfigureAwait(false);
            if (started.Count > 0)
            {
                version = started[0].FlowVersion;
            }
        }

        var flow = await engine.Flows.GetAsync(flowId, parent.OwnerId, version, cancellationToken).ConfigureAwait(false);
        if (flow is null)
        {
            throw new ChildRunException(version is null
                ? $"Flow {flowId} not found: a sub-flow must be a flow of the same owner."
                : $"Flow {flowId} version {version} not found: a sub-flow must be a flow of the same owner.");
        }

        (_verified ??= []).Add((flowId, flow.Version));
        return flow.Version;
    }

    public async Task<IReadOnlyList<ChildRun>> ListAsync(CancellationToken cancellationToken)
    {
        var records = await engine.Children.ListChildRunsAsync(runId, nodeId, false, cancellationToken).ConfigureAwait(false);
        return [.. records.Select(r => new ChildRun(r.ItemIndex, r.RunId, r.FlowVersion, r.Status, r.ParentAttempt, r.Error))];
    }

    public async Task<ChildRun> StartAsync(int index, Guid flowId, int version, JsonNode? input, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        var parent = await ParentAsync(cancellationToken).ConfigureAwait(false);
        var depth = parent.Depth + 1;
        var maxDepth = engine.Limits.MaxSubflowDepth;
        if (depth > maxDepth)
        {
            throw new ChildRunException(string.Create(CultureInfo.InvariantCulture,
                $"A sub-flow started here would run at depth {depth}, over the limit of {maxDepth} ({FlowLimits.Section}:{nameof(FlowLimits.MaxSubflowDepth)}); does a flow call itself?"));
        }

        if (_verified?.Contains((flowId, version)) != true)
        {
            await ResolveVersionAsync(flowId, version, cancellationToken).ConfigureAwait(false);
        }

        var inputJson = input?.ToJsonString() ?? "{}";
        if (System.Text.Encoding.UTF8.GetByteCount(inputJson) > engine.Limits.MaxRunInputBytes)
        {
            throw new ChildRunException(string.Create(CultureInfo.InvariantCulture,
                $"The input of item {index} is over {engine.Limits.MaxRunInputBytes} bytes ({FlowLimits.Section}:{nameof(FlowLimits.MaxRunInputBytes)}); pass less data or a reference to it."));
        }

        ExecutionPlan plan;
        string trigger;
        try
        {
            plan = await engine.Plans.GetPlanAsync(flowId, version, null, cancellationToken).ConfigureAwait(false);
            trigger = TriggerChoice.Resolve(plan, null, engine.NodeTypes);
        }
        catch (FlowInvalidException ex)
        {
            throw new ChildRunException($"Flow {flowId} version {version} cannot be run: {ex.Message}", ex);
        }
        catch (TriggerChoiceException ex)
        {
            throw new ChildRunException($"Flow {flowId} version {version} cannot be started as a sub-flow: {ex.Message}", ex);
        }

        var now = engine.Time.GetUtcNow();
        var link = new ChildRunLink(runId, nodeId, index, attempt, depth);
        var creation = await engine.Runs.CreateRunAsync(
            new NewRun(ChildRunIds.For(runId, nodeId, index), parent.OwnerId, flowId, version, inputJson, null, now) { TriggerNodeId = trigger, Parent = link },
            plan,
            cancellationToken).ConfigureAwait(false);
        if (!creation.Created)
        {
            // Started by an earlier execution: report it as the store has it.
            var existing = (await ListAsync(cancellationToken).ConfigureAwait(false)).FirstOrDefault(c => c.Index == index);
            return existing ?? new ChildRun(index, creation.RunId, version, creation.Status, attempt, null);
        }

        EngineTelemetry.RunsStarted.Add(1);
        engine.Events.PublishRun(creation.RunId, RunStatus.Pending, null, now);
        await engine.Dispatcher.DispatchAsync(creation.Messages, cancellationToken).ConfigureAwait(false);
        return new ChildRun(index, creation.RunId, version, RunStatus.Pending, attempt, null);
    }

    public async Task RestartAsync(ChildRun child, CancellationToken cancellationToken)
    {
        ExecutionPlan plan;
        var run = await engine.Queries.GetRunAsync(child.RunId, null, cancellationToken).ConfigureAwait(false)
            ?? throw new ChildRunException($"Child run {child.RunId} of item {child.Index} no longer exists.");
        try
        {
            plan = await engine.Plans.GetPlanAsync(run.FlowId, run.FlowVersion, null, cancellationToken).ConfigureAwait(false);
        }
        catch (FlowInvalidException ex)
        {
            throw new ChildRunException($"Child run {child.RunId} of item {child.Index} cannot run again: {ex.Message}", ex);
        }

        var now = engine.Time.GetUtcNow();
        var result = await engine.Children.RestartChildRunAsync(child.RunId, attempt, plan, now, cancellationToken).ConfigureAwait(false);
        if (result is null || result.Outcome != ReopenOutcome.Reopened)
        {
            throw new ChildRunException($"Child run {child.RunId} of item {child.Index} cannot run again ({result?.Outcome.ToString() ?? "not found"}).");
        }

        engine.Events.PublishRun(child.RunId, result.Status, null, now);
        await engine.Dispatcher.DispatchAsync(result.Messages, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<JsonNode?>> ReadOutputsAsync(CancellationToken cancellationToken)
    {
        var records = await engine.Children.ListChildRunsAsync(runId, nodeId, true, cancellationToken).ConfigureAwait(false);
        var outputs = new List<JsonNode?>(records.Count);
        foreach (var record in records)
        {
            if (record.OutputBlob is { } blob)
            {
                var bytes = await engine.Blobs.ReadAsync(blob, cancellationToken).ConfigureAwait(false)
                    ?? throw new BlobMissingException($"The output of child run {record.RunId} (item {record.ItemIndex}) is missing from the blob store.");
                outputs.Add(JsonNode.Parse(bytes, documentOptions: JsonPolicy.DocumentOptions));
            }
            else
            {
                outputs.Add(record.OutputJson is null ? null : JsonPolicy.ParseStored(record.OutputJson));
            }
        }

        return outputs;
    }

    private async ValueTask<RunView> ParentAsync(CancellationToken cancellationToken) =>
        _parent ??= await engine.Queries.GetRunAsync(runId, null, cancellationToken).ConfigureAwait(false)
            ?? throw new ChildRunException($"Run {runId} no longer exists.");
}

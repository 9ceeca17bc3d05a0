using System.Globalization;
using System.Text.Json.Nodes;
using FlowForge.Engine.Graphs;
using FlowForge.Engine.Nodes;
using FlowForge.Engine.Runs;
using Microsoft.Extensions.Options;

namespace FlowForge.Nodes.Flows;

[NodeType(TypeId, "For Each", Icon = "repeat", Category = NodeCategory.Logic,
    Description = "Runs another flow (the body) once per item of an array, each item a child run of its own with input { item, index }, at most 'concurrency' at a time; outputs the child runs' outputs in item order. Fails naming the first item whose run failed; a retry re-runs only the items that failed.")]
public sealed class ForEachNode(IOptions<FlowLimits> limits) : Node<ForEachNode.Settings>
{
    public const string TypeId = "core.forEach";

    public const int DefaultConcurrency = 10;

    /// <param name="Items">Usually one {{ expression }} that gives an array.</param>
    /// <param name="FlowId">The flow run for each item: a flow of the same owner.</param>
    /// <param name="Version">The body's version; by default its newest when the node first runs, kept for every item and retry.</param>
    /// <param name="Concurrency">The most child runs open at once.</param>
    public sealed record Settings(JsonNode? Items, Guid FlowId, int? Version = null, int Concurrency = DefaultConcurrency);

    protected override async Task<NodeResult> ExecuteAsync(Settings settings, NodeContext context, CancellationToken cancellationToken)
    {
        if (context.Children is not { } children)
        {
            return NodeResult.Fail("Sub-flows cannot run here: the engine offers no child runs to this node.");
        }

        if (settings.Items is not JsonArray items)
        {
            return NodeResult.Fail($"items must resolve to an array, but it is {Describe(settings.Items)}; check the expression in 'items'.");
        }

        var max = limits.Value.MaxForEachItems;
        if (items.Count > max)
        {
            return NodeResult.Fail(string.Create(CultureInfo.InvariantCulture,
                $"items has {items.Count} entries, over the limit of {max} ({FlowLimits.Section}:{nameof(FlowLimits.MaxForEachItems)}); split the list or raise the limit."));
        }

        if (items.Count == 0)
        {
            return NodeResult.Success(new JsonArray());
        }

        var concurrency = Math.Clamp(settings.Concurrency, 1, limits.Value.MaxForEachConcurrency);
        try
        {
            var version = await children.ResolveVersionAsync(settings.FlowId, settings.Version, cancellationToken).ConfigureAwait(false);
            var started = await children.ListAsync(cancellationToken).ConfigureAwait(false);
            var byIndex = new Dictionary<int, ChildRun>(started.Count);
            var open = 0;
            ChildRun? firstFailed = null;
            foreach (var child in started)
            {
                byIndex[child.Index] = child;
                if (!child.Status.IsFinal())
                {
                    open++;
                }
                else if (child.Status != RunStatus.Succeeded && child.StartedByAttempt >= children.Attempt && firstFailed is null)
                {
                    firstFailed = child;
                }
            }

            // After a failure no more items start: the node fails once the open ones have ended.
            for (var i = 0; firstFailed is null && open < concurrency && i < items.Count; i++)
            {
                if (!byIndex.TryGetValue(i, out var child))
                {
                    var input = new JsonObject { ["item"] = items[i]?.DeepClone(), ["index"] = i };
                    await children.StartAsync(i, settings.FlowId, version, input, cancellationToken).ConfigureAwait(false);
                    open++;
                }
                else if (child.Status is RunStatus.Failed or RunStatus.Cancelled && child.StartedByAttempt < children.Attempt)
                {
                    // Failed in an earlier attempt of this node: this attempt runs it again.
                    await children.RestartAsync(child, cancellationToken).ConfigureAwait(false);
                    open++;
                }
            }

            if (open > 0)
            {
                return NodeResult.WaitForChildren(open);
            }

            if (firstFailed is not null)
            {
                return NodeResult.Fail(string.Create(CultureInfo.InvariantCulture,
                    $"Item {firstFailed.Index} failed in child run {firstFailed.RunId} ({firstFailed.Status}): {firstFailed.Error ?? "no error recorded"}"), retryable: true);
            }

            var outputs = await children.ReadOutputsAsync(cancellationToken).ConfigureAwait(false);
            return NodeResult.Success(new JsonArray([.. outputs]));
        }
        catch (ChildRunException ex)
        {
            return NodeResult.Fail(ex.Message);
        }
    }

    protected override IEnumerable<ConfigProblem> ValidateSettings(Settings settings)
    {
        if (settings.FlowId == Guid.Empty)
        {
            yield return new ConfigProblem("$.flowId", "flowId must name one of your flows, not the all-zero id");
        }

        if (settings.Version is < 1)
        {
            yield return new ConfigProblem("$.version", $"version must be 1 or more, but it is {settings.Version}");
        }

        var max = limits.Value.MaxForEachConcurrency;
        if (settings.Concurrency < 1 || settings.Concurrency > max)
        {
            yield return new ConfigProblem("$.concurrency", $"concurrency must be between 1 and {max} ({FlowLimits.Section}:{nameof(FlowLimits.MaxForEachConcurrency)}), but it is {settings.Concurrency}");
        }
    }

    protected override void RefineSchema(JsonObject schema)
    {
        if (schema["properties"] is not JsonObject properties)
        {
            return;
        }

        properties["items"] = new JsonObject
        {
            ["title"] = "Items",
            ["description"] = "An array, usually one {{ expression }} such as {{ input.orders }}. Each item runs the flow once with input { \"item\": …, \"index\": … }.",
            [ConfigSchemaAnnotations.ExpressionKeyword] = true,
        };
        if (properties["flowId"] is JsonObject flowId)
        {
            flowId["type"] = "string";
            flowId["format"] = "uuid";
            flowId["description"] = "The flow to run for each item (the body): one of your flows. Its run's output is the output of its last node that succeeded.";
        }

        if (properties["version"] is JsonObject version)
        {
            version["minimum"] = 1;
            version["description"] = "The body's version to run; by default its newest when this node first runs, kept for every item and every retry.";
        }

        if (properties["concurrency"] is JsonObject concurrency)
        {
            concurrency["minimum"] = 1;
            concurrency["maximum"] = limits.Value.MaxForEachConcurrency;
            concurrency["default"] = DefaultConcurrency;
            concurrency["description"] = "The most items running at once.";
        }

        if (schema["required"] is not JsonArray)
        {
            schema["required"] = new JsonArray("items", "flowId");
        }
    }

    private static string Describe(JsonNode? value) => value is null ? "null" : value.GetValueKind().ToString().ToLowerInvariant();
}

using FlowForge.Engine.Graphs;
using FlowForge.Engine.Nodes;

namespace FlowForge.Engine.Runs;

/// <summary>
/// Picks the trigger a run starts at: the one it names; else the flow's only trigger; else its only manual
/// trigger (<see cref="NodeDescriptor.ManualStart"/>). Anything else must be named.
/// </summary>
public static class TriggerChoice
{
    /// <summary>The id of the starting trigger; throws <see cref="TriggerChoiceException"/> when there is none to pick.</summary>
    public static string Resolve(ExecutionPlan plan, string? requested, INodeTypeRegistry registry)
    {
        var triggers = plan.Triggers;
        if (requested is not null)
        {
            if (!plan.TryGetNode(requested, out var named))
            {
                throw new TriggerChoiceException($"'{TriggerChoiceException.Field}' names node '{Shorten(requested)}', which is not in the flow; name one of its triggers: {Names(triggers)}.");
            }

            if (!named.IsTrigger)
            {
                throw new TriggerChoiceException($"'{TriggerChoiceException.Field}' names node '{named.Id}', which is not a trigger; name one of: {Names(triggers)}.");
            }

            return named.Id;
        }

        if (triggers.Count == 1)
        {
            return triggers[0].Id;
        }

        var manual = triggers.Where(t => registry.TryGet(t.Type, out var type) && type.Descriptor.ManualStart).ToList();
        if (manual.Count == 1)
        {
            return manual[0].Id;
        }

        var which = manual.Count == 0 ? "none of them is a manual trigger" : $"{manual.Count} of them are manual triggers ({Names(manual)})";
        throw new TriggerChoiceException(
            $"The flow has {triggers.Count} triggers and {which}; say which to start at with '{TriggerChoiceException.Field}', one of: {Names(triggers)}.");
    }

    private static string Names(IEnumerable<PlanNode> nodes) => string.Join(", ", nodes.Select(n => $"'{n.Id}'"));

    private static string Shorten(string text) => text.Length <= 40 ? text : string.Concat(text.AsSpan(0, 40), "…");
}

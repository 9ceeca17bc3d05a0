using FlowForge.Engine.Graphs;
using FlowForge.Nodes.Triggers;

namespace FlowForge.Server.Triggers;

/// <summary>The webhook and schedule triggers of a flow document.</summary>
internal static class TriggerNodes
{
    public static IEnumerable<FlowNode> Webhooks(FlowDocument document) => document.Nodes.Where(n => n.Type == WebhookType);

    public static IEnumerable<FlowNode> Schedules(FlowDocument document) => document.Nodes.Where(n => n.Type == ScheduleType);

    public static string WebhookType { get; } = typeof(WebhookTriggerNode).GetNodeTypeId();

    public static string ScheduleType { get; } = typeof(ScheduleTriggerNode).GetNodeTypeId();

    private static string GetNodeTypeId(this Type type) =>
        ((Engine.Nodes.NodeTypeAttribute)Attribute.GetCustomAttribute(type, typeof(Engine.Nodes.NodeTypeAttribute))!).Id;
}

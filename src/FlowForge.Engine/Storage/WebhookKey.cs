namespace FlowForge.Engine.Storage;

/// <summary>The key in a webhook node's URL. Printed without the key, so logging the record leaks nothing.</summary>
public sealed record WebhookKey(Guid FlowId, string NodeId, string Key)
{
    public override string ToString() => $"WebhookKey {{ FlowId = {FlowId}, NodeId = {NodeId} }}";
}

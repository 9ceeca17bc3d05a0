namespace FlowForge.Engine.Storage;

/// <summary>A freshly generated key for a webhook node, with the hash it is looked up by.</summary>
public sealed record NewWebhookKey(string NodeId, string Key, string KeyHash)
{
    public override string ToString() => $"NewWebhookKey {{ NodeId = {NodeId} }}";
}

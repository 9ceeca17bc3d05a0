namespace FlowForge.Engine.Storage;

/// <summary>What a webhook key names: a trigger node of an active flow and the flow's owner.</summary>
public sealed record WebhookTarget(Guid FlowId, Guid OwnerId, string NodeId);

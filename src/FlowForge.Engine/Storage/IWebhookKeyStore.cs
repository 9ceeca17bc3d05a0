namespace FlowForge.Engine.Storage;

/// <summary>
/// The secret keys of webhook trigger nodes, one per flow and node, stable across versions and activations.
/// Keys are found by their hash, so a lookup compares no secret text.
/// </summary>
public interface IWebhookKeyStore
{
    /// <summary>Stores the candidates of nodes that have no key yet (others keep theirs) and returns every key of the flow.</summary>
    Task<IReadOnlyList<WebhookKey>> EnsureWebhookKeysAsync(Guid flowId, IReadOnlyList<NewWebhookKey> candidates, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Every key of the flow.</summary>
    Task<IReadOnlyList<WebhookKey>> ListWebhookKeysAsync(Guid flowId, CancellationToken cancellationToken);

    /// <summary>The node a key belongs to, when its flow exists and is active; null otherwise.</summary>
    Task<WebhookTarget?> FindWebhookAsync(string keyHash, CancellationToken cancellationToken);
}

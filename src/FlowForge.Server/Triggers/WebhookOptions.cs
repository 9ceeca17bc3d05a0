namespace FlowForge.Server.Triggers;

/// <summary>Limits on webhook calls (<c>/hooks/{key}</c>), bound to section <c>Webhooks</c>.</summary>
public sealed class WebhookOptions
{
    public const string Section = "Webhooks";

    /// <summary>Largest request body a webhook accepts; larger ones get 413.</summary>
    public int MaxBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Sustained webhook calls per second per flow; excess calls get 429 with Retry-After.</summary>
    public double PermitsPerSecond { get; set; } = 20;

    /// <summary>Webhook calls a flow may take at once after being idle.</summary>
    public int Burst { get; set; } = 40;

    /// <summary>
    /// The scheme, host and path prefix of webhook URLs as callers reach them (for example behind a gateway:
    /// <c>https://flows.example.com</c>); empty uses the address of the request that asked.
    /// </summary>
    public string? PublicBaseUrl { get; set; }
}

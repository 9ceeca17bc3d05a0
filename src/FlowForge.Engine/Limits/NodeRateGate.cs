using System.Globalization;
using System.Text.Json.Nodes;
using FlowForge.Engine.Credentials;
using FlowForge.Engine.Expressions;
using FlowForge.Engine.Nodes;
using Microsoft.Extensions.Options;

namespace FlowForge.Engine.Limits;

/// <summary>
/// Books calls in the bucket <c>provider:&lt;id&gt;</c> (<c>RateLimits:Providers:&lt;id&gt;</c>: one budget for the whole
/// deployment) and <c>connection:&lt;id&gt;</c> (the connection's own limit, else — unless the deployment configured the
/// provider, which then replaces the built-in figure — the provider's built-in default, which describes what one account
/// or workspace may send; read from <see cref="IConnectionStore"/> with the run's owner; skipped when no store is registered). The later of the two
/// slots is the node's. Buckets live in <see cref="IRateLimiter"/>: shared by every worker when it is Redis.
/// </summary>
public sealed class NodeRateGate(
    IRateLimiter limiter,
    IProviderRateLimits defaults,
    IOptionsMonitor<ConnectionRateLimitOptions> options,
    TimeProvider time,
    IConnectionStore? connections = null) : INodeRateGate
{
    private const string ConnectionIdField = "connectionId";

    public async ValueTask<NodeRateSlot> ReserveAsync(NodeDescriptor type, NodeContext context, Guid ownerId, CancellationToken cancellationToken)
    {
        if (type.Provider is not { Length: > 0 } provider || ConnectionIdOf(context) is not { } connectionId)
        {
            return NodeRateSlot.Now;
        }

        var settings = options.CurrentValue;
        var wait = TimeSpan.Zero;
        if (ProviderPolicy(provider, settings) is { } providerPolicy)
        {
            var booked = await limiter.ReserveAsync("provider:" + provider.ToLowerInvariant(), providerPolicy, 1, settings.MaxDeferral, cancellationToken).ConfigureAwait(false);
            if (!booked.Reserved)
            {
                return Refused($"provider '{provider}'", providerPolicy, booked.Wait, settings);
            }

            wait = booked.Wait;
        }

        if (connections is not null && Guid.TryParse(connectionId, out var id)
            && await connections.GetConnectionAsync(ownerId, id, cancellationToken).ConfigureAwait(false) is { } connection
            && (connection.RateLimit ?? (settings.Providers.ContainsKey(provider) ? null : defaults.DefaultFor(provider))) is { } policy
            && IsUsable(policy))
        {
            var booked = await limiter.ReserveAsync("connection:" + id.ToString("D"), policy, 1, settings.MaxDeferral, cancellationToken).ConfigureAwait(false);
            if (!booked.Reserved)
            {
                return Refused($"connection '{connection.Name}'", policy, booked.Wait, settings);
            }

            wait = wait > booked.Wait ? wait : booked.Wait;
        }

        return wait > TimeSpan.Zero ? new NodeRateSlot(time.GetUtcNow() + wait, null) : NodeRateSlot.Now;
    }

    public DateTimeOffset? DeferAfterRefusal(ProviderRateLimitedException refusal, int refusalsSoFar)
    {
        var settings = options.CurrentValue;
        if (refusalsSoFar >= settings.MaxProviderDeferrals || refusal.RetryAfter > settings.MaxDeferral)
        {
            return null;
        }

        var wait = refusal.RetryAfter > TimeSpan.Zero ? refusal.RetryAfter : settings.DefaultProviderRetryAfter;
        return time.GetUtcNow() + wait;
    }

    private static RateLimitPolicy? ProviderPolicy(string provider, ConnectionRateLimitOptions settings) =>
        settings.Providers.TryGetValue(provider, out var configured) ? configured.ToPolicy() : null;

    // A limit that never refills would defer forever; the connection API refuses one, so this only guards old data.
    private static bool IsUsable(RateLimitPolicy policy) =>
        policy.Capacity >= 1 && double.IsFinite(policy.TokensPerSecond) && policy.TokensPerSecond > 0;

    private static NodeRateSlot Refused(string budget, RateLimitPolicy policy, TimeSpan bookedAhead, ConnectionRateLimitOptions settings) =>
        new(null, string.Create(CultureInfo.InvariantCulture,
            $"The rate limit of {budget} ({policy.TokensPerSecond:0.###} calls per second, {policy.Capacity} at once) is booked {bookedAhead.TotalSeconds:0} s ahead, more than {ConnectionRateLimitOptions.Section}:{nameof(ConnectionRateLimitOptions.MaxDeferral)} ({settings.MaxDeferral.TotalSeconds:0} s) allows a node to wait. Send fewer calls through it at once, or raise the limit."));

    /// <summary>The connection the node's config names, resolved as the node itself will resolve it; null when it names none.</summary>
    private static string? ConnectionIdOf(NodeContext context)
    {
        if (context.Config is not JsonObject config || !config.TryGetPropertyValue(ConnectionIdField, out var value) || value is null)
        {
            return null;
        }

        JsonNode? resolved = value;
        if (value is not JsonValue literal || !literal.TryGetValue<string>(out var text) || text.Contains("{{", StringComparison.Ordinal))
        {
            try
            {
                resolved = ExpressionResolver.ResolveTemplates(value, ExpressionScope.From(context), "config." + ConnectionIdField);
            }
            catch (ExpressionException)
            {
                // The node fails on the same expression when it resolves its config; there is nothing to book for it.
                return null;
            }
        }

        return resolved is JsonValue id && id.TryGetValue<string>(out var connectionId) && !string.IsNullOrWhiteSpace(connectionId)
            ? connectionId.Trim()
            : null;
    }
}

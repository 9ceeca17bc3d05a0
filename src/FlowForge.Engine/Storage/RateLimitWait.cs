namespace FlowForge.Engine.Storage;

/// <summary>
/// Why a node waits on a rate limit rather than on its own request, so that waking it neither counts an attempt nor
/// books a second slot. <paramref name="HoldsSlot"/>: the node's slot is booked in its provider's and connection's
/// buckets (the engine deferred it before it ran); it runs at the slot without booking again. Otherwise the provider
/// answered 429 and the node books a slot afresh when it wakes. <paramref name="ProviderRefusals"/> counts the 429s the
/// node has met in a row, bounded by <c>RateLimits:MaxProviderDeferrals</c>.
/// </summary>
public sealed record RateLimitWait(bool HoldsSlot, int ProviderRefusals);

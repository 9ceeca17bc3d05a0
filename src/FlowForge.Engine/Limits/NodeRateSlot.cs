namespace FlowForge.Engine.Limits;

/// <summary>
/// When a node execution may call its provider: now (both null), at <see cref="DeferUntil"/> (its booked slot), or
/// never under the current budgets (<see cref="Refusal"/> says which budget is booked too far ahead).
/// </summary>
public readonly record struct NodeRateSlot(DateTimeOffset? DeferUntil, string? Refusal)
{
    public static NodeRateSlot Now => default;

    public bool IsNow => DeferUntil is null && Refusal is null;
}

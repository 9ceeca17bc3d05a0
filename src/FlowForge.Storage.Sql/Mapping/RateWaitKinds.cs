using System.Globalization;
using FlowForge.Engine.Storage;

namespace FlowForge.Storage.Sql.Mapping;

/// <summary>
/// The NodeInstances.WaitKind of a rate-limit deferral: <c>slot:N</c> when the node holds a booked slot, <c>429:N</c>
/// when the provider refused it; N counts the provider's 429s in a row. Short enough for MySQL's VARCHAR(16).
/// </summary>
internal static class RateWaitKinds
{
    private const string Slot = "slot:";

    private const string Refused = "429:";

    public static string Encode(RateLimitWait wait) =>
        (wait.HoldsSlot ? Slot : Refused) + Math.Clamp(wait.ProviderRefusals, 0, 999_999).ToString(CultureInfo.InvariantCulture);

    public static RateLimitWait? Decode(string? waitKind)
    {
        if (waitKind is null)
        {
            return null;
        }

        var holdsSlot = waitKind.StartsWith(Slot, StringComparison.Ordinal);
        if (!holdsSlot && !waitKind.StartsWith(Refused, StringComparison.Ordinal))
        {
            return null;
        }

        return int.TryParse(waitKind.AsSpan(holdsSlot ? Slot.Length : Refused.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var refusals)
            ? new RateLimitWait(holdsSlot, refusals)
            : null;
    }
}

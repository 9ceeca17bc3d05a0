namespace FlowForge.Storage.Sql;

/// <summary>
/// The name and JSON of the flow versions read lately, by flow id and version, in a few slots: flow reads (the API's, and a
/// run's start whenever the plan cache holds no head for the flow: every start with <c>PlanCache:FlowHeadMaxAge</c> 0)
/// repeat the same versions, and a version's row never changes once written, so the text read before is the text the row
/// holds. A read still
/// checks the flow (its owner, that it is not deleted, its current version) in the database; only the version's text is
/// not read again. Fixed in size: <see cref="Slots"/> entries of at most <see cref="MaxChars"/> characters of JSON each.
/// </summary>
internal sealed class FlowTextCache
{
    public const int Slots = 16;

    public const int MaxChars = 64 * 1024;

    private readonly FlowText?[] _slots = new FlowText?[Slots];

    public FlowText? Find(Guid flowId, int version)
    {
        var text = Volatile.Read(ref _slots[SlotOf(flowId, version)]);
        return text is not null && text.FlowId == flowId && text.Version == version ? text : null;
    }

    public void Keep(FlowText text)
    {
        if (text.Json.Length <= MaxChars)
        {
            Volatile.Write(ref _slots[SlotOf(text.FlowId, text.Version)], text);
        }
    }

    private static int SlotOf(Guid flowId, int version) => (HashCode.Combine(flowId, version) & int.MaxValue) % Slots;
}

/// <summary>A flow version's name and JSON, as <see cref="FlowTextCache"/> keeps them.</summary>
internal sealed record FlowText(Guid FlowId, int Version, string Name, string Json);

namespace FlowForge.Engine.Storage;

/// <summary>A page of a newest-first listing. <see cref="Cursor"/> is opaque to clients (from a previous page's <c>nextCursor</c>).</summary>
public sealed record PageRequest(int Limit, string? Cursor)
{
    public const int MaxLimit = 200;
}

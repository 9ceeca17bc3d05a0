namespace FlowForge.Bench;

/// <summary>Counts a phase's errors (thread-safe) and keeps the first one's text.</summary>
public sealed class PhaseErrors
{
    private long _count;
    private string? _first;

    public long Count => Interlocked.Read(ref _count);

    public string? First => _first;

    /// <summary>Records an error; returns false so a caller can answer "not as expected" in one expression.</summary>
    public bool Add(string error)
    {
        Interlocked.CompareExchange(ref _first, error, null);
        Interlocked.Increment(ref _count);
        return false;
    }
}

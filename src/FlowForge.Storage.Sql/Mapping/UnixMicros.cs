namespace FlowForge.Storage.Sql.Mapping;

/// <summary>Times are stored as INTEGER microseconds since the Unix epoch (UTC); finer ticks are truncated.</summary>
internal static class UnixMicros
{
    public static long From(DateTimeOffset time) => (time.UtcTicks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerMicrosecond;

    public static long? From(DateTimeOffset? time) => time is { } t ? From(t) : null;

    public static DateTimeOffset ToTime(long micros) => new(DateTime.UnixEpoch.Ticks + (micros * TimeSpan.TicksPerMicrosecond), TimeSpan.Zero);
}

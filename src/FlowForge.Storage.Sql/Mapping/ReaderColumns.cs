using System.Data.Common;

namespace FlowForge.Storage.Sql.Mapping;

internal static class ReaderColumns
{
    public static string? GetNullableString(this DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    public static long? GetNullableInt64(this DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetInt64(ordinal);

    public static DateTimeOffset GetTime(this DbDataReader reader, int ordinal) =>
        UnixMicros.ToTime(reader.GetInt64(ordinal));

    public static DateTimeOffset? GetNullableTime(this DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : UnixMicros.ToTime(reader.GetInt64(ordinal));
}

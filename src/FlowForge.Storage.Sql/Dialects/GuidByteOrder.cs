namespace FlowForge.Storage.Sql.Dialects;

/// <summary>Guids compared byte by byte in the layout a database stores them, as the database's own comparison does.</summary>
internal sealed class GuidByteOrder : IComparer<Guid>
{
    /// <summary>
    /// The RFC 4122 byte order: PostgreSQL's uuid, BINARY(16) written with MySqlConnector's Binary16 format, and
    /// the ordinal order of the canonical hexadecimal text.
    /// </summary>
    public static readonly GuidByteOrder BigEndian = new();

    private GuidByteOrder()
    {
    }

    public int Compare(Guid x, Guid y)
    {
        Span<byte> left = stackalloc byte[16];
        Span<byte> right = stackalloc byte[16];
        x.TryWriteBytes(left, bigEndian: true, out _);
        y.TryWriteBytes(right, bigEndian: true, out _);
        return left.SequenceCompareTo(right);
    }
}

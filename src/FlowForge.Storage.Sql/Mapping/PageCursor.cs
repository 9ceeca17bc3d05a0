using System.Buffers.Binary;
using System.Buffers.Text;
using FlowForge.Engine.Storage;

namespace FlowForge.Storage.Sql.Mapping;

/// <summary>
/// The opaque cursor of a newest-first listing: the (CreatedAt, Id) of the last item of the previous
/// page, so that the next page starts strictly after it however many rows arrive in the meantime.
/// A leading kind byte keeps a cursor of one listing from being accepted by another.
/// </summary>
internal static class PageCursor
{
    public const byte Flows = (byte)'F';
    public const byte Runs = (byte)'R';
    public const byte RunsByStatus = (byte)'S';
    public const byte ChildRuns = (byte)'C';
    public const byte Notifications = (byte)'N';

    private const int Length = 1 + sizeof(long) + 16;

    /// <summary>Bounds that no stored row reaches: the first page.</summary>
    public static readonly (long CreatedAt, Guid Id) Start = (long.MaxValue, Guid.AllBitsSet);

    public static string Encode(byte kind, long createdAt, Guid id)
    {
        Span<byte> bytes = stackalloc byte[Length];
        bytes[0] = kind;
        BinaryPrimitives.WriteInt64BigEndian(bytes[1..], createdAt);
        id.TryWriteBytes(bytes[9..]);
        return Base64Url.EncodeToString(bytes);
    }

    public static (long CreatedAt, Guid Id) Decode(byte kind, string? cursor)
    {
        if (string.IsNullOrEmpty(cursor))
        {
            return Start;
        }

        Span<byte> bytes = stackalloc byte[Length + 2];
        if (cursor.Length > 64 || !TryDecode(cursor, bytes, out var written) || written != Length || bytes[0] != kind)
        {
            throw new InvalidCursorException("The cursor is not one this listing issued; request the first page again without 'cursor'.");
        }

        return (BinaryPrimitives.ReadInt64BigEndian(bytes[1..]), new Guid(bytes.Slice(9, 16)));
    }

    private static bool TryDecode(string cursor, Span<byte> bytes, out int written)
    {
        try
        {
            return Base64Url.TryDecodeFromChars(cursor, bytes, out written);
        }
        catch (FormatException)
        {
            // TryDecodeFromChars reports characters outside the alphabet by throwing, not by returning false.
            written = 0;
            return false;
        }
    }

    public static int ClampLimit(int limit) => Math.Clamp(limit, 1, PageRequest.MaxLimit);
}

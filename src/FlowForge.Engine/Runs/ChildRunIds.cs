using System.Security.Cryptography;
using System.Text;

namespace FlowForge.Engine.Runs;

/// <summary>
/// The id of a child run follows from its parent run, node and item index, so that every execution of the node names the
/// same run. <c>salt</c> gives further candidates: a sharded store takes the first that lands on the parent's shard.
/// </summary>
public static class ChildRunIds
{
    public static Guid For(Guid parentRunId, string parentNodeId, int itemIndex, int salt = 0)
    {
        var text = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{parentRunId:N}/{parentNodeId}/{itemIndex}/{salt}");
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(text), hash);
        var bytes = hash[..16];
        // RFC 9562 version 8 (custom) and the RFC 4122 variant, so the id reads as an ordinary UUID.
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }
}

using System.Net.Http;

namespace FlowForge.Nodes.Http;

/// <summary>What every node that calls out over HTTP reads from an answer: its body within a cap, its <c>Retry-After</c>.</summary>
internal static class HttpResponseReader
{
    /// <summary>
    /// Reads at most <paramref name="cap"/> bytes as they arrive; <c>Complete</c> is false when the body is longer
    /// (then the bytes are its first <paramref name="cap"/>, and the rest is not read). A declared length over the cap is
    /// refused before reading.
    /// </summary>
    public static async Task<(byte[] Bytes, bool Complete)> ReadCappedAsync(HttpContent content, long cap, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength > cap)
        {
            return ([], false);
        }

        var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            using var buffer = new MemoryStream();
            var chunk = new byte[16 * 1024];
            while (true)
            {
                var room = (int)Math.Min(chunk.Length, cap + 1 - buffer.Length);
                var read = await stream.ReadAsync(chunk.AsMemory(0, room), cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    return (buffer.ToArray(), true);
                }

                buffer.Write(chunk, 0, read);
                if (buffer.Length > cap)
                {
                    return ([.. buffer.GetBuffer().AsSpan(0, (int)cap)], false);
                }
            }
        }
    }

    /// <summary>The server's <c>Retry-After</c> as a wait from <paramref name="now"/> (seconds or a date), or null.</summary>
    public static TimeSpan? RetryAfter(HttpResponseMessage response, DateTimeOffset now) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta < TimeSpan.Zero ? TimeSpan.Zero : delta,
        { Date: { } date } => date > now ? date - now : TimeSpan.Zero,
        _ => null,
    };

    /// <summary>The SSRF guard's refusal somewhere in <paramref name="ex"/>'s chain, or null.</summary>
    public static DestinationRefusedException? Refusal(Exception? ex)
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            if (ex is DestinationRefusedException refused)
            {
                return refused;
            }
        }

        return null;
    }

    /// <summary>The root cause of a transport fault, whose message says what went wrong (refused, reset, name not found).</summary>
    public static Exception Innermost(Exception ex)
    {
        while (ex.InnerException is { } inner)
        {
            ex = inner;
        }

        return ex;
    }
}

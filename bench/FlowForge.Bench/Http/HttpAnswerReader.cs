using System.Buffers.Text;
using System.Text;

namespace FlowForge.Bench.Http;

/// <summary>
/// Reads HTTP/1.1 answers one after another from a keep-alive connection, strictly: the status line, the headers
/// (Content-Length, <c>Transfer-Encoding: chunked</c>, <c>Connection: close</c>) and the whole body, so the
/// connection is ready for the next request. Anything else — a malformed line, a bare line feed, an answer that ends
/// early, a header or body over its bound — is an <see cref="HttpAnswerException"/> that shows the answer's first bytes;
/// the connection is not usable after one.
/// </summary>
public sealed class HttpAnswerReader
{
    /// <summary>Status line and headers of one answer: FlowForge's answers to a start carry a handful of short headers.</summary>
    public const int MaxHeaderBytes = 16 * 1024;

    /// <summary>A body: a finished run of the largest scenario (blob-100k, a 100 KB input) is far below it.</summary>
    public const int MaxBodyBytes = 4 * 1024 * 1024;

    /// <summary>How many of an answer's first bytes an error shows.</summary>
    public const int HeadBytes = 160;

    private static readonly byte[] HeaderEnd = "\r\n\r\n"u8.ToArray();

    private readonly Stream _stream;
    private readonly byte[] _buffer = new byte[MaxHeaderBytes];
    private readonly byte[] _head = new byte[HeadBytes];
    private byte[] _body = new byte[4096];
    private int _start;
    private int _end;
    private int _headLength;

    public HttpAnswerReader(Stream stream) => _stream = stream;

    /// <summary>Reads the next answer whole. Throws <see cref="HttpAnswerException"/> for a malformed or truncated one.</summary>
    public async ValueTask<HttpAnswer> ReadAsync(CancellationToken cancellationToken = default)
    {
        _headLength = 0;
        int headerLength;
        while ((headerLength = _buffer.AsSpan(_start, _end - _start).IndexOf(HeaderEnd)) < 0)
        {
            CheckNoBareLineFeed(_buffer.AsSpan(_start, _end - _start));
            if (_start == 0 && _end == _buffer.Length)
            {
                throw Malformed($"status line and headers over {MaxHeaderBytes} bytes");
            }

            if (!await FillAsync(cancellationToken))
            {
                throw Malformed(_end == _start ? "the connection was closed before an answer" : "the connection was closed in the headers");
            }
        }

        var header = _buffer.AsSpan(_start, headerLength + 2);
        CheckNoBareLineFeed(header);
        _headLength = Math.Min(HeadBytes, header.Length);
        header[.._headLength].CopyTo(_head);
        var (status, close, contentLength, chunked) = ParseHeader(header);
        _start += headerLength + HeaderEnd.Length;

        int bodyLength;
        if (chunked)
        {
            bodyLength = await ReadChunkedAsync(cancellationToken);
        }
        else if (contentLength is { } length)
        {
            if (length > MaxBodyBytes)
            {
                throw Malformed($"a body of {length} bytes, over the bound of {MaxBodyBytes}");
            }

            await CopyBodyAsync(0, (int)length, cancellationToken);
            bodyLength = (int)length;
        }
        else if (status is 204 or 304)
        {
            bodyLength = 0;
        }
        else
        {
            // Neither length nor chunks: the body runs to the end of the connection.
            bodyLength = await ReadToEndAsync(cancellationToken);
            close = true;
        }

        return new HttpAnswer(status, close, _body.AsMemory(0, bodyLength));
    }

    /// <summary>The current answer's first bytes as text, control characters escaped (for an error message).</summary>
    public string Head()
    {
        var bytes = _headLength > 0 ? _head.AsSpan(0, _headLength) : _buffer.AsSpan(_start, Math.Min(HeadBytes, _end - _start));
        return Printable(bytes);
    }

    /// <summary>Bytes as text for a message: printable ASCII as it is, CR and LF as <c>\r</c> and <c>\n</c>, other bytes as <c>\xNN</c>.</summary>
    public static string Printable(ReadOnlySpan<byte> bytes)
    {
        var text = new StringBuilder(bytes.Length + 8);
        foreach (var b in bytes)
        {
            _ = b switch
            {
                (byte)'\r' => text.Append("\\r"),
                (byte)'\n' => text.Append("\\n"),
                >= 0x20 and < 0x7f => text.Append((char)b),
                _ => text.Append("\\x").Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture)),
            };
        }

        return text.ToString();
    }

    private (int Status, bool Close, long? ContentLength, bool Chunked) ParseHeader(ReadOnlySpan<byte> header)
    {
        var lineEnd = header.IndexOf("\r\n"u8);
        var statusLine = header[..lineEnd];
        // HTTP-version SP 3DIGIT SP [reason-phrase]
        var http11 = statusLine.StartsWith("HTTP/1.1 "u8);
        if (!(http11 || statusLine.StartsWith("HTTP/1.0 "u8))
            || statusLine.Length < 12
            || !IsDigit(statusLine[9]) || !IsDigit(statusLine[10]) || !IsDigit(statusLine[11])
            || (statusLine.Length > 12 && statusLine[12] != (byte)' '))
        {
            throw Malformed("a malformed status line");
        }

        var status = ((statusLine[9] - '0') * 100) + ((statusLine[10] - '0') * 10) + (statusLine[11] - '0');
        if (status < 200)
        {
            throw Malformed($"an interim answer {status}, never asked for");
        }

        var close = !http11;
        long? contentLength = null;
        var chunked = false;
        var rest = header[(lineEnd + 2)..];
        while (!rest.IsEmpty)
        {
            var end = rest.IndexOf("\r\n"u8);
            var line = rest[..end];
            rest = rest[(end + 2)..];
            var colon = line.IndexOf((byte)':');
            if (colon <= 0 || line[..colon].IndexOfAny((byte)' ', (byte)'\t') >= 0)
            {
                throw Malformed("a malformed header line");
            }

            var name = line[..colon];
            var value = line[(colon + 1)..].Trim(" \t"u8);
            if (Ascii.EqualsIgnoreCase(name, "Content-Length"u8))
            {
                if (value.IsEmpty || value.Length > 10 || value.IndexOfAnyExceptInRange((byte)'0', (byte)'9') >= 0
                    || !Utf8Parser.TryParse(value, out long length, out _)
                    || (contentLength is { } earlier && earlier != length))
                {
                    throw Malformed("a malformed Content-Length");
                }

                contentLength = length;
            }
            else if (Ascii.EqualsIgnoreCase(name, "Transfer-Encoding"u8))
            {
                if (!Ascii.EqualsIgnoreCase(value, "chunked"u8))
                {
                    throw Malformed("a transfer encoding other than chunked");
                }

                chunked = true;
            }
            else if (Ascii.EqualsIgnoreCase(name, "Connection"u8))
            {
                foreach (var token in value.Split((byte)','))
                {
                    var option = value[token].Trim(" \t"u8);
                    close |= Ascii.EqualsIgnoreCase(option, "close"u8);
                    close &= http11 || !Ascii.EqualsIgnoreCase(option, "keep-alive"u8);
                }
            }
        }

        if (chunked && contentLength is not null)
        {
            throw Malformed("both Content-Length and Transfer-Encoding: chunked");
        }

        return (status, close, contentLength, chunked);
    }

    /// <summary>Chunks into the body buffer, then the trailer; returns the body's length.</summary>
    private async ValueTask<int> ReadChunkedAsync(CancellationToken cancellationToken)
    {
        var length = 0;
        while (true)
        {
            var size = ChunkSize(await ReadLineAsync(cancellationToken));
            if (size == 0)
            {
                break;
            }

            if (size > MaxBodyBytes - length)
            {
                throw Malformed($"a chunked body over the bound of {MaxBodyBytes} bytes");
            }

            await CopyBodyAsync(length, size, cancellationToken);
            length += size;
            if (await ReadLineAsync(cancellationToken) != 0)
            {
                throw Malformed("a chunk longer than its size");
            }
        }

        // The trailer: header lines, ignored, up to an empty line.
        for (var lines = 0; await ReadLineAsync(cancellationToken) != 0; lines++)
        {
            if (lines >= 100)
            {
                throw Malformed("a trailer of over 100 lines");
            }
        }

        return length;
    }

    /// <summary>The size of the chunk whose line starts the buffer and is <paramref name="lineLength"/> bytes long, and consumes the line.</summary>
    private int ChunkSize(int lineLength)
    {
        var line = _buffer.AsSpan(_start - lineLength - 2, lineLength);
        var extension = line.IndexOf((byte)';');
        var digits = (extension < 0 ? line : line[..extension]).TrimEnd(" \t"u8);
        if (digits.IsEmpty || digits.Length > 7 || !Utf8Parser.TryParse(digits, out int size, out var consumed, 'x') || consumed != digits.Length)
        {
            throw Malformed("a malformed chunk size");
        }

        return size;
    }

    /// <summary>Consumes one CRLF-ended line from the buffer (reading more as needed) and returns its length without the CRLF; the line stays in the buffer just before <see cref="_start"/>.</summary>
    private async ValueTask<int> ReadLineAsync(CancellationToken cancellationToken)
    {
        int end;
        while ((end = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n"u8)) < 0)
        {
            CheckNoBareLineFeed(_buffer.AsSpan(_start, _end - _start));
            if (_end - _start >= 1024)
            {
                throw Malformed("a chunk line over 1024 bytes");
            }

            if (!await FillAsync(cancellationToken))
            {
                throw Malformed("the connection was closed in a chunked body");
            }
        }

        CheckNoBareLineFeed(_buffer.AsSpan(_start, end));
        _start += end + 2;
        return end;
    }

    /// <summary>Copies <paramref name="count"/> body bytes to the body buffer at <paramref name="offset"/>, reading as needed.</summary>
    private async ValueTask CopyBodyAsync(int offset, int count, CancellationToken cancellationToken)
    {
        EnsureBody(offset + count);
        while (count > 0)
        {
            if (_start == _end && !await FillAsync(cancellationToken))
            {
                throw Malformed($"the connection was closed {count} bytes before the body's end");
            }

            var take = Math.Min(count, _end - _start);
            _buffer.AsSpan(_start, take).CopyTo(_body.AsSpan(offset));
            _start += take;
            offset += take;
            count -= take;
        }
    }

    private async ValueTask<int> ReadToEndAsync(CancellationToken cancellationToken)
    {
        var length = 0;
        do
        {
            var take = _end - _start;
            if (take > MaxBodyBytes - length)
            {
                throw Malformed($"a body over the bound of {MaxBodyBytes} bytes");
            }

            EnsureBody(length + take);
            _buffer.AsSpan(_start, take).CopyTo(_body.AsSpan(length));
            length += take;
            _start = _end;
        }
        while (await FillAsync(cancellationToken));

        return length;
    }

    private void EnsureBody(int length)
    {
        if (length > _body.Length)
        {
            Array.Resize(ref _body, Math.Min(MaxBodyBytes, Math.Max(length, _body.Length * 2)));
        }
    }

    /// <summary>Reads more bytes after those buffered (moving them to the front first); false at the end of the connection.</summary>
    private async ValueTask<bool> FillAsync(CancellationToken cancellationToken)
    {
        if (_start == _end)
        {
            _start = _end = 0;
        }
        else if (_start > 0 && _end == _buffer.Length)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }

        var read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
        _end += read;
        return read > 0;
    }

    /// <summary>
    /// Every line ends with CRLF. A span checked here starts at an answer's, a line's or the buffer's unread start,
    /// which follows a consumed CRLF, so a line feed first in it is bare too.
    /// </summary>
    private void CheckNoBareLineFeed(ReadOnlySpan<byte> bytes)
    {
        var offset = 0;
        int lf;
        while ((lf = bytes[offset..].IndexOf((byte)'\n')) >= 0)
        {
            if (offset + lf == 0 || bytes[offset + lf - 1] != (byte)'\r')
            {
                throw Malformed("a line feed without a carriage return");
            }

            offset += lf + 1;
        }
    }

    private HttpAnswerException Malformed(string problem) => new($"{problem}; the answer began: \"{Head()}\"");

    private static bool IsDigit(byte b) => b is >= (byte)'0' and <= (byte)'9';
}

namespace FlowForge.Server.Tests.Bench;

/// <summary>A read-only stream that hands out the given pieces one per read (a piece larger than the read's buffer is split), then the end.</summary>
internal sealed class ScriptedStream(IEnumerable<byte[]> pieces) : Stream
{
    private readonly Queue<byte[]> _pieces = new(pieces);
    private byte[] _current = [];
    private int _offset;

    /// <summary>Reads answered so far (a read at the end included).</summary>
    public int Reads { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <summary>The bytes split in two at <paramref name="at"/> (an empty piece is left out).</summary>
    public static ScriptedStream SplitAt(byte[] bytes, int at) => new(new[] { bytes[..at], bytes[at..] }.Where(p => p.Length > 0));

    public static ScriptedStream OneByteAtATime(byte[] bytes) => new(bytes.Select(b => new[] { b }));

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => new(Read(buffer.Span));

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        Reads++;
        while (_offset == _current.Length)
        {
            if (!_pieces.TryDequeue(out var next))
            {
                return 0;
            }

            _current = next;
            _offset = 0;
        }

        var take = Math.Min(buffer.Length, _current.Length - _offset);
        _current.AsSpan(_offset, take).CopyTo(buffer);
        _offset += take;
        return take;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

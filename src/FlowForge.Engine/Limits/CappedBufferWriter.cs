using System.Buffers;

namespace FlowForge.Engine.Limits;

/// <summary>
/// A buffer writer that keeps at most <c>limit</c> bytes. Once more has been written it drops what it
/// holds and only counts, into one reused scratch buffer, so the full size can be reported without keeping it.
/// Its buffers are rented from <see cref="ArrayPool{T}.Shared"/> and go back on <see cref="Dispose"/>: growing a large
/// document leaves no trail of half-size arrays behind, which for documents past 85 KB would sit on the large object
/// heap until a full collection. What outlives the writer is copied out (<see cref="WrittenSpan"/>).
/// </summary>
public sealed class CappedBufferWriter : IBufferWriter<byte>, IDisposable
{
    private const int MinimumSize = 256;

    private readonly long _limit;
    private byte[] _buffer = [];
    private byte[]? _scratch;
    private int _kept;

    public CappedBufferWriter(long limit)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        _limit = limit;
    }

    /// <summary>Every byte written, kept or not.</summary>
    public long Written { get; private set; }

    public bool Exceeded => Written > _limit;

    /// <summary>The bytes written, valid until the writer is disposed; empty once the limit has been exceeded.</summary>
    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _kept);

    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        Written += count;
        if (Exceeded)
        {
            Return(ref _buffer);
            _kept = 0;
        }
        else
        {
            _kept += count;
        }
    }

    public Memory<byte> GetMemory(int sizeHint = 0) => Reserve(sizeHint, out var start).AsMemory(start);

    public Span<byte> GetSpan(int sizeHint = 0) => Reserve(sizeHint, out var start).AsSpan(start);

    public void Dispose()
    {
        Return(ref _buffer);
        if (_scratch is not null)
        {
            Return(ref _scratch!);
        }

        _kept = 0;
    }

    private byte[] Reserve(int sizeHint, out int start)
    {
        sizeHint = Math.Max(sizeHint, 1);
        if (Exceeded)
        {
            if (_scratch is null || _scratch.Length < sizeHint)
            {
                if (_scratch is not null)
                {
                    Return(ref _scratch!);
                }

                _scratch = ArrayPool<byte>.Shared.Rent(Math.Max(sizeHint, 4096));
            }

            start = 0;
            return _scratch;
        }

        if (_buffer.Length - _kept < sizeHint)
        {
            // Doubling, but not far past the limit: a result just under it should not cost twice its size.
            var doubled = Math.Min(Math.Max(_buffer.Length * 2L, MinimumSize), _limit + MinimumSize);
            var size = Math.Min(Math.Max(_kept + (long)sizeHint, doubled), Array.MaxLength);
            var grown = ArrayPool<byte>.Shared.Rent((int)size);
            _buffer.AsSpan(0, _kept).CopyTo(grown);
            Return(ref _buffer);
            _buffer = grown;
        }

        start = _kept;
        return _buffer;
    }

    private static void Return(ref byte[] buffer)
    {
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        buffer = [];
    }
}

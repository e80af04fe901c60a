using System.Buffers;

namespace EdgeNode.Devices.Cameras;

/// <summary>
/// Splits a concatenated MJPEG byte stream into JPEG images by scanning for SOI (FFD8) and EOI (FFD9)
/// markers. Candidates that fail <see cref="JpegInspector"/> or exceed the size limit are skipped and
/// counted. The working buffer is pooled and reused, so steady-state splitting does not allocate.
/// </summary>
internal sealed class MjpegSplitter : IDisposable
{
    private readonly int _maxFrameBytes;
    private byte[] _buffer;
    private int _start;   // first unconsumed byte
    private int _end;     // one past the last received byte
    private int _soi = -1; // start of the frame being assembled, or -1 while searching for SOI
    private int _scanFrom; // where the EOI search resumes

    public MjpegSplitter(int maxFrameBytes, int initialCapacity = 256 * 1024)
    {
        _maxFrameBytes = maxFrameBytes;
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Min(initialCapacity, maxFrameBytes + 1));
    }

    /// <summary>JPEG candidates that were rejected (broken structure or too large).</summary>
    public long Rejected { get; private set; }

    /// <summary>Size of the most recently rejected candidate, for logs.</summary>
    public int LastRejectedLength { get; private set; }

    /// <summary>Memory to read the next bytes of the stream into; call <see cref="Advance"/> after.</summary>
    public Memory<byte> GetWriteMemory(int sizeHint = 64 * 1024)
    {
        if (_buffer.Length - _end < sizeHint)
        {
            Compact();
        }

        if (_buffer.Length - _end < sizeHint)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _end + sizeHint));
            _buffer.AsSpan(0, _end).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = bigger;
        }

        return _buffer.AsMemory(_end);
    }

    /// <summary>Marks <paramref name="count"/> bytes written into the memory from <see cref="GetWriteMemory"/>.</summary>
    public void Advance(int count) => _end += count;

    /// <summary>
    /// Returns the next complete, structurally valid JPEG. The span is valid until the next call to any
    /// other member.
    /// </summary>
    public bool TryReadFrame(out ReadOnlySpan<byte> jpeg, out int width, out int height)
    {
        jpeg = default;
        width = 0;
        height = 0;
        while (true)
        {
            var data = _buffer.AsSpan(0, _end);
            if (_soi < 0)
            {
                var found = IndexOfMarker(data, _start, 0xD8);
                if (found < 0)
                {
                    // Keep a trailing 0xFF: it may be the first half of the next SOI.
                    _start = _end > _start && data[_end - 1] == 0xFF ? _end - 1 : _end;
                    return false;
                }

                _start = found; // bytes before an SOI are noise
                _soi = found;
                _scanFrom = found + 2;
            }

            var eoi = IndexOfMarker(data, _scanFrom, 0xD9);
            if (eoi < 0)
            {
                _scanFrom = Math.Max(_soi + 2, _end - 1);
                if (_end - _soi > _maxFrameBytes)
                {
                    Reject(_end - _soi);
                    _start = _soi + 2; // resynchronise on the next SOI
                    _soi = -1;
                    continue;
                }

                return false;
            }

            var length = eoi + 2 - _soi;
            var candidate = data.Slice(_soi, length);
            if (length <= _maxFrameBytes && JpegInspector.TryReadSize(candidate, out width, out height))
            {
                _start = eoi + 2;
                _soi = -1;
                jpeg = candidate;
                return true;
            }

            Reject(length);

            // A truncated frame followed by a complete one looks like one long candidate; restarting the
            // search just after the bad SOI recovers the complete one.
            _start = _soi + 2;
            _soi = -1;
        }
    }

    /// <summary>Forgets a partial frame, e.g. when the producing process restarts.</summary>
    public void Reset()
    {
        _start = 0;
        _end = 0;
        _soi = -1;
        _scanFrom = 0;
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
        Reset();
    }

    private void Reject(int length)
    {
        Rejected++;
        LastRejectedLength = length;
    }

    private static int IndexOfMarker(ReadOnlySpan<byte> data, int from, byte marker)
    {
        var pos = from;
        while (pos < data.Length - 1)
        {
            var offset = data[pos..^1].IndexOf((byte)0xFF);
            if (offset < 0)
            {
                return -1;
            }

            pos += offset;
            if (data[pos + 1] == marker)
            {
                return pos;
            }

            pos++;
        }

        return -1;
    }

    private void Compact()
    {
        var keepFrom = _soi >= 0 ? _soi : _start;
        if (keepFrom == 0)
        {
            return;
        }

        _buffer.AsSpan(keepFrom, _end - keepFrom).CopyTo(_buffer);
        _end -= keepFrom;
        _start -= keepFrom;
        _scanFrom = Math.Max(0, _scanFrom - keepFrom);
        if (_soi >= 0)
        {
            _soi -= keepFrom;
        }
    }
}

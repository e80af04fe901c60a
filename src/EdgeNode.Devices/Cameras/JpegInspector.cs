using System.Buffers.Binary;

namespace EdgeNode.Devices.Cameras;

/// <summary>
/// Cheap structural check of a baseline or progressive JPEG: walks the marker segments and the
/// entropy-coded data without decoding, and reads the frame size from the SOF segment.
/// </summary>
public static class JpegInspector
{
    /// <summary>
    /// True when <paramref name="jpeg"/> is one well-formed JPEG (SOI, segments with consistent lengths,
    /// a frame header, at least one scan, byte-stuffed entropy data, EOI at the end).
    /// </summary>
    public static bool TryReadSize(ReadOnlySpan<byte> jpeg, out int width, out int height)
    {
        width = 0;
        height = 0;
        if (jpeg.Length < 4 || jpeg[0] != 0xFF || jpeg[1] != 0xD8 || jpeg[^2] != 0xFF || jpeg[^1] != 0xD9)
        {
            return false;
        }

        var end = jpeg.Length - 2; // index of the final EOI marker
        var pos = 2;
        var sawScan = false;
        while (pos < end)
        {
            if (jpeg[pos] != 0xFF)
            {
                return false;
            }

            // Any number of 0xFF fill bytes may precede a marker.
            while (pos < end && jpeg[pos + 1] == 0xFF)
            {
                pos++;
            }

            if (pos >= end)
            {
                return false;
            }

            var marker = jpeg[pos + 1];
            if (marker is 0x00 or 0xD8 or 0xD9 || marker is >= 0xD0 and <= 0xD7 || marker == 0x01)
            {
                // Stuffing, a second SOI, an early EOI or a restart outside a scan: not a valid stream.
                return false;
            }

            if (pos + 4 > end)
            {
                return false;
            }

            var length = BinaryPrimitives.ReadUInt16BigEndian(jpeg.Slice(pos + 2, 2));
            var next = pos + 2 + length;
            if (length < 2 || next > end)
            {
                return false;
            }

            if (IsStartOfFrame(marker))
            {
                if (length < 8)
                {
                    return false;
                }

                height = BinaryPrimitives.ReadUInt16BigEndian(jpeg.Slice(pos + 5, 2));
                width = BinaryPrimitives.ReadUInt16BigEndian(jpeg.Slice(pos + 7, 2));
                if (width == 0 || height == 0)
                {
                    return false;
                }
            }

            pos = next;
            if (marker == 0xDA)
            {
                if (width == 0)
                {
                    return false; // a scan before the frame header
                }

                sawScan = true;
                pos = SkipEntropyData(jpeg, pos, end);
                if (pos < 0)
                {
                    return false;
                }
            }
        }

        return sawScan && pos == end;
    }

    private static bool IsStartOfFrame(byte marker) =>
        marker is >= 0xC0 and <= 0xCF && marker is not (0xC4 or 0xC8 or 0xCC);

    /// <summary>Returns the index of the marker that ends the scan, or -1 on an illegal sequence.</summary>
    private static int SkipEntropyData(ReadOnlySpan<byte> jpeg, int pos, int end)
    {
        while (pos < end)
        {
            var offset = jpeg[pos..end].IndexOf((byte)0xFF);
            if (offset < 0)
            {
                return end; // entropy data runs up to the final EOI
            }

            pos += offset;
            if (pos + 1 >= jpeg.Length)
            {
                return -1;
            }

            var following = jpeg[pos + 1];
            if (following == 0x00 || following is >= 0xD0 and <= 0xD7)
            {
                pos += 2; // stuffed 0xFF or a restart marker
            }
            else if (following == 0xFF)
            {
                pos++; // fill byte before a marker
            }
            else if (following is 0xD8 or 0x01)
            {
                return -1;
            }
            else
            {
                return pos; // the next segment (DHT, SOS of a progressive image, EOI...)
            }
        }

        return pos;
    }
}

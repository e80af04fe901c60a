namespace EdgeNode.Testing.Fuzz;

/// <summary>
/// Seeded mutation of valid inputs (as AFL's havoc stage): one to four stacked edits of bit flips, boundary values
/// (0, 0x7F, 0x80, 0xFF, little-endian int32 extremes), inserted, deleted, duplicated and truncated ranges, and
/// ASCII digits and JSON punctuation, so that length fields, counts and numbers in JSON are hit as often as bytes.
/// </summary>
public sealed class Mutator(int seed)
{
    private static readonly byte[] Interesting = [0x00, 0x01, 0x7F, 0x80, 0xFF, (byte)'"', (byte)'{', (byte)'}', (byte)'[', (byte)']', (byte)',', (byte)':', (byte)'-', (byte)'9', (byte)'e', (byte)'\\'];
    private static readonly int[] Extremes = [0, -1, 1, int.MaxValue, int.MinValue, 0x10000, 0xFFFF, 1 << 30];
    private readonly Random _random = new(seed);

    /// <summary>A mutated copy of <paramref name="input"/>.</summary>
    public byte[] Mutate(ReadOnlySpan<byte> input)
    {
        var bytes = new List<byte>(input.Length + 16);
        foreach (var b in input)
        {
            bytes.Add(b);
        }

        var edits = 1 + _random.Next(4);
        for (var e = 0; e < edits; e++)
        {
            Edit(bytes);
        }

        return [.. bytes];
    }

    private void Edit(List<byte> bytes)
    {
        var at = bytes.Count == 0 ? 0 : _random.Next(bytes.Count);
        switch (_random.Next(bytes.Count == 0 ? 1 : 9))
        {
            case 0:
                bytes.InsertRange(at, Enumerable.Range(0, 1 + _random.Next(8)).Select(_ => (byte)_random.Next(256)));
                break;
            case 1:
                bytes[at] ^= (byte)(1 << _random.Next(8));
                break;
            case 2:
                bytes[at] = Interesting[_random.Next(Interesting.Length)];
                break;
            case 3:
                var value = BitConverter.GetBytes(Extremes[_random.Next(Extremes.Length)]);
                for (var i = 0; i < 4 && at + i < bytes.Count; i++)
                {
                    bytes[at + i] = value[i];
                }

                break;
            case 4:
                bytes.RemoveRange(at, Math.Min(bytes.Count - at, 1 + _random.Next(16)));
                break;
            case 5:
                var length = Math.Min(bytes.Count - at, 1 + _random.Next(64));
                bytes.InsertRange(_random.Next(bytes.Count + 1), bytes.GetRange(at, length));
                break;
            case 6:
                bytes.RemoveRange(at, bytes.Count - at);
                break;
            case 7:
                bytes[at] = (byte)('0' + _random.Next(10));
                break;
            default:
                bytes[at] = (byte)_random.Next(256);
                break;
        }
    }
}

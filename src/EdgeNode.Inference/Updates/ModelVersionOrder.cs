namespace EdgeNode.Inference.Updates;

/// <summary>
/// Orders manifest versions (<c>[A-Za-z0-9][A-Za-z0-9._-]*</c>) part by part, split at <c>.</c>, <c>-</c> and <c>_</c>:
/// digits compare as numbers (<c>1.10</c> &gt; <c>1.9</c>), anything else ordinally, and a version that is a prefix of
/// another is the lower one (<c>2</c> &lt; <c>2.1</c>). The only order the downgrade check knows.
/// </summary>
public static class ModelVersionOrder
{
    private static readonly char[] Separators = ['.', '-', '_'];

    /// <summary>Negative when <paramref name="left"/> is the lower version, 0 when equal, positive when higher.</summary>
    public static int Compare(string left, string right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        var a = left.Split(Separators);
        var b = right.Split(Separators);
        for (var i = 0; i < Math.Min(a.Length, b.Length); i++)
        {
            var order = ComparePart(a[i], b[i]);
            if (order != 0)
            {
                return order;
            }
        }

        return a.Length.CompareTo(b.Length);
    }

    private static int ComparePart(string a, string b)
    {
        if (a.Length > 0 && b.Length > 0 && a.All(char.IsAsciiDigit) && b.All(char.IsAsciiDigit))
        {
            // Numbers of any length, without overflow: drop leading zeros, then the longer is the larger.
            var x = a.TrimStart('0');
            var y = b.TrimStart('0');
            return x.Length != y.Length ? x.Length.CompareTo(y.Length) : string.CompareOrdinal(x, y);
        }

        return string.CompareOrdinal(a, b);
    }
}

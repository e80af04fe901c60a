using System.Globalization;
using System.Text;

namespace EdgeNode.Testing;

/// <summary>
/// A message in protobuf text format as <c>protoc --decode</c> prints it: scalar fields as raw text
/// (strings unescaped), nested messages as <see cref="ProtoText"/>, repeated fields as lists in order.
/// </summary>
public sealed class ProtoText
{
    private readonly Dictionary<string, List<object>> _fields = new(StringComparer.Ordinal);

    /// <summary>Field names present, in first-seen order.</summary>
    public IEnumerable<string> Names => _fields.Keys;

    /// <summary>Parses protoc's text output.</summary>
    public static ProtoText Parse(string text)
    {
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var index = 0;
        var root = Parse(lines, ref index);
        return index == lines.Length ? root : throw new FormatException($"Unbalanced '}}' at line {index + 1}: {text}");
    }

    /// <summary>True when <paramref name="name"/> is present.</summary>
    public bool Has(string name) => _fields.ContainsKey(name);

    /// <summary>The single scalar <paramref name="name"/>, or null when absent.</summary>
    public string? Scalar(string name) => _fields.TryGetValue(name, out var values) ? (string)values.Single() : null;

    /// <summary>The scalar <paramref name="name"/> as an integer.</summary>
    public long Number(string name) => long.Parse(Scalar(name) ?? throw new KeyNotFoundException(name + " is absent"), CultureInfo.InvariantCulture);

    /// <summary>Every nested message <paramref name="name"/>, in order.</summary>
    public IReadOnlyList<ProtoText> Messages(string name) => _fields.TryGetValue(name, out var values) ? values.Cast<ProtoText>().ToList() : [];

    /// <summary>The single nested message <paramref name="name"/>, or null.</summary>
    public ProtoText? Message(string name) => Messages(name).SingleOrDefault();

    private static ProtoText Parse(string[] lines, ref int index)
    {
        var message = new ProtoText();
        while (index < lines.Length)
        {
            var line = lines[index++];
            if (line == "}")
            {
                return message;
            }

            if (line.EndsWith('{'))
            {
                var name = line[..^1].Trim();
                message.Add(name, Parse(lines, ref index));
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon < 0)
            {
                throw new FormatException("Not a text-format line: " + line);
            }

            var value = line[(colon + 1)..].Trim();
            message.Add(line[..colon].Trim(), value.StartsWith('"') ? Unescape(value[1..^1]) : value);
        }

        return message;
    }

    private void Add(string name, object value)
    {
        if (!_fields.TryGetValue(name, out var values))
        {
            values = [];
            _fields[name] = values;
        }

        values.Add(value);
    }

    private static string Unescape(string s)
    {
        var bytes = new List<byte>();
        for (var i = 0; i < s.Length; i++)
        {
            if (s[i] != '\\')
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(s[i].ToString()));
                continue;
            }

            var c = s[++i];
            if (c is >= '0' and <= '7')
            {
                var end = i;
                while (end < s.Length && end < i + 3 && s[end] is >= '0' and <= '7')
                {
                    end++;
                }

                bytes.Add(Convert.ToByte(s[i..end], 8));
                i = end - 1;
                continue;
            }

            bytes.Add(c switch
            {
                'n' => (byte)'\n',
                'r' => (byte)'\r',
                't' => (byte)'\t',
                _ => (byte)c,
            });
        }

        return Encoding.UTF8.GetString(bytes.ToArray());
    }
}

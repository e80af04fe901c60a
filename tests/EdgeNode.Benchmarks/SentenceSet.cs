using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace EdgeNode.Benchmarks;

/// <summary>
/// Real English sentences from this Debian machine: the <c>/usr/share/doc/*/copyright</c> texts and the package
/// descriptions in <c>/var/lib/dpkg/status</c> (what <c>apt-cache show</c> prints for installed packages). Sentences
/// are deduplicated and put in the order of their SHA-256, so the set is the same on every run of the same machine.
/// </summary>
internal static partial class SentenceSet
{
    public static List<string> Load()
    {
        var texts = new List<string>();
        foreach (var file in Directory.EnumerateFiles("/usr/share/doc", "copyright", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            texts.Add(File.ReadAllText(file));
        }

        if (File.Exists("/var/lib/dpkg/status"))
        {
            // A description is the Description: line and its indented continuation lines.
            texts.AddRange(DescriptionPattern().Matches(File.ReadAllText("/var/lib/dpkg/status"))
                .Select(m => m.Groups[1].Value + " " + m.Groups[2].Value.Replace("\n .\n", "\n", StringComparison.Ordinal)));
        }

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var sentences = new List<string>();
        foreach (var text in texts)
        {
            var flat = Whitespace().Replace(text, " ");
            foreach (var sentence in SentenceEnd().Split(flat).Select(s => s.Trim()))
            {
                if (IsProse(sentence) && seen.Add(sentence))
                {
                    sentences.Add(sentence);
                }
            }
        }

        return [.. sentences.OrderBy(s => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(s))), StringComparer.Ordinal)];
    }

    /// <summary>A sentence of 8–60 words, starting with a capital and ending with a full stop, mostly letters (no file lists, URLs, e-mail addresses or copyright-file fields such as <c>License:</c>).</summary>
    private static bool IsProse(string s)
    {
        var words = s.Split(' ').Length;
        if (words is < 8 or > 60 || !char.IsAsciiLetterUpper(s[0]) || !s.EndsWith('.') || s.Contains("://", StringComparison.Ordinal) || s.Contains('@', StringComparison.Ordinal)
            || FieldName().IsMatch(s))
        {
            return false;
        }

        var visible = s.Count(c => c != ' ');
        return s.Count(char.IsAsciiLetter) >= 0.85 * visible;
    }

    [GeneratedRegex(@"\b[A-Z][A-Za-z-]*: ")]
    private static partial Regex FieldName();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"(?<=[.!?])\s+(?=[A-Z])")]
    private static partial Regex SentenceEnd();

    [GeneratedRegex(@"^Description: (.*)\n((?: .*\n)*)", RegexOptions.Multiline)]
    private static partial Regex DescriptionPattern();
}

namespace EdgeNode.Messaging.Broker;

/// <summary>
/// A mosquitto ACL file (<c>acl_file</c>) as mosquitto 2.0 reads it, so the embedded broker enforces the very file
/// shipped for mosquitto (<c>deploy/mosquitto/edgenode.acl</c>): <c>user NAME</c> starts a user's block,
/// <c>topic [read|write|readwrite|deny] TOPIC</c> grants that user (before any <c>user</c> line: anonymous clients),
/// <c>pattern [access] TOPIC</c> applies to every user with <c>%u</c> (user name) and <c>%c</c> (client id) replaced.
/// The user's own lines are checked first, then the patterns, denials before grants; whatever is not granted is denied.
/// </summary>
public sealed class MosquittoAcl
{
    private readonly Dictionary<string, List<Rule>> _users = new(StringComparer.Ordinal);
    private readonly List<Rule> _anonymous = [];
    private readonly List<Rule> _patterns = [];

    private MosquittoAcl()
    {
    }

    /// <summary>Parses ACL text; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="FormatException">A line is neither a comment, <c>user</c>, <c>topic</c> nor <c>pattern</c>.</exception>
    public static MosquittoAcl Parse(string text, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        var acl = new MosquittoAcl();
        List<Rule> current = acl._anonymous;
        var number = 0;
        foreach (var raw in text.Split('\n'))
        {
            number++;
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var (keyword, rest) = Split(line);
            switch (keyword)
            {
                case "user" when rest.Length > 0:
                    if (!acl._users.TryGetValue(rest, out var list))
                    {
                        acl._users[rest] = list = [];
                    }

                    current = list;
                    break;
                case "topic" when rest.Length > 0:
                    current.Add(Rule.Of(rest));
                    break;
                case "pattern" when rest.Length > 0:
                    acl._patterns.Add(Rule.Of(rest));
                    break;
                default:
                    throw new FormatException($"line {number} of {source} is not 'user NAME', 'topic [read|write|readwrite|deny] TOPIC' or 'pattern [access] TOPIC': '{line}'");
            }
        }

        return acl;
    }

    /// <summary>Reads and parses an ACL file.</summary>
    /// <exception cref="FormatException">A line cannot be parsed.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static MosquittoAcl Load(string path) => Parse(File.ReadAllText(path), $"'{path}'");

    /// <summary>True when <paramref name="user"/> (null: anonymous) connected as <paramref name="clientId"/> may <paramref name="access"/> <paramref name="topic"/>.</summary>
    public bool Allows(string? user, string clientId, string topic, AclAccess access)
    {
        var own = user is null ? _anonymous : _users.GetValueOrDefault(user);
        if (own is not null)
        {
            if (own.Any(r => r.Access == AclAccess.None && TopicFilter.Matches(topic, r.Topic)))
            {
                return false;
            }

            if (own.Any(r => (r.Access & access) == access && TopicFilter.Matches(topic, r.Topic)))
            {
                return true;
            }
        }

        // mosquitto substitutes %u only for a user name that cannot widen the pattern (no '+', '#', '/').
        if (user is null || user.AsSpan().IndexOfAny("+#/") >= 0 || clientId.AsSpan().IndexOfAny("+#/") >= 0)
        {
            return false;
        }

        var patterns = _patterns.Select(r => r with { Topic = r.Topic.Replace("%u", user, StringComparison.Ordinal).Replace("%c", clientId, StringComparison.Ordinal) }).ToList();
        if (patterns.Any(r => r.Access == AclAccess.None && TopicFilter.Matches(topic, r.Topic)))
        {
            return false;
        }

        return patterns.Any(r => (r.Access & access) == access && TopicFilter.Matches(topic, r.Topic));
    }

    private static (string Keyword, string Remainder) Split(string line)
    {
        var space = line.IndexOfAny([' ', '\t']);
        return space < 0 ? (line, string.Empty) : (line[..space], line[(space + 1)..].Trim());
    }

    private readonly record struct Rule(AclAccess Access, string Topic)
    {
        public static Rule Of(string rest)
        {
            var (first, topic) = Split(rest);
            return first switch
            {
                "read" when topic.Length > 0 => new Rule(AclAccess.Read, topic),
                "write" when topic.Length > 0 => new Rule(AclAccess.Write, topic),
                "readwrite" when topic.Length > 0 => new Rule(AclAccess.ReadWrite, topic),
                "deny" when topic.Length > 0 => new Rule(AclAccess.None, topic),
                _ => new Rule(AclAccess.ReadWrite, rest),
            };
        }
    }
}

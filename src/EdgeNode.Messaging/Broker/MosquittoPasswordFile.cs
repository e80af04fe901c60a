using System.Collections.Frozen;
using System.Security.Cryptography;
using System.Text;

namespace EdgeNode.Messaging.Broker;

/// <summary>
/// A mosquitto password file (<c>mosquitto_passwd</c>, one <c>user:hash</c> a line), so one file serves mosquitto and
/// the embedded broker. Hashes: <c>$7$iterations$salt$hash</c> (PBKDF2-HMAC-SHA512, mosquitto 2.0's default) and
/// <c>$6$salt$hash</c> (SHA-512 of password then salt, mosquitto 1.x); salt and hash in base64.
/// </summary>
public sealed class MosquittoPasswordFile
{
    private readonly FrozenDictionary<string, Entry> _users;

    private MosquittoPasswordFile(FrozenDictionary<string, Entry> users) => _users = users;

    /// <summary>The user names in the file.</summary>
    public IReadOnlyCollection<string> Users => _users.Keys;

    /// <summary>Reads and checks <paramref name="path"/>.</summary>
    /// <exception cref="FormatException">A line is not <c>user:$7$…</c> or <c>user:$6$…</c> (the message names the line).</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static MosquittoPasswordFile Load(string path)
    {
        var users = new Dictionary<string, Entry>(StringComparer.Ordinal);
        var number = 0;
        foreach (var raw in File.ReadLines(path))
        {
            number++;
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || !TryParse(line[(colon + 1)..], out var entry))
            {
                throw new FormatException($"line {number} of '{path}' is not 'user:$7$iterations$salt$hash' or 'user:$6$salt$hash' (make the file with mosquitto_passwd)");
            }

            users[line[..colon]] = entry;
        }

        return new MosquittoPasswordFile(users.ToFrozenDictionary(StringComparer.Ordinal));
    }

    /// <summary>True when <paramref name="user"/> is in the file and <paramref name="password"/> is its password.</summary>
    public bool Verify(string? user, ReadOnlySpan<byte> password)
    {
        if (string.IsNullOrEmpty(user) || !_users.TryGetValue(user, out var entry))
        {
            return false;
        }

        Span<byte> actual = stackalloc byte[entry.Hash.Length];
        if (entry.Iterations > 0)
        {
            Rfc2898DeriveBytes.Pbkdf2(password, entry.Salt, actual, entry.Iterations, HashAlgorithmName.SHA512);
        }
        else
        {
            using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA512);
            sha.AppendData(password);
            sha.AppendData(entry.Salt);
            if (!sha.TryGetHashAndReset(actual, out _))
            {
                return false;
            }
        }

        return CryptographicOperations.FixedTimeEquals(actual, entry.Hash);
    }

    /// <summary>As <see cref="Verify(string?, ReadOnlySpan{byte})"/> for a text password (UTF-8).</summary>
    public bool Verify(string? user, string? password) => Verify(user, Encoding.UTF8.GetBytes(password ?? string.Empty));

    private static bool TryParse(string hash, out Entry entry)
    {
        entry = default;
        var parts = hash.Split('$');
        try
        {
            // "$7$101$salt$hash" splits into "", "7", "101", salt, hash; "$6$salt$hash" into "", "6", salt, hash.
            if (parts is ["", "7", var iterations, var salt7, var hash7] && int.TryParse(iterations, out var n) && n > 0)
            {
                entry = new Entry(n, Convert.FromBase64String(salt7), Convert.FromBase64String(hash7));
            }
            else if (parts is ["", "6", var salt6, var hash6])
            {
                entry = new Entry(0, Convert.FromBase64String(salt6), Convert.FromBase64String(hash6));
            }
            else
            {
                return false;
            }
        }
        catch (FormatException)
        {
            return false;
        }

        return entry.Hash.Length is > 0 and <= 64;
    }

    private readonly record struct Entry(int Iterations, byte[] Salt, byte[] Hash);
}

using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace EdgeNode.Web;

/// <summary>
/// A password stored as <c>pbkdf2-sha256$ITERATIONS$SALT$HASH</c> (base64), the one line of the file written by
/// <c>edgenode web passwd</c>. PBKDF2 is in the base library on every board; the iteration count makes one guess
/// cost tens of milliseconds on an ARM core, and the login rate limit bounds the guesses.
/// </summary>
public sealed record PasswordHash(int Iterations, byte[] Salt, byte[] Hash)
{
    private const string Scheme = "pbkdf2-sha256";

    /// <summary>Iterations of a new hash.</summary>
    public const int DefaultIterations = 200_000;

    /// <summary>Hashes <paramref name="password"/> with a fresh random salt.</summary>
    public static PasswordHash Create(string password, int iterations = DefaultIterations)
    {
        ArgumentException.ThrowIfNullOrEmpty(password);
        var salt = RandomNumberGenerator.GetBytes(16);
        return new PasswordHash(iterations, salt, Derive(password, salt, iterations));
    }

    /// <summary>Reads the file format; throws <see cref="FormatException"/> when it is not one.</summary>
    public static PasswordHash Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Trim().Split('$');
        if (parts.Length != 4 || parts[0] != Scheme || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var iterations) || iterations < 10_000)
        {
            throw new FormatException($"expected one line '{Scheme}$ITERATIONS$SALT$HASH'.");
        }

        var salt = Convert.FromBase64String(parts[2]);
        var hash = Convert.FromBase64String(parts[3]);
        if (salt.Length < 8 || hash.Length != 32)
        {
            throw new FormatException("the salt or the hash has the wrong length.");
        }

        return new PasswordHash(iterations, salt, hash);
    }

    /// <summary>True when <paramref name="password"/> is the one hashed (constant-time comparison).</summary>
    public bool Verify(string password) =>
        !string.IsNullOrEmpty(password) && CryptographicOperations.FixedTimeEquals(Derive(password, Salt, Iterations), Hash);

    /// <summary>The file line.</summary>
    public override string ToString() =>
        string.Join('$', Scheme, Iterations.ToString(CultureInfo.InvariantCulture), Convert.ToBase64String(Salt), Convert.ToBase64String(Hash));

    private static byte[] Derive(string password, byte[] salt, int iterations) =>
        Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, 32);
}

using System.Diagnostics;

namespace EdgeNode.Testing;

/// <summary>
/// Extra configuration for <see cref="MosquittoBroker"/>: TLS on its listener, a password file, an ACL file. The
/// broker's own lines come first (listener, <c>allow_anonymous true</c>); mosquitto takes the last value of a
/// setting and applies listener settings to the listener above them, so these lines override and extend it.
/// </summary>
public static class MosquittoConfig
{
    private static readonly string[] PasswdCandidates = ["/usr/bin/mosquitto_passwd", "/usr/local/bin/mosquitto_passwd"];

    /// <summary>TLS on the listener with <paramref name="server"/>'s certificate; clients are checked against <paramref name="caFile"/>.</summary>
    public static string Tls(string caFile, PemFiles server, bool requireCertificate, bool useIdentityAsUsername = false) =>
        $"cafile {caFile}\ncertfile {server.CertFile}\nkeyfile {server.KeyFile}\n" +
        $"require_certificate {(requireCertificate ? "true" : "false")}\nuse_identity_as_username {(useIdentityAsUsername ? "true" : "false")}\n";

    /// <summary>Every client must log in (user name and password from <paramref name="passwordFile"/>, or a certificate); <paramref name="aclFile"/> applies.</summary>
    public static string Authenticated(string? passwordFile = null, string? aclFile = null) =>
        "allow_anonymous false\n" +
        (passwordFile is null ? string.Empty : $"password_file {passwordFile}\n") +
        (aclFile is null ? string.Empty : $"acl_file {aclFile}\n");

    /// <summary>Writes a mosquitto password file with <c>mosquitto_passwd -b</c> (hashed as mosquitto does).</summary>
    public static async Task<string> CreatePasswordFileAsync(string path, params (string User, string Password)[] users)
    {
        ArgumentNullException.ThrowIfNull(users);
        var tool = PasswdCandidates.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("mosquitto_passwd is not installed (apt-get install mosquitto).");
        foreach (var (user, password) in users)
        {
            var info = new ProcessStartInfo(tool) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
            if (!File.Exists(path))
            {
                info.ArgumentList.Add("-c");
            }

            info.ArgumentList.Add("-b");
            info.ArgumentList.Add(path);
            info.ArgumentList.Add(user);
            info.ArgumentList.Add(password);

            using var process = Process.Start(info) ?? throw new InvalidOperationException("mosquitto_passwd did not start");
            var error = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"mosquitto_passwd failed for '{user}': {error}");
            }
        }

        return path;
    }
}

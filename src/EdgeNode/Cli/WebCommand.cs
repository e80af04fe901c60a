using System.CommandLine;
using EdgeNode.Common;
using EdgeNode.Web;

namespace EdgeNode.Cli;

/// <summary>
/// <c>edgenode web passwd --out FILE</c>: reads a password from standard input (the first line, so it works in scripts:
/// <c>echo "$PW" | edgenode web passwd --out /etc/edgenode/web.passwd</c>) and writes its PBKDF2 hash, readable by
/// the owner only, for <c>EdgeNode__Web__PasswordFile</c>.
/// </summary>
internal static class WebCommand
{
    /// <summary>Shortest password accepted.</summary>
    public const int MinimumLength = 8;

    /// <summary>The <c>web</c> verb and its <c>passwd</c> sub-verb; the password is read from <paramref name="stdin"/> (null: the console).</summary>
    public static Command Create(TextReader? stdin = null)
    {
        var output = new Option<string>("--out") { Description = "Where the hash is written (mode 0600), for EdgeNode__Web__PasswordFile.", Required = true, HelpName = "file" };
        var passwd = new Command("passwd", "Hash a password read from standard input (one line) for EdgeNode__Web__PasswordFile.") { output };
        passwd.SetAction((p, ct) => RunPasswdAsync(p.GetRequiredValue(output), stdin ?? Console.In, p.InvocationConfiguration.Output, p.InvocationConfiguration.Error, ct));
        return new Command("web", "The node's web page: make its password file.") { passwd };
    }

    /// <summary>Reads the password's first line from <paramref name="stdin"/> and writes its hash to <paramref name="file"/>.</summary>
    public static async Task<int> RunPasswdAsync(string file, TextReader stdin, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var password = (await stdin.ReadLineAsync(cancellationToken))?.TrimEnd('\r');
        if (string.IsNullOrEmpty(password) || password.Length < MinimumLength)
        {
            await stderr.WriteLineAsync($"edgenode: the password (first line of standard input) must have at least {MinimumLength} characters; nothing was written.");
            return ExitCodes.Usage;
        }

        var path = Path.GetFullPath(file);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var hash = System.Text.Encoding.UTF8.GetBytes(PasswordHash.Create(password) + "\n");
            await AtomicFile.WriteAsync(path, (stream, ct) => stream.WriteAsync(hash, ct).AsTask(), UnixFileMode.UserRead | UnixFileMode.UserWrite, cancellationToken);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            await stderr.WriteLineAsync($"edgenode: cannot write {path}: {ex.Message}");
            return ExitCodes.Io;
        }

        await stdout.WriteLineAsync($"wrote {path}; set EdgeNode__Web__PasswordFile={path}");
        return ExitCodes.Success;
    }
}

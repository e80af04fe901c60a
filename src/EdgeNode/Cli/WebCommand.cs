using EdgeNode.Web;

namespace EdgeNode.Cli;

/// <summary>
/// <c>edgenode web passwd --out FILE</c>: reads a password from standard input (the first line, so it works in scripts:
/// <c>echo "$PW" | edgenode web passwd --out /etc/edgenode/web.passwd</c>) and writes its PBKDF2 hash, readable by
/// the owner only, for <c>EdgeNode__Web__PasswordFile</c>.
/// </summary>
internal static class WebCommand
{
    private const string Usage = "usage: edgenode web passwd --out <file>   (the password is read from standard input, one line)";

    /// <summary>Shortest password accepted.</summary>
    public const int MinimumLength = 8;

    public static async Task<int> RunAsync(string[] args, TextReader stdin, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        if (args.Length != 3 || args[0] != "passwd" || args[1] != "--out" || string.IsNullOrWhiteSpace(args[2]))
        {
            await stderr.WriteLineAsync(Usage);
            return ExitCodes.Usage;
        }

        var password = (await stdin.ReadLineAsync(cancellationToken))?.TrimEnd('\r');
        if (string.IsNullOrEmpty(password) || password.Length < MinimumLength)
        {
            await stderr.WriteLineAsync($"edgenode: the password (first line of standard input) must have at least {MinimumLength} characters; nothing was written.");
            return ExitCodes.Usage;
        }

        var path = Path.GetFullPath(args[2]);
        try
        {
            var directory = Path.GetDirectoryName(path)!;
            Directory.CreateDirectory(directory);
            var temporary = path + ".tmp";
            var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            await using (var stream = new FileStream(temporary, options))
            await using (var writer = new StreamWriter(stream))
            {
                await writer.WriteLineAsync(PasswordHash.Create(password).ToString().AsMemory(), cancellationToken);
                await writer.FlushAsync(cancellationToken);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: true);
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

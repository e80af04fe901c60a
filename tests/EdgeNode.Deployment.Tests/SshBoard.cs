using System.Diagnostics;
using System.Globalization;
using EdgeNode.Testing;

namespace EdgeNode.Deployment.Tests;

/// <summary>
/// A stand-in board: a private sshd on a free port of 127.0.0.1 that lets exactly one throw-away user
/// in with a throw-away key (as root a fresh system user is created and removed again; otherwise the
/// current user logs in). Its home holds the install prefix and state folder scripts/deploy.sh uses.
/// </summary>
public sealed class SshBoard : IAsyncDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly bool _createdUser;
    private Process? _sshd;

    private SshBoard(string user, bool createdUser, string home)
    {
        User = user;
        _createdUser = createdUser;
        Home = home;
        Port = FreePort.Next();
    }

    /// <summary>The login user.</summary>
    public string User { get; }

    /// <summary>The user's home on the "board".</summary>
    public string Home { get; }

    /// <summary>sshd's port on 127.0.0.1.</summary>
    public int Port { get; }

    /// <summary><c>user@127.0.0.1:port</c>.</summary>
    public string Target => string.Create(CultureInfo.InvariantCulture, $"{User}@127.0.0.1:{Port}");

    /// <summary>The private key that logs in.</summary>
    public string Key => _dir.File("id_ed25519");

    /// <summary>Install root on the board.</summary>
    public string Prefix => Path.Combine(Home, "opt", "edgenode");

    /// <summary>State folder on the board.</summary>
    public string State => Path.Combine(Home, "state");

    /// <summary>deploy.sh options that reach this board: key, throw-away known_hosts, prefix, state, process mode.</summary>
    public IReadOnlyList<string> DeployOptions =>
    [
        "--ssh-key", Key,
        "--ssh-option", "StrictHostKeyChecking=accept-new",
        "--ssh-option", "UserKnownHostsFile=" + _dir.File("known_hosts"),
        "--prefix", Prefix,
        "--state-dir", State,
        "--service", "process",
    ];

    /// <summary>Starts sshd and waits until it accepts connections.</summary>
    public static async Task<SshBoard> StartAsync()
    {
        var sshd = Tool.Require("sshd", "openssh-server");
        Tool.Require("rsync", "rsync");
        Tool.Require("ssh", "openssh-client");
        SshBoard board;
        if (Environment.UserName == "root")
        {
            var user = "edgenode-t" + Guid.NewGuid().ToString("N")[..6];
            var home = Path.Combine(Path.GetTempPath(), user);
            await RunAsync("useradd", "--create-home", "--home-dir", home, "--shell", "/bin/sh", user);
            // '*': no password login, but not "locked" (sshd refuses locked accounts).
            await RunAsync("usermod", "-p", "*", user);
            board = new SshBoard(user, createdUser: true, home);
        }
        else
        {
            var home = Path.Combine(Path.GetTempPath(), "edgenode-board-" + Guid.NewGuid().ToString("N")[..6]);
            Directory.CreateDirectory(home);
            board = new SshBoard(Environment.UserName, createdUser: false, home);
        }

        await board.StartSshdAsync(sshd);
        return board;
    }

    /// <summary>Reads a file on the board, or null.</summary>
    public string? ReadLink(string name)
    {
        var link = new FileInfo(Path.Combine(Prefix, name)).LinkTarget;
        return link is null ? null : Path.GetFileName(link);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        // The node deploy.sh started on the board: its pid file, written by edgenode-release.sh.
        var pidFile = Path.Combine(State, "edgenode.pid");
        if (File.Exists(pidFile) && int.TryParse(await File.ReadAllTextAsync(pidFile), CultureInfo.InvariantCulture, out var pid))
        {
            try
            {
                using var node = Process.GetProcessById(pid);
                node.Kill();
                await node.WaitForExitAsync();
            }
            catch (ArgumentException)
            {
                // Already gone.
            }
        }

        if (_sshd is { HasExited: false })
        {
            _sshd.Kill();
            await _sshd.WaitForExitAsync();
        }

        _sshd?.Dispose();
        if (_createdUser)
        {
            await RunAsync("userdel", "--remove", User);
        }
        else
        {
            Directory.Delete(Home, recursive: true);
        }

        _dir.Dispose();
    }

    private async Task StartSshdAsync(string sshd)
    {
        var keygen = Tool.Require("ssh-keygen", "openssh-client");
        await RunAsync(keygen, "-q", "-t", "ed25519", "-N", string.Empty, "-f", Key);
        await RunAsync(keygen, "-q", "-t", "ed25519", "-N", string.Empty, "-f", _dir.File("host_key"));
        File.Copy(Key + ".pub", _dir.File("authorized_keys"));
        File.SetUnixFileMode(_dir.Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        File.SetUnixFileMode(_dir.File("authorized_keys"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        await File.WriteAllTextAsync(_dir.File("sshd_config"), string.Create(CultureInfo.InvariantCulture, $"""
            Port {Port}
            ListenAddress 127.0.0.1
            HostKey {_dir.File("host_key")}
            PidFile {_dir.File("sshd.pid")}
            AuthorizedKeysFile {_dir.File("authorized_keys")}
            AllowUsers {User}
            PermitRootLogin no
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            UsePAM no
            StrictModes no
            Subsystem sftp internal-sftp
            LogLevel VERBOSE

            """));
        if (Environment.UserName == "root")
        {
            Directory.CreateDirectory("/run/sshd");
        }

        _sshd = Process.Start(new ProcessStartInfo(sshd, ["-D", "-e", "-f", _dir.File("sshd_config")])
        {
            UseShellExecute = false,
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        }) ?? throw new InvalidOperationException("sshd did not start");
        _sshd.ErrorDataReceived += (_, _) => { };
        _sshd.BeginErrorReadLine();
        _sshd.BeginOutputReadLine();
        await FreePort.WaitListeningAsync(Port, TimeSpan.FromSeconds(20));
    }

    private static async Task RunAsync(string file, params string[] arguments)
    {
        var result = await Script.RunAsync(file, arguments, TimeSpan.FromMinutes(1));
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} failed: {result.Output}");
        }
    }
}

namespace EdgeNode.Deployment.Tests;

/// <summary>Finds the system tools the tests drive; scripts/test.sh installs their Debian packages.</summary>
internal static class Tool
{
    private static readonly string[] Directories = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"];

    /// <summary>Full path of <paramref name="name"/>, or a failure naming the package that provides it.</summary>
    public static string Require(string name, string package) =>
        Find(name) ?? throw new InvalidOperationException(
            $"{name} is not installed (apt-get install {package}); scripts/test.sh installs it.");

    /// <summary>Full path of <paramref name="name"/> or null.</summary>
    public static string? Find(string name) =>
        Directories.Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists);
}

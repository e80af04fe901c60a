using System.Net;

namespace EdgeNode.Web;

/// <summary>
/// What data annotations cannot say: URLs that parse, nothing beyond loopback without a password, a password file and
/// HTTPS material that exist. Failures name the key and its environment variable; the node exits 78 on them.
/// </summary>
internal sealed class WebOptionsValidator : IValidateOptions<WebOptions>
{
    public ValidateOptionsResult Validate(string? name, WebOptions options)
    {
        if (!options.Enabled)
        {
            return ValidateOptionsResult.Success;
        }

        var failures = new List<string>();
        var https = false;
        foreach (var url in options.UrlList)
        {
            // Kestrel's wildcards are not URI hosts; they mean every address.
            var parsed = url.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal);
            if (!Uri.TryCreate(parsed, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.AbsolutePath != "/")
            {
                failures.Add($"EdgeNode:Web:Urls (EdgeNode__Web__Urls): '{url}' is not an http:// or https:// URL of a host and port.");
                continue;
            }

            https |= uri.Scheme == "https";
            if (!IsLoopback(uri.Host) && string.IsNullOrWhiteSpace(options.PasswordFile))
            {
                failures.Add($"EdgeNode:Web:Urls (EdgeNode__Web__Urls): '{url}' is reachable beyond this board; set EdgeNode:Web:PasswordFile (EdgeNode__Web__PasswordFile) to a file made by 'edgenode web passwd --out FILE', or bind to 127.0.0.1.");
            }
        }

        if (options.UrlList.Count == 0)
        {
            failures.Add("EdgeNode:Web:Urls (EdgeNode__Web__Urls): no URL to listen on; set EdgeNode__Web__Enabled=false to serve no page.");
        }

        if (!string.IsNullOrWhiteSpace(options.PasswordFile))
        {
            try
            {
                PasswordHash.Parse(File.ReadAllText(options.PasswordFile));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
            {
                failures.Add($"EdgeNode:Web:PasswordFile (EdgeNode__Web__PasswordFile): '{options.PasswordFile}' is not a readable password file made by 'edgenode web passwd': {ex.Message}");
            }
        }

        var cert = !string.IsNullOrWhiteSpace(options.CertFile);
        var key = !string.IsNullOrWhiteSpace(options.KeyFile);
        if (cert != key)
        {
            failures.Add("EdgeNode:Web:CertFile (EdgeNode__Web__CertFile) and EdgeNode:Web:KeyFile (EdgeNode__Web__KeyFile) go together: set both or neither.");
        }
        else if (https && !cert)
        {
            failures.Add("EdgeNode:Web:CertFile (EdgeNode__Web__CertFile): an https:// URL needs a certificate and EdgeNode__Web__KeyFile.");
        }

        foreach (var (file, keyName) in new[] { (options.CertFile, "CertFile"), (options.KeyFile, "KeyFile") })
        {
            if (!string.IsNullOrWhiteSpace(file) && !File.Exists(file))
            {
                failures.Add($"EdgeNode:Web:{keyName} (EdgeNode__Web__{keyName}): '{file}' does not exist.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>True for <c>localhost</c> and loopback addresses; a wildcard (<c>*</c>, <c>0.0.0.0</c>, <c>[::]</c>) or a name is not.</summary>
    public static bool IsLoopback(string host) =>
        string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
        || (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
}

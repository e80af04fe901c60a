using System.Globalization;
using EdgeNode.Common;
using EdgeNode.Inference;
using EdgeNode.Inference.Updates;
using EdgeNode.Learning.Federated;

namespace EdgeNode.Cli;

/// <summary><c>edgenode model keygen|sign|verify</c>: the publisher's tools for signed model updates (docs/models.md).</summary>
internal static class ModelCommand
{
    public const string Usage = """
        usage: edgenode model keygen --out <dir> [--name <key>]
                 writes <key>.key (private, PKCS#8 PEM, mode 600) and <key>.pem (public: copy it to the node's keys/models/)
               edgenode model sign --key <key.key> --model <file.onnx> --name <id> --version <v> [--precision fp32]
                                   [--input NAME:1,3,224,224] [--output NAME:1,512,1,1] [--out <signed.json>]
                 writes {"manifest": {…}, "signature": "…"} (stdout without --out); tensors are read from the model unless given
               edgenode model verify --keys <key.pem|dir> --manifest <signed.json> [--model <file.onnx>]
                 checks the signature (and the file's size and SHA-256) as a node would
        """;

    public static async Task<int> RunAsync(string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var verb = args.Length > 0 ? args[0] : string.Empty;
        if (!TryParse(args.Length > 0 ? args[1..] : [], out var options, out var error))
        {
            return Usage_(stderr, error);
        }

        try
        {
            return verb switch
            {
                "keygen" => await KeygenAsync(options, stdout, stderr, cancellationToken),
                "sign" => await SignAsync(options, stdout, stderr, cancellationToken),
                "verify" => await VerifyAsync(options, stdout, stderr, cancellationToken),
                _ => Usage_(stderr, $"unknown model verb '{verb}'"),
            };
        }
        catch (ModelUpdateException ex)
        {
            stderr.WriteLine($"edgenode model {verb}: {ex.Code}: {ex.Message}");
            return ExitCodes.Model;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            stderr.WriteLine($"edgenode model {verb}: {ex.Message}");
            return ExitCodes.Io;
        }
    }

    private static async Task<int> KeygenAsync(Dictionary<string, string> o, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        if (!Has(o, stderr, "out") || !Only(o, stderr, "out", "name"))
        {
            return ExitCodes.Usage;
        }

        var name = o.GetValueOrDefault("name", "model-signing");
        Directory.CreateDirectory(o["out"]);
        var privatePath = Path.Combine(o["out"], name + ".key");
        var publicPath = Path.Combine(o["out"], name + ".pem");
        if (File.Exists(privatePath))
        {
            stderr.WriteLine($"edgenode model keygen: {privatePath} exists; not overwriting a key.");
            return ExitCodes.Io;
        }

        using var signer = EcdsaSigner.Create();
        var create = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            // Readable by its owner only from the moment it exists.
            create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        await using (var key = new StreamWriter(privatePath, create))
        {
            await key.WriteLineAsync(signer.ExportPrivateKeyPem().AsMemory(), cancellationToken);
        }

        await File.WriteAllTextAsync(publicPath, signer.ExportPublicKeyPem() + "\n", cancellationToken);
        stdout.WriteLine($"private key {privatePath} (keep it off the nodes)");
        stdout.WriteLine($"public key  {publicPath} (trusted as '{name}' in a node's keys/models/)");
        return ExitCodes.Success;
    }

    private static async Task<int> SignAsync(Dictionary<string, string> o, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        if (!Has(o, stderr, "key", "model", "name", "version") || !Only(o, stderr, "key", "model", "name", "version", "precision", "input", "output", "out"))
        {
            return ExitCodes.Usage;
        }

        TensorSpec? input = null, output = null;
        if ((o.TryGetValue("input", out var i) && (input = Tensor(i)) is null) || (o.TryGetValue("output", out var x) && (output = Tensor(x)) is null))
        {
            return Usage_(stderr, "--input/--output must be NAME:D1,D2,… with positive integer dimensions");
        }

        var manifest = ModelSigning.Describe(o["model"], o["name"], o["version"], o.GetValueOrDefault("precision", "fp32"), input, output);
        using var signer = EcdsaSigner.FromPem(await File.ReadAllTextAsync(o["key"], cancellationToken));
        var json = ModelSigning.Sign(manifest, signer).ToJson();
        if (o.TryGetValue("out", out var path))
        {
            await File.WriteAllBytesAsync(path, json, cancellationToken);
            stderr.WriteLine($"signed {manifest.Name} {manifest.Version} ({manifest.Size} bytes, sha256 {manifest.Sha256[..12]}…) → {path}");
        }
        else
        {
            await stdout.WriteAsync(System.Text.Encoding.UTF8.GetString(json));
        }

        return ExitCodes.Success;
    }

    private static async Task<int> VerifyAsync(Dictionary<string, string> o, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        if (!Has(o, stderr, "keys", "manifest") || !Only(o, stderr, "keys", "manifest", "model"))
        {
            return ExitCodes.Usage;
        }

        var update = SignedManifest.Parse(await File.ReadAllBytesAsync(o["manifest"], cancellationToken));
        using var keys = TrustedModelKeys.Load([o["keys"]], optional: false);
        var keyId = keys.Verify(update);
        var manifest = update.Manifest;
        if (o.TryGetValue("model", out var model))
        {
            var size = new FileInfo(model).Length;
            var sha256 = ModelManifest.ComputeSha256(model);
            if (size != manifest.Size || sha256 != manifest.Sha256)
            {
                stderr.WriteLine($"edgenode model verify: {model} has {size} bytes and SHA-256 {sha256}; the manifest says {manifest.Size} and {manifest.Sha256}.");
                return ExitCodes.Model;
            }
        }

        stdout.WriteLine($"ok: {manifest.Name} {manifest.Version} signed by '{keyId}'{(model is null ? string.Empty : ", file matches")}");
        return ExitCodes.Success;
    }

    private static TensorSpec? Tensor(string text)
    {
        var colon = text.LastIndexOf(':');
        if (colon <= 0)
        {
            return null;
        }

        var dims = text[(colon + 1)..].Split(',');
        var shape = new List<int>(dims.Length);
        foreach (var d in dims)
        {
            if (!int.TryParse(d, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1)
            {
                return null;
            }

            shape.Add(n);
        }

        return new TensorSpec(text[..colon], shape);
    }

    private static bool TryParse(string[] args, out Dictionary<string, string> options, out string error)
    {
        options = new Dictionary<string, string>(StringComparer.Ordinal);
        error = string.Empty;
        for (var i = 0; i < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                error = $"unexpected argument '{args[i]}'";
                return false;
            }

            options[args[i][2..]] = args[i + 1];
        }

        return true;
    }

    private static bool Has(Dictionary<string, string> options, TextWriter stderr, params string[] required)
    {
        var missing = required.Where(r => !options.ContainsKey(r)).ToList();
        if (missing.Count == 0)
        {
            return true;
        }

        Usage_(stderr, "missing " + string.Join(", ", missing.Select(m => "--" + m)));
        return false;
    }

    private static bool Only(Dictionary<string, string> options, TextWriter stderr, params string[] known)
    {
        var unknown = options.Keys.FirstOrDefault(k => !known.Contains(k));
        if (unknown is null)
        {
            return true;
        }

        Usage_(stderr, $"unknown option '--{unknown}'");
        return false;
    }

    private static int Usage_(TextWriter stderr, string error)
    {
        stderr.WriteLine("edgenode model: " + error);
        stderr.WriteLine(Usage);
        return ExitCodes.Usage;
    }
}

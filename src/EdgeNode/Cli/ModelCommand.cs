using System.CommandLine;
using System.Globalization;
using EdgeNode.Common;
using EdgeNode.Inference;
using EdgeNode.Inference.Updates;
using EdgeNode.Learning.Federated;

namespace EdgeNode.Cli;

/// <summary><c>edgenode model keygen|sign|verify</c>: the publisher's tools for signed model updates (docs/models.md).</summary>
internal static class ModelCommand
{
    /// <summary>The <c>model</c> verb and its <c>keygen</c>, <c>sign</c> and <c>verify</c> sub-verbs.</summary>
    public static Command Create()
    {
        var keygen = Verb("keygen", "A model-signing key pair: <key>.key (private, PKCS#8 PEM, mode 600) and <key>.pem (public: copy it to the node's keys/models/).", KeygenAsync,
            Value("--out", "The folder the key pair is written to.", "dir", required: true),
            Value("--name", "The key's name (default model-signing).", "key"));
        var sign = Verb("sign", "Sign a model: writes {\"manifest\": {…}, \"signature\": \"…\"} (to stdout without --out); tensors are read from the model unless given.", SignAsync,
            Value("--key", "The private key.", "key.key", required: true),
            Value("--model", "The ONNX file.", "file.onnx", required: true),
            Value("--name", "The model id.", "id", required: true),
            Value("--version", "The model version.", "v", required: true),
            Value("--precision", "fp32 (default), fp16 or int8.", "precision"),
            Value("--input", "The input tensor, e.g. input:1,3,224,224.", "NAME:D1,D2,…"),
            Value("--output", "The output tensor, e.g. output:1,512,1,1.", "NAME:D1,D2,…"),
            Value("--out", "Where the signed manifest is written.", "signed.json"));
        var verify = Verb("verify", "Check a signed model as a node would: the signature, and the file's size and SHA-256.", VerifyAsync,
            Value("--keys", "A trusted public key, or a folder of them.", "key.pem|dir", required: true),
            Value("--manifest", "The signed manifest.", "signed.json", required: true),
            Value("--model", "The ONNX file to check against the manifest.", "file.onnx"));
        return new Command("model", "Signing key pairs and signed model installs (docs/models.md).") { keygen, sign, verify };
    }

    private static Option<string?> Value(string name, string description, string helpName, bool required = false) =>
        new(name) { Description = description, HelpName = helpName, Required = required };

    private static Command Verb(string name, string description, Func<Dictionary<string, string>, TextWriter, TextWriter, CancellationToken, Task<int>> run, params Option<string?>[] options)
    {
        var command = new Command(name, description);
        foreach (var option in options)
        {
            command.Options.Add(option);
        }

        command.SetAction(async (p, ct) =>
        {
            // The given values by flag name without dashes: what the sub-verbs read.
            var values = options.Where(o => p.GetValue(o) is not null).ToDictionary(o => o.Name[2..], o => p.GetValue(o)!, StringComparer.Ordinal);
            var stderr = p.InvocationConfiguration.Error;
            try
            {
                return await run(values, p.InvocationConfiguration.Output, stderr, ct);
            }
            catch (ModelUpdateException ex)
            {
                await stderr.WriteLineAsync($"edgenode model {name}: {ex.Code}: {ex.Message}");
                return ExitCodes.Model;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
            {
                await stderr.WriteLineAsync($"edgenode model {name}: {ex.Message}");
                return ExitCodes.Io;
            }
        });
        return command;
    }

    private static async Task<int> KeygenAsync(Dictionary<string, string> o, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
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

    private static int Usage_(TextWriter stderr, string error)
    {
        stderr.WriteLine("edgenode model sign: " + error);
        stderr.WriteLine("Try 'edgenode model sign --help'.");
        return ExitCodes.Usage;
    }
}

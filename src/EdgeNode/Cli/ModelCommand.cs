using System.CommandLine;
using System.Globalization;
using EdgeNode.Common;
using EdgeNode.Inference;
using EdgeNode.Inference.Updates;

namespace EdgeNode.Cli;

/// <summary><c>edgenode model keygen|sign|verify</c>: the publisher's tools for signed model updates (docs/models.md).</summary>
internal static class ModelCommand
{
    /// <summary>The <c>model</c> verb and its <c>keygen</c>, <c>sign</c> and <c>verify</c> sub-verbs.</summary>
    public static Command Create() => new("model", "Signing key pairs and signed model installs (docs/models.md).") { Keygen(), Sign(), Verify() };

    private static Command Keygen()
    {
        var output = Text("--out", "The folder the key pair is written to.", "dir", required: true);
        var name = new Option<string>("--name") { Description = "The key's name.", HelpName = "key", DefaultValueFactory = _ => "model-signing" };
        var command = new Command("keygen", "A model-signing key pair: <key>.key (private, PKCS#8 PEM, mode 600) and <key>.pem (public: copy it to the node's keys/models/).") { output, name };
        SetAction(command, (p, stdout, stderr, ct) => KeygenAsync(p.GetRequiredValue(output), p.GetRequiredValue(name), stdout, stderr, ct));
        return command;
    }

    private static Command Sign()
    {
        var key = Text("--key", "The private key.", "key.key", required: true);
        var model = Text("--model", "The ONNX file.", "file.onnx", required: true);
        var name = Text("--name", "The model id.", "id", required: true);
        var version = Text("--version", "The model version.", "v", required: true);
        var precision = new Option<string>("--precision") { Description = "fp32, fp16 or int8.", HelpName = "precision", DefaultValueFactory = _ => "fp32" };
        var input = Tensor("--input", "The input tensor, e.g. input:1,3,224,224.");
        var output = Tensor("--output", "The output tensor, e.g. output:1,512,1,1.");
        var signed = Text("--out", "Where the signed manifest is written.", "signed.json");
        var command = new Command("sign", "Sign a model: writes {\"manifest\": {…}, \"signature\": \"…\"} (to stdout without --out); tensors are read from the model unless given.")
        {
            key, model, name, version, precision, input, output, signed,
        };
        SetAction(command, (p, stdout, stderr, ct) =>
        {
            var manifest = ModelSigning.Describe(p.GetRequiredValue(model), p.GetRequiredValue(name), p.GetRequiredValue(version), p.GetRequiredValue(precision), p.GetValue(input), p.GetValue(output));
            return SignAsync(manifest, p.GetRequiredValue(key), p.GetValue(signed), stdout, stderr, ct);
        });
        return command;
    }

    private static Command Verify()
    {
        var keys = Text("--keys", "A trusted public key, or a folder of them.", "key.pem|dir", required: true);
        var manifest = Text("--manifest", "The signed manifest.", "signed.json", required: true);
        var model = Text("--model", "The ONNX file to check against the manifest.", "file.onnx");
        var command = new Command("verify", "Check a signed model as a node would: the signature, and the file's size and SHA-256.") { keys, manifest, model };
        SetAction(command, (p, stdout, stderr, ct) => VerifyAsync(p.GetRequiredValue(keys), p.GetRequiredValue(manifest), p.GetValue(model), stdout, stderr, ct));
        return command;
    }

    private static Option<string> Text(string name, string description, string helpName, bool required = false) =>
        new(name) { Description = description, HelpName = helpName, Required = required };

    // NAME:D1,D2,… parsed at the command line, so that a malformed tensor is a usage error (exit 64) like any other.
    private static Option<TensorSpec?> Tensor(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "NAME:D1,D2,…",
        CustomParser = r =>
        {
            var text = r.Tokens[0].Value;
            var tensor = ParseTensor(text);
            if (tensor is null)
            {
                r.AddError($"{name} must be NAME:D1,D2,… with positive integer dimensions, got '{text}'.");
            }

            return tensor;
        },
    };

    // One place maps the sub-verbs' failures to exit codes: a refused model 3, a file that cannot be read or written 74.
    private static void SetAction(Command command, Func<ParseResult, TextWriter, TextWriter, CancellationToken, Task<int>> run) =>
        command.SetAction(async (p, ct) =>
        {
            var stderr = p.InvocationConfiguration.Error;
            try
            {
                return await run(p, p.InvocationConfiguration.Output, stderr, ct);
            }
            catch (ModelUpdateException ex)
            {
                await stderr.WriteLineAsync($"edgenode model {command.Name}: {ex.Code}: {ex.Message}");
                return ExitCodes.Model;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
            {
                await stderr.WriteLineAsync($"edgenode model {command.Name}: {ex.Message}");
                return ExitCodes.Io;
            }
        });

    private static async Task<int> KeygenAsync(string directory, string name, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        var privatePath = Path.Combine(directory, name + ".key");
        var publicPath = Path.Combine(directory, name + ".pem");
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

    private static async Task<int> SignAsync(UpdateManifest manifest, string key, string? path, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        using var signer = EcdsaSigner.FromPem(await File.ReadAllTextAsync(key, cancellationToken));
        var json = ModelSigning.Sign(manifest, signer).ToJson();
        if (path is not null)
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

    private static async Task<int> VerifyAsync(string trusted, string signed, string? model, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var update = SignedManifest.Parse(await File.ReadAllBytesAsync(signed, cancellationToken));
        using var keys = TrustedModelKeys.Load([trusted], optional: false);
        var keyId = keys.Verify(update);
        var manifest = update.Manifest;
        if (model is not null)
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

    private static TensorSpec? ParseTensor(string text)
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
}

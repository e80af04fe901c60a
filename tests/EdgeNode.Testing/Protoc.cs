using System.Diagnostics;

namespace EdgeNode.Testing;

/// <summary>
/// The protobuf compiler as an independent encoder and decoder (<c>protoc --decode/--encode/--decode_raw</c>,
/// package <c>protobuf-compiler</c>), for checking binary payloads against a published schema.
/// </summary>
public static class Protoc
{
    /// <summary>The Sparkplug B schema shipped with EdgeNode.</summary>
    public static string SparkplugSchema => Path.Combine(RepoPaths.Root, "src", "EdgeNode.Messaging", "Sparkplug", "sparkplug_b.proto");

    /// <summary>The Sparkplug B payload message.</summary>
    public const string SparkplugPayload = "org.eclipse.tahu.protobuf.Payload";

    /// <summary>Decodes <paramref name="payload"/> as <paramref name="messageType"/> of <paramref name="schema"/> to text format.</summary>
    public static Task<string> DecodeAsync(byte[] payload, string schema, string messageType) =>
        RunTextAsync(payload, "--decode=" + messageType, "--proto_path=" + Path.GetDirectoryName(schema), Path.GetFileName(schema));

    /// <summary>Decodes <paramref name="payload"/> without a schema: field numbers and wire values only.</summary>
    public static Task<string> DecodeRawAsync(byte[] payload) => RunTextAsync(payload, "--decode_raw");

    /// <summary>Encodes text format <paramref name="text"/> as <paramref name="messageType"/> of <paramref name="schema"/>.</summary>
    public static async Task<byte[]> EncodeAsync(string text, string schema, string messageType)
    {
        var (output, _) = await RunAsync(System.Text.Encoding.UTF8.GetBytes(text), "--encode=" + messageType, "--proto_path=" + Path.GetDirectoryName(schema), Path.GetFileName(schema));
        return output;
    }

    private static async Task<string> RunTextAsync(byte[] input, params string[] arguments)
    {
        var (output, _) = await RunAsync(input, arguments);
        return System.Text.Encoding.UTF8.GetString(output);
    }

    private static async Task<(byte[] Output, string Error)> RunAsync(byte[] input, params string[] arguments)
    {
        var info = new ProcessStartInfo("protoc")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(info) ?? throw new InvalidOperationException("protoc did not start");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException("protoc is not installed (apt-get install protobuf-compiler; scripts/test.sh does it).", ex);
        }

        using (process)
        {
            var stdout = new MemoryStream();
            var copy = process.StandardOutput.BaseStream.CopyToAsync(stdout);
            var error = process.StandardError.ReadToEndAsync();
            await process.StandardInput.BaseStream.WriteAsync(input);
            process.StandardInput.Close();
            await copy;
            var stderr = await error;
            await process.WaitForExitAsync();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"protoc {string.Join(' ', arguments)} failed ({process.ExitCode}): {stderr}");
            }

            return (stdout.ToArray(), stderr);
        }
    }
}

using System.CommandLine;
using System.Reflection;
using System.Runtime.InteropServices;

namespace EdgeNode.Cli;

/// <summary><c>edgenode version</c>: version, runtime, architecture and ONNX Runtime build.</summary>
internal static class VersionCommand
{
    /// <summary>The <c>version</c> verb (<c>--version</c> prints the same).</summary>
    public static Command Create()
    {
        var command = new Command("version", "Print the version, runtime and ONNX Runtime build.");
        command.SetAction(p => Run(p.InvocationConfiguration.Output));
        return command;
    }

    public static int Run(TextWriter stdout)
    {
        var version = typeof(VersionCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
        var ort = typeof(Microsoft.ML.OnnxRuntime.InferenceSession).Assembly.GetName().Version;
        stdout.WriteLine($"edgenode {version}");
        stdout.WriteLine($"runtime {RuntimeInformation.FrameworkDescription} {RuntimeInformation.RuntimeIdentifier} ({RuntimeInformation.ProcessArchitecture})");
        stdout.WriteLine($"onnxruntime {ort}");
        return ExitCodes.Success;
    }
}

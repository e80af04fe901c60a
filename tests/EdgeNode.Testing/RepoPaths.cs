using System.Reflection;

namespace EdgeNode.Testing;

/// <summary>Paths inside the repository and its build outputs.</summary>
public static class RepoPaths
{
    /// <summary>The repository root (the folder holding EdgeNode.sln).</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>Build configuration of the running tests (Debug/Release), used to find the node's output.</summary>
    public static string Configuration { get; } =
        typeof(RepoPaths).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";

    /// <summary>The node's build output folder.</summary>
    public static string NodeOutput => Path.Combine(Root, "src", "EdgeNode", "bin", Configuration, "net10.0");

    /// <summary>The node's entry assembly.</summary>
    public static string NodeDll => Path.Combine(NodeOutput, "edgenode.dll");

    /// <summary>The models folder the build lays out next to the node (manifest + ResNet18).</summary>
    public static string ModelsDirectory => Path.Combine(NodeOutput, "models");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "EdgeNode.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("EdgeNode.sln not found above " + AppContext.BaseDirectory);
    }
}

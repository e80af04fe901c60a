namespace EdgeNode.Cli;

/// <summary>A folder tree with one subfolder per class, each holding images (the <c>learn</c> verb's and the labelled-folder source's input).</summary>
internal static class LabelledFolder
{
    private static readonly string[] ImageExtensions = [".jpg", ".jpeg", ".png"];

    /// <summary>(class, image path) for every image, classes and files in ordinal order.</summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    public static IReadOnlyList<(string Label, string Path)> Enumerate(string root)
    {
        if (!Directory.Exists(root))
        {
            throw new DirectoryNotFoundException($"The folder '{root}' does not exist.");
        }

        var items = new List<(string, string)>();
        foreach (var classDir in Directory.GetDirectories(root).Order(StringComparer.Ordinal))
        {
            var label = Path.GetFileName(classDir);
            foreach (var file in Directory.GetFiles(classDir).Order(StringComparer.Ordinal))
            {
                if (ImageExtensions.Contains(Path.GetExtension(file), StringComparer.OrdinalIgnoreCase))
                {
                    items.Add((label, file));
                }
            }
        }

        return items;
    }
}

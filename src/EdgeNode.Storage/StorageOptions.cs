using System.ComponentModel.DataAnnotations;

namespace EdgeNode.Storage;

/// <summary>Options bound from <c>EdgeNode:Storage</c>.</summary>
public sealed class StorageOptions
{
    /// <summary>Configuration section.</summary>
    public const string Section = "EdgeNode:Storage";

    /// <summary>SQLite database file (<c>EdgeNode__Storage__Path</c>); its directory is created if missing.</summary>
    [Required]
    public string Path { get; set; } = "data/edgenode.db";
}

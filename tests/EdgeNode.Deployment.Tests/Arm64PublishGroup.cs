namespace EdgeNode.Deployment.Tests;

/// <summary>Tests that share the arm64 publish.</summary>
[CollectionDefinition(Name)]
public sealed class Arm64PublishGroup : ICollectionFixture<Arm64PublishFixture>
{
    /// <summary>Collection name.</summary>
    public const string Name = "arm64 publish";
}

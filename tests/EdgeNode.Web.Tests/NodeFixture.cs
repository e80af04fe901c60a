namespace EdgeNode.Web.Tests;

/// <summary>One node without a password (loopback, no login) shared by the tests of a class.</summary>
public sealed class NodeFixture : IAsyncLifetime
{
    /// <summary>The node.</summary>
    public WebNode Node { get; private set; } = null!;

    /// <inheritdoc />
    public async Task InitializeAsync() => Node = await WebNode.StartAsync();

    /// <inheritdoc />
    public async Task DisposeAsync() => await Node.DisposeAsync();
}

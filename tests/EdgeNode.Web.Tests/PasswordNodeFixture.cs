namespace EdgeNode.Web.Tests;

/// <summary>One node with a password file (made by <c>edgenode web passwd</c>) shared by the tests of a class.</summary>
public sealed class PasswordNodeFixture : IAsyncLifetime
{
    /// <summary>The password.</summary>
    public const string Password = "correct horse battery";

    /// <summary>The node.</summary>
    public WebNode Node { get; private set; } = null!;

    /// <inheritdoc />
    public async Task InitializeAsync() => Node = await WebNode.StartAsync(Password);

    /// <inheritdoc />
    public async Task DisposeAsync() => await Node.DisposeAsync();
}

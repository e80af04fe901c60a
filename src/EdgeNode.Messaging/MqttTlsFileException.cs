namespace EdgeNode.Messaging;

/// <summary>A TLS file (CA, client certificate or key) that cannot be used; <see cref="Key"/> names the setting.</summary>
/// <remarks>An <see cref="IOException"/>, so the reconnect loop treats it like any other failed connect and retries.</remarks>
internal sealed class MqttTlsFileException : IOException
{
    public MqttTlsFileException(string key, string message, Exception? innerException = null)
        : base($"EdgeNode:Mqtt:{key}: {message}", innerException)
    {
        Key = key;
        Detail = message;
    }

    /// <summary>The setting below <c>EdgeNode:Mqtt</c>, such as <c>Tls:CaFile</c>.</summary>
    public string Key { get; }

    /// <summary>The message without the key.</summary>
    public string Detail { get; }
}

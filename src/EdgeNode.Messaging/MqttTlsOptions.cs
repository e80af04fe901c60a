namespace EdgeNode.Messaging;

/// <summary>
/// TLS to an external broker, bound from <c>EdgeNode:Mqtt:Tls</c> (docs/security.md). The files are PEM and are
/// read again at every (re)connect, so replaced certificates are picked up without a restart.
/// </summary>
public sealed class MqttTlsOptions
{
    /// <summary>
    /// <c>EdgeNode__Mqtt__Tls__Enabled</c>: unset means on when <see cref="CaFile"/> or <see cref="CertFile"/> is set;
    /// <c>true</c> without <see cref="CaFile"/> trusts the system's CA store; <c>false</c> with files set is an error.
    /// </summary>
    public bool? Enabled { get; set; }

    /// <summary><c>EdgeNode__Mqtt__Tls__CaFile</c>: the CA certificate(s) the broker's certificate must chain to (PEM); only these are trusted.</summary>
    public string? CaFile { get; set; }

    /// <summary><c>EdgeNode__Mqtt__Tls__CertFile</c>: the client certificate for mutual TLS (PEM, the first certificate is used).</summary>
    public string? CertFile { get; set; }

    /// <summary><c>EdgeNode__Mqtt__Tls__KeyFile</c>: the client certificate's private key (PEM: PKCS#8, or RSA/EC; encrypted PKCS#8 with <see cref="KeyPassword"/>).</summary>
    public string? KeyFile { get; set; }

    /// <summary><c>EdgeNode__Mqtt__Tls__KeyPassword</c>: password of an encrypted (<c>ENCRYPTED PRIVATE KEY</c>) key file.</summary>
    public string? KeyPassword { get; set; }

    /// <summary><c>EdgeNode__Mqtt__Tls__ServerName</c>: the name the broker's certificate must carry; default <c>EdgeNode__Mqtt__Host</c>.</summary>
    public string? ServerName { get; set; }

    /// <summary>
    /// <c>EdgeNode__Mqtt__Tls__AllowUntrustedCertificates</c>: accept any broker certificate (encrypted but not
    /// authenticated; for a first test only). Default false.
    /// </summary>
    public bool AllowUntrustedCertificates { get; set; }

    /// <summary>True when the connection uses TLS.</summary>
    public bool IsEnabled => Enabled ?? HasFiles;

    /// <summary>True when any of the certificate files is set.</summary>
    public bool HasFiles => !string.IsNullOrWhiteSpace(CaFile) || !string.IsNullOrWhiteSpace(CertFile) || !string.IsNullOrWhiteSpace(KeyFile);
}

using System.ComponentModel.DataAnnotations;

namespace EdgeNode.Messaging;

/// <summary>
/// TLS to an external broker, bound from <c>EdgeNode:Mqtt:Tls</c> (docs/security.md). The files are PEM and are
/// read again at every (re)connect, so replaced certificates are picked up without a restart.
/// </summary>
public sealed class MqttTlsOptions : IValidatableObject
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

    /// <summary>
    /// Checks the TLS settings at start: files named must exist and be usable (every failure names its key below
    /// <c>Tls</c>, such as <c>CaFile</c>); a certificate needs its key; <c>Enabled=false</c> with files set is a contradiction.
    /// </summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Enabled == false && HasFiles)
        {
            yield return new ValidationResult("TLS is turned off but Tls:CaFile, Tls:CertFile or Tls:KeyFile is set; remove them or the Enabled=false.", [nameof(Enabled)]);
            yield break;
        }

        if (!IsEnabled)
        {
            yield break;
        }

        MqttTlsFileException? failure = null;
        try
        {
            MqttTlsMaterial.Load(this).Dispose();
        }
        catch (MqttTlsFileException ex)
        {
            failure = ex;
        }

        if (failure is not null)
        {
            // The exception names the key below EdgeNode:Mqtt ("Tls:CaFile"); here the member is below Tls.
            yield return new ValidationResult(failure.Detail, [failure.Key.StartsWith("Tls:", StringComparison.Ordinal) ? failure.Key[4..] : failure.Key]);
        }
    }
}

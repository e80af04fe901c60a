namespace EdgeNode.Testing;

/// <summary>A certificate and its private key as PEM files.</summary>
/// <param name="CertFile">The certificate (PEM).</param>
/// <param name="KeyFile">The private key (PKCS#8 PEM, encrypted when issued with a password).</param>
public sealed record PemFiles(string CertFile, string KeyFile);

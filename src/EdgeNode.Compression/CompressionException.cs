namespace EdgeNode.Compression;

/// <summary>A model, calibration set or option that compression cannot work with; the message says which and why.</summary>
public sealed class CompressionException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CompressionException()
    {
    }

    /// <summary>Creates the exception with a message for the user.</summary>
    public CompressionException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message for the user and its cause.</summary>
    public CompressionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

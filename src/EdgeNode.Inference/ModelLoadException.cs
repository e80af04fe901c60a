namespace EdgeNode.Inference;

/// <summary>A model or its manifest could not be loaded: missing, corrupt, unsigned or of the wrong shape.</summary>
public sealed class ModelLoadException : Exception
{
    public ModelLoadException()
    {
    }

    public ModelLoadException(string message)
        : base(message)
    {
    }

    public ModelLoadException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

namespace EdgeNode.Core;

/// <summary>
/// Thrown by an <see cref="IPipelinedInferenceEngine"/> when the remote half could not finish a frame and the engine is
/// configured not to run the whole model locally (split inference with <c>EdgeNode__Split__Fallback=cached</c>, for a
/// head board too weak for the whole backbone). The frame path then gives the frame its camera's last result, marked
/// <c>cached</c> as the change gate does; a camera with no result yet runs the whole model once, so every frame still
/// gets exactly one result.
/// </summary>
public sealed class RemoteInferenceUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public RemoteInferenceUnavailableException()
        : base("The remote half did not finish this frame and the local fallback is the cached result.")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public RemoteInferenceUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public RemoteInferenceUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

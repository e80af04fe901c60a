namespace EdgeNode.Inference.Updates;

/// <summary>A model update was refused; <see cref="Code"/> is the reply's error code (see <see cref="ModelUpdateErrors"/>).</summary>
public sealed class ModelUpdateException : Exception
{
    public ModelUpdateException()
        : this(ModelUpdateErrors.InvalidArgument, "Invalid model update.")
    {
    }

    public ModelUpdateException(string message)
        : this(ModelUpdateErrors.InvalidArgument, message)
    {
    }

    public ModelUpdateException(string message, Exception innerException)
        : base(message, innerException)
    {
        Code = ModelUpdateErrors.InvalidArgument;
    }

    /// <summary>Refuses with <paramref name="code"/> and <paramref name="message"/>.</summary>
    public ModelUpdateException(string code, string message)
        : base(message)
    {
        Code = code;
    }

    /// <summary>Refuses with <paramref name="code"/>, <paramref name="message"/> and the failure behind it.</summary>
    public ModelUpdateException(string code, string message, Exception innerException)
        : base(message, innerException)
    {
        Code = code;
    }

    /// <summary>The error code of the reply.</summary>
    public string Code { get; }
}

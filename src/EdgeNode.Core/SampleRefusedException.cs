namespace EdgeNode.Core;

/// <summary>
/// A sample the store will not keep, with nothing written: the bound on classes (<c>too_many_classes</c>) or on the
/// samples' bytes (<c>samples_full</c>) is reached, or the database is at its size cap (<c>storage_full</c>), where a
/// sample would make retention evict undelivered results. <see cref="Code"/> is the label verb's error code.
/// </summary>
public sealed class SampleRefusedException : IOException
{
    public SampleRefusedException()
    {
    }

    public SampleRefusedException(string message)
        : base(message)
    {
    }

    public SampleRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>A refusal with its error code.</summary>
    public SampleRefusedException(string code, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Code = code;
    }

    /// <summary><c>too_many_classes</c>, <c>samples_full</c> or <c>storage_full</c>.</summary>
    public string Code { get; } = "samples_full";
}

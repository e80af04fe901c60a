namespace EdgeNode.Pipeline;

/// <summary>Fails the start (exit 78) with every problem of the camera list, each naming its key.</summary>
internal sealed class CameraListValidator : IValidateOptions<CameraListOptions>
{
    public ValidateOptionsResult Validate(string? name, CameraListOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(options.Failures);
    }
}

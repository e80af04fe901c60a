using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace EdgeNode.Hosting;

/// <summary>
/// Data-annotation validation whose failures name the configuration key and its environment variable
/// (<c>EdgeNode:Mqtt:Port (EdgeNode__Mqtt__Port)</c>), so an operator knows exactly what to fix.
/// </summary>
/// <typeparam name="TOptions">The options type.</typeparam>
internal sealed class SectionValidator<TOptions>(string section) : IValidateOptions<TOptions>
    where TOptions : class
{
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        var results = new List<ValidationResult>();
        if (Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true))
        {
            return ValidateOptionsResult.Success;
        }

        var failures = results.Select(r =>
        {
            var key = $"{section}:{r.MemberNames.FirstOrDefault() ?? "?"}";
            return $"{key} ({key.Replace(":", "__", StringComparison.Ordinal)}): {r.ErrorMessage}";
        });
        return ValidateOptionsResult.Fail(failures);
    }
}

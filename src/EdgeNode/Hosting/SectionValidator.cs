using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.DependencyInjection;
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

/// <summary>Validation of a bound configuration section by <see cref="SectionValidator{TOptions}"/> at start.</summary>
internal static class SectionOptions
{
    /// <summary>
    /// Validates the options at start, naming the keys that fail. Bind first at the call site
    /// (<c>AddOptions&lt;T&gt;().BindConfiguration(section)</c>): the configuration-binding generator needs the concrete type there.
    /// </summary>
    public static OptionsBuilder<TOptions> ValidateSection<TOptions>(this OptionsBuilder<TOptions> options, string section)
        where TOptions : class
    {
        options.Services.AddSingleton<IValidateOptions<TOptions>>(new SectionValidator<TOptions>(section));
        return options.ValidateOnStart();
    }
}

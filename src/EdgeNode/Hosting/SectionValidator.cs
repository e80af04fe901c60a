using System.Collections;
using System.ComponentModel.DataAnnotations;
using System.Reflection;

namespace EdgeNode.Hosting;

/// <summary>
/// Data-annotation validation whose failures name the configuration key and its environment variable
/// (<c>EdgeNode:Mqtt:Port (EdgeNode__Mqtt__Port)</c>), so an operator knows exactly what to fix. Nested options
/// objects (<c>EdgeNode:Mqtt:Tls</c>) and lists of them are validated too, each under its own key.
/// </summary>
/// <typeparam name="TOptions">The options type.</typeparam>
internal sealed class SectionValidator<TOptions>(string section) : IValidateOptions<TOptions>
    where TOptions : class
{
    // Deep enough for any options tree here; a cycle (which options never have) stops at it.
    private const int MaxDepth = 8;

    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        Collect(options, section, failures, 0);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>The failure text for <paramref name="key"/>: the key, its environment variable, the message.</summary>
    public static string Describe(string key, string? message) => $"{key} ({key.Replace(":", "__", StringComparison.Ordinal)}): {message}";

    private static void Collect(object options, string key, List<string> failures, int depth)
    {
        var results = new List<ValidationResult>();
        if (!Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true))
        {
            failures.AddRange(results.Select(r => Describe($"{key}:{r.MemberNames.FirstOrDefault() ?? "?"}", r.ErrorMessage)));
        }

        if (depth >= MaxDepth)
        {
            return;
        }

        foreach (var property in options.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (!property.CanRead || property.GetIndexParameters().Length > 0 || property.GetValue(options) is not { } value)
            {
                continue;
            }

            if (IsOptions(value.GetType()))
            {
                Collect(value, $"{key}:{property.Name}", failures, depth + 1);
            }
            else if (value is IEnumerable items and not string)
            {
                // A list of options binds from KEY:0, KEY:1, …
                var index = 0;
                foreach (var item in items)
                {
                    if (item is not null && IsOptions(item.GetType()))
                    {
                        Collect(item, $"{key}:{property.Name}:{index}", failures, depth + 1);
                    }

                    index++;
                }
            }
        }
    }

    // The solution's own option classes; framework types (strings, Uri, collections) are values, not sections.
    private static bool IsOptions(Type type) =>
        type.IsClass && type.Namespace?.StartsWith("EdgeNode", StringComparison.Ordinal) == true;
}

using System.Text.Json;

namespace EdgeNode.Messaging.Commands;

/// <summary>Strict readers for command arguments; every failure is a <see cref="CommandException"/> (<c>invalid_argument</c>).</summary>
public static class CommandArguments
{
    /// <summary>Rejects any property not in <paramref name="allowed"/>.</summary>
    public static void RejectUnknown(JsonElement arguments, params ReadOnlySpan<string> allowed)
    {
        foreach (var property in arguments.EnumerateObject())
        {
            var known = false;
            foreach (var name in allowed)
            {
                known |= string.Equals(name, property.Name, StringComparison.Ordinal);
            }

            if (!known)
            {
                throw new CommandException($"Unknown field '{property.Name}'.");
            }
        }
    }

    /// <summary>A required string property.</summary>
    public static string RequiredString(JsonElement arguments, string name, int maxLength = 256)
    {
        if (!arguments.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.String)
        {
            throw new CommandException($"'{name}' must be a string.");
        }

        var text = value.GetString()!;
        if (text.Length == 0 || text.Length > maxLength)
        {
            throw new CommandException($"'{name}' must be 1 to {maxLength} characters.");
        }

        return text;
    }

    /// <summary>An optional string property (null when absent).</summary>
    public static string? OptionalString(JsonElement arguments, string name, int maxLength = 256) =>
        arguments.TryGetProperty(name, out _) ? RequiredString(arguments, name, maxLength) : null;

    /// <summary>A required integer property within [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static long RequiredInteger(JsonElement arguments, string name, long min, long max)
    {
        if (!arguments.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var number))
        {
            throw new CommandException($"'{name}' must be an integer.");
        }

        if (number < min || number > max)
        {
            throw new CommandException($"'{name}' must be between {min} and {max}.");
        }

        return number;
    }

    /// <summary>An optional integer property.</summary>
    public static long? OptionalInteger(JsonElement arguments, string name, long min, long max) =>
        arguments.TryGetProperty(name, out _) ? RequiredInteger(arguments, name, min, max) : null;
}

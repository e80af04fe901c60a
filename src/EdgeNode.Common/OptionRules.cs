using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace EdgeNode.Common;

/// <summary>Range checks for command-line options, each failing with one message that names the flag and the value given.</summary>
public static class OptionRules
{
    /// <summary>An integer in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static Option<int> Between(this Option<int> option, int min, int max)
    {
        ArgumentNullException.ThrowIfNull(option);
        option.Validators.Add(r => Check(r, r.GetValueOrDefault<int>() is var v && v >= min && v <= max, $"must be an integer between {min} and {max}"));
        return option;
    }

    /// <summary>When given, an integer in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public static Option<int?> Between(this Option<int?> option, int min, int max)
    {
        ArgumentNullException.ThrowIfNull(option);
        option.Validators.Add(r => Check(r, r.GetValueOrDefault<int?>() is not { } v || (v >= min && v <= max), $"must be an integer between {min} and {max}"));
        return option;
    }

    /// <summary>An integer above zero.</summary>
    public static Option<int> Positive(this Option<int> option)
    {
        ArgumentNullException.ThrowIfNull(option);
        option.Validators.Add(r => Check(r, r.GetValueOrDefault<int>() > 0, "must be a positive integer"));
        return option;
    }

    /// <summary>A number in [0, 1).</summary>
    public static Option<double> Fraction(this Option<double> option)
    {
        ArgumentNullException.ThrowIfNull(option);
        option.Validators.Add(r => Check(r, r.GetValueOrDefault<double>() is >= 0 and < 1, "must be a number in [0, 1)"));
        return option;
    }

    /// <summary>A finite number of at least zero.</summary>
    public static Option<double> NonNegative(this Option<double> option)
    {
        ArgumentNullException.ThrowIfNull(option);
        option.Validators.Add(r => Check(r, r.GetValueOrDefault<double>() is var v && v >= 0 && double.IsFinite(v), "must be a non-negative number"));
        return option;
    }

    /// <summary>
    /// Refuses a value that looks like a flag: System.CommandLine gives an unknown <c>--flag</c> to a positional argument
    /// that still takes values, where it should be a usage error.
    /// </summary>
    public static Argument<T> NoFlags<T>(this Argument<T> argument)
    {
        ArgumentNullException.ThrowIfNull(argument);
        argument.Validators.Add(r =>
        {
            if (r.Tokens.FirstOrDefault(t => t.Value.StartsWith('-')) is { } flag)
            {
                r.AddError($"Unrecognized command or argument '{flag.Value}'.");
            }
        });
        return argument;
    }

    private static void Check(OptionResult result, bool valid, string rule)
    {
        // Only what the user typed is checked: defaults are valid by construction.
        if (!valid && result.Tokens.Count > 0)
        {
            var given = string.Join(' ', result.Tokens.Select(t => t.Value));
            result.AddError(string.Create(CultureInfo.InvariantCulture, $"{result.Option.Name} {rule}, got '{given}'."));
        }
    }
}

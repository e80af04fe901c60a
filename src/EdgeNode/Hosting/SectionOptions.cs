namespace EdgeNode.Hosting;

/// <summary>The one options-validation pattern of the host: <see cref="SectionValidator{TOptions}"/> at start.</summary>
internal static class SectionOptions
{
    /// <summary>
    /// Validates the options at start, naming the keys that fail. Bind first at the call site
    /// (<c>AddOptions&lt;T&gt;().BindConfiguration(T.Section)</c>): the configuration-binding generator needs the concrete type there.
    /// </summary>
    public static OptionsBuilder<TOptions> ValidateSection<TOptions>(this OptionsBuilder<TOptions> options, string section)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Services.AddSingleton<IValidateOptions<TOptions>>(new SectionValidator<TOptions>(section));
        return options.ValidateOnStart();
    }
}

using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Grid.Hosting;

/// <summary>
/// Registers an options class the way every Grid options class is registered (this file is compiled into each package
/// that has options): bound from its configuration section strictly (<see cref="StrictBinding"/>: an unknown key such
/// as a misspelt <c>Grid__PartitonCount</c> fails naming the setting), checked by its source-generated validator, and
/// validated when the host starts (<c>ValidateOnStart</c>), so a bad setting stops start-up with an
/// <see cref="OptionsValidationException"/> whose failures each name a setting. Because the options come from the
/// options system, an application's own <c>Configure&lt;T&gt;</c>/<c>PostConfigure&lt;T&gt;</c> apply, and
/// <c>IOptionsMonitor&lt;T&gt;</c> sees configuration reloads.
/// </summary>
internal static class GridOptionsRegistration
{
    /// <summary>
    /// Adds <typeparamref name="TOptions"/> bound from <paramref name="section"/> (when the container has an
    /// <see cref="IConfiguration"/>), validated by <typeparamref name="TValidator"/> on start.
    /// </summary>
    /// <param name="services">The container.</param>
    /// <param name="section">The configuration section, e.g. <c>GridClient</c>; null for options set in code only (not bound).</param>
    /// <param name="name">The options name (named options); the default options when null.</param>
    /// <returns>The options builder, for the caller's own <c>Configure</c>.</returns>
    public static OptionsBuilder<TOptions> AddGridOptions<TOptions, TValidator>(this IServiceCollection services, string? section, string? name = null)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        ArgumentNullException.ThrowIfNull(services);
        name ??= Options.DefaultName;
        var builder = services.AddOptions<TOptions>(name);

        // Bound once per name, however often the package's Add method is called (binding a list twice would double it).
        if (section is not null && !services.Any(d => d.ServiceType == typeof(BoundSection<TOptions>) && d.ImplementationInstance is BoundSection<TOptions> bound && bound.Name == name))
        {
            services.AddSingleton(new BoundSection<TOptions>(name));
            builder.Configure<IServiceProvider>((options, provider) =>
            {
                if (provider.GetService<IConfiguration>() is { } configuration)
                {
                    StrictBinding.Bind(configuration, section, options);
                }
            });
            services.AddSingleton<IOptionsChangeTokenSource<TOptions>>(provider =>
                new ConfigurationChangeTokenSource<TOptions>(name, (IConfiguration?)provider.GetService<IConfiguration>()?.GetSection(section) ?? new ConfigurationBuilder().Build()));
        }

        builder.ValidateOnStart();

        // The validator checks every name of the options type: registered once, or each failure would be reported twice.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>, TValidator>());

        return builder;
    }

    /// <summary>
    /// Validates options handed over directly (not through the container), as start-up would: throws an
    /// <see cref="OptionsValidationException"/> listing every failure.
    /// </summary>
    public static TOptions ThrowIfInvalid<TOptions>(this IValidateOptions<TOptions> validator, TOptions options)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(options);
        var result = validator.Validate(Options.DefaultName, options);
        return result.Failed ? throw new OptionsValidationException(Options.DefaultName, typeof(TOptions), result.Failures) : options;
    }

    /// <summary>Marks a section as bound for options <typeparamref name="T"/> of one name.</summary>
    private sealed record BoundSection<T>(string Name);
}

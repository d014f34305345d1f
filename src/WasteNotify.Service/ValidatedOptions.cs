using Microsoft.Extensions.Options;

namespace WasteNotify.Service;

/// <summary>
/// Options for a command-line verb, bound and validated by the same options path as the host's
/// (<c>BindConfiguration</c> then <c>ValidateDataAnnotations</c>), so a verb refuses exactly what the service refuses.
/// </summary>
public static class ValidatedOptions
{
    /// <summary>The <paramref name="section"/> bound to <typeparamref name="T"/>; throws <see cref="OptionsValidationException"/> with every failure.</summary>
    public static T GetValidated<T>(this IConfiguration configuration, string section)
        where T : class
    {
        var services = new ServiceCollection().AddSingleton(configuration);
        services.AddOptions<T>().BindConfiguration(section).ValidateDataAnnotations();
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<T>>().Value;
    }

    /// <summary>Runs a verb; configuration it refuses (<see cref="GetValidated"/>) is reported, each failure on its line, with exit code 2.</summary>
    public static async Task<int> RefusingBadConfigurationAsync(Func<Task<int>> verb, TextWriter error)
    {
        try
        {
            return await verb();
        }
        catch (OptionsValidationException e)
        {
            foreach (var failure in e.Failures)
            {
                await error.WriteLineAsync($"configuration: {failure}");
            }

            return 2;
        }
    }
}

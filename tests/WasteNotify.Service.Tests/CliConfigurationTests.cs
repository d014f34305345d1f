using Microsoft.Extensions.Configuration;
using WasteNotify.Service.Eta;
using WasteNotify.Service.Ingest;

namespace WasteNotify.Service.Tests;

/// <summary>Every verb that reads settings refuses what the service refuses, the same way: each failure named, exit 2, before any file is read.</summary>
public sealed class CliConfigurationTests
{
    [Theory]
    [InlineData("evaluate", "Tracking:DwellSeconds", "-5", "DwellSeconds")]
    [InlineData("evaluate", "Eta:Training:HoldoutDays", "0", "HoldoutDays")]
    [InlineData("import-runs", "Tracking:TypicalSpeedMps", "90", "TypicalSpeedMps")]
    [InlineData("import-runs", "Ingest:MaxAge", "-1.00:00:00", "MaxAge")]
    [InlineData("telemetry", "Ingest:MaxAge", "-1.00:00:00", "MaxAge")]
    public async Task A_verb_refuses_the_configuration_the_service_refuses_naming_the_setting(string verb, string key, string value, string named)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [key] = value }).Build();
        var (output, error) = (new StringWriter(), new StringWriter());
        var ct = TestContext.Current.CancellationToken;
        // Files that exist (arguments are checked before the configuration) but are empty: the configuration is judged before they are read.
        var (stops, fixes) = (Path.GetTempFileName(), Path.GetTempFileName());

        var code = verb switch
        {
            "evaluate" => await EvaluateCommand.RunAsync(["evaluate", "--stops", stops, "--fixes", fixes], configuration, output, error, ct),
            "import-runs" => await ImportRunsCommand.RunAsync(["import-runs", "--stops", stops, "--fixes", fixes], configuration, output, error, TimeProvider.System, ct),
            _ => await TelemetryImportCommand.RunAsync(["telemetry", "import", "--file", fixes], configuration, output, error, TimeProvider.System, ct),
        };

        Assert.Equal(2, code);
        Assert.Contains("configuration: ", error.ToString(), StringComparison.Ordinal);
        Assert.Contains(named, error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(fixes, error.ToString(), StringComparison.Ordinal);
        File.Delete(stops);
        File.Delete(fixes);
    }
}

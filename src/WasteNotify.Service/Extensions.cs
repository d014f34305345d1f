using Microsoft.Extensions.Options;
using Microsoft.AspNetCore.Authentication;
using Npgsql;
using WasteNotify.Core.Telemetry;
using WasteNotify.Mqtt;
using WasteNotify.Service.City;
using WasteNotify.Service.Data;
using WasteNotify.Service.Eta;
using WasteNotify.Service.Ingest;
using WasteNotify.Service.Security;
using WasteNotify.Service.Tracking;
using WasteNotify.Service.Web;

namespace WasteNotify.Service;

public static class Extensions
{
    public static WebApplicationBuilder AddWasteNotify(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        services.AddProblemDetails();

        var connectionString = builder.Configuration.GetConnectionString("WasteNotify");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException("ConnectionStrings:WasteNotify is not set (environment: ConnectionStrings__WasteNotify)");
        }

        // Npgsql.DependencyInjection is not on the reachable registry; this is what its AddNpgsqlDataSource does.
        services.AddSingleton(sp => new NpgsqlDataSourceBuilder(connectionString)
            .UseLoggerFactory(sp.GetRequiredService<ILoggerFactory>())
            .Build());
        services.AddSingleton<DatabaseMigrator>();
        services.AddHostedService<MigrationService>();

        services.AddOptions<MqttClientOptions>().BindConfiguration("Mqtt").ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp => new MqttClient(sp.GetRequiredService<IOptions<MqttClientOptions>>().Value, sp.GetRequiredService<ILogger<MqttClient>>()));

        services.AddOptions<TelemetryLimits>().BindConfiguration("Ingest").ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<IngestOptions>().BindConfiguration("Ingest:Storage").ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<OwnTracksDirectory>();
        services.AddHostedService(sp => sp.GetRequiredService<OwnTracksDirectory>());
        services.AddSingleton(sp => new TelemetryParser(sp.GetRequiredService<IOptions<TelemetryLimits>>().Value, sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<OwnTracksDirectory>().TruckOf));
        services.AddSingleton<IngestMetrics>();
        services.AddSingleton<RejectionSample>();
        services.AddSingleton<TelemetryTable>();

        // The writer is registered first so that it stops last, after ingest has handed it every fix.
        services.AddSingleton<TelemetryWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<TelemetryWriter>());
        services.AddSingleton<TelemetryIngestService>();
        services.AddHostedService(sp => sp.GetRequiredService<TelemetryIngestService>());

        services.AddOptions<CityOptions>().BindConfiguration("City").ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<CityMap>();
        services.AddSingleton<RunScheduler>();
        services.AddHostedService(sp => sp.GetRequiredService<RunScheduler>());

        services.AddOptions<TrackingOptions>().BindConfiguration("Tracking").ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<LiveRuns>();
        services.AddSingleton<TrackingService>();
        services.AddHostedService(sp => sp.GetRequiredService<TrackingService>());

        services.AddOptions<EtaTrainingOptions>().BindConfiguration("Eta:Training").ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<NightlyTrainingOptions>().BindConfiguration("Eta:Nightly").ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(sp => new EtaTraining(sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<CityMap>(),
            sp.GetRequiredService<IOptions<TrackingOptions>>().Value, sp.GetRequiredService<IOptions<EtaTrainingOptions>>().Value,
            sp.GetRequiredService<RunScheduler>().Zone));
        services.AddHostedService<NightlyTrainingService>();

        services.AddSingleton<ApiKeys>();
        services.AddAuthentication(ApiKeyAuthentication.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthentication>(ApiKeyAuthentication.SchemeName, null);
        services.AddAuthorization(Policies.Add);
        services.AddOpenApi(options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "WasteNotify";
            document.Info.Description = "Operator API. Every endpoint but /health needs an API key in the X-Api-Key header (wastenotify apikey create --role operator).";
            return Task.CompletedTask;
        }));

        services.AddHealthChecks()
            .AddCheck<BrokerHealthCheck>("mqtt")
            .AddCheck<DatabaseHealthCheck>("database");
        return builder;
    }

    public static WebApplication MapWasteNotify(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapOpenApi().RequireAuthorization(Policies.Read);
        app.MapOperations();
        app.MapCity();
        app.MapBuildings();
        app.MapTrucks();
        app.MapRoutes();
        app.MapRuns();
        app.MapTracking();
        return app;
    }
}

using Microsoft.Extensions.Options;
using Microsoft.AspNetCore.Authentication;
using Npgsql;
using WasteNotify.Core.Telemetry;
using WasteNotify.Messaging;
using WasteNotify.Service.City;
using WasteNotify.Service.Data;
using WasteNotify.Service.Eta;
using WasteNotify.Core.Notifications;
using WasteNotify.Service.Ingest;
using WasteNotify.Service.Live;
using WasteNotify.Service.Notifications;
using WasteNotify.Service.Security;
using WasteNotify.Service.Tracking;
using WasteNotify.Service.Web;
using WasteNotify.Twilio;

namespace WasteNotify.Service;

public static class Extensions
{
    public static WebApplicationBuilder AddWasteNotify(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        services.AddProblemDetails();
        services.AddOptions<ApiLimits>().BindConfiguration("Api").ValidateDataAnnotations().ValidateOnStart();

        var connectionString = builder.Configuration.GetConnectionString("WasteNotify");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException("ConnectionStrings:WasteNotify is not set (environment: ConnectionStrings__WasteNotify)");
        }

        services.AddNpgsqlDataSource(connectionString);
        services.AddSingleton<DatabaseMigrator>();
        services.AddHostedService<MigrationService>();

        services.AddOptions<MqttSettings>().BindConfiguration("Mqtt").ValidateDataAnnotations().ValidateOnStart();
        // Disposed by the container after every hosted service has stopped, so the writer's last acknowledgements go out first.
        services.AddSingleton(sp => new MqttConnection(sp.GetRequiredService<IOptions<MqttSettings>>().Value, manualAcknowledgement: true,
            sp.GetRequiredService<ILogger<MqttConnection>>(), sp.GetRequiredService<TimeProvider>()));

        services.AddOptions<TelemetryLimits>().BindConfiguration("Ingest").ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<IngestOptions>().BindConfiguration("Ingest:Storage").ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<KnownTrucks>();
        services.AddSingleton<TruckDirectory>();
        services.AddHostedService(sp => sp.GetRequiredService<TruckDirectory>());
        services.AddSingleton(sp => new TelemetryParser(sp.GetRequiredService<IOptions<TelemetryLimits>>().Value, sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<KnownTrucks>()));
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

        AddNotifications(builder);

        services.AddSingleton<ApiKeys>();
        services.AddAuthentication(ApiKeyAuthentication.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthentication>(ApiKeyAuthentication.SchemeName, null)
            .AddScheme<AuthenticationSchemeOptions, BuildingLinkAuthentication>(BuildingLinkAuthentication.SchemeName, null);
        services.AddAuthorization(Policies.Add);
        services.AddApiDocumentation();

        services.AddHealthChecks()
            .AddCheck<BrokerHealthCheck>("mqtt")
            .AddCheck<DatabaseHealthCheck>("database");
        return builder;
    }

    private static void AddNotifications(WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<NotificationOptions>().BindConfiguration("Notifications").ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<AlertRules>().BindConfiguration("Notifications:Rules").ValidateDataAnnotations().ValidateOnStart();
        var sms = services.AddOptions<SmsOptions>().BindConfiguration("Notifications:Sms").ValidateDataAnnotations().ValidateOnStart();
        var twilio = services.AddOptions<TwilioOptions>().BindConfiguration("Twilio");
        if (!string.IsNullOrEmpty(builder.Configuration["Twilio:AccountSid"]))
        {
            twilio.ValidateDataAnnotations().ValidateOnStart();
            sms.Validate(o => o.Senders.Count > 0 || !string.IsNullOrEmpty(o.MessagingServiceSid),
                "With Twilio configured, Notifications:Sms needs Senders (E.164 numbers) or a MessagingServiceSid");
            services.AddHttpClient(nameof(TwilioClient), (sp, http) => http.Timeout = sp.GetRequiredService<IOptions<TwilioOptions>>().Value.Timeout);
            services.AddSingleton<ISmsSender>(sp => new TwilioSmsSender(
                () => new TwilioClient(sp.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(TwilioClient)), sp.GetRequiredService<IOptions<TwilioOptions>>().Value),
                sp.GetRequiredService<IOptions<SmsOptions>>().Value));
        }
        else
        {
            services.AddSingleton<ISmsSender, LogSmsSender>();
        }

        services.AddSingleton<SignedLinks>();
        services.AddSingleton(sp => new AlertPolicy(sp.GetRequiredService<IOptions<AlertRules>>().Value, sp.GetRequiredService<RunScheduler>().Zone));
        services.AddSingleton<SubscriberDirectory>();
        services.AddSingleton(sp => new AlertTemplates(sp.GetRequiredService<NpgsqlDataSource>(), sp.GetRequiredService<RunScheduler>().Zone));
        services.AddSingleton<OutboxDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<OutboxDispatcher>());
        services.AddSingleton<LivePush>();
        services.AddHostedService(sp => sp.GetRequiredService<LivePush>());
        services.AddSingleton<NotifierService>();
        services.AddHostedService(sp => sp.GetRequiredService<NotifierService>());
        services.AddSignalR();
        services.AddRateLimiter(SignupEndpoints.RateLimit);
    }

    public static WebApplication MapWasteNotify(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseBodyLimits();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.MapApiDocumentation();
        app.MapOperations();
        app.MapCity();
        app.MapBuildings();
        app.MapTrucks();
        app.MapRoutes();
        app.MapRuns();
        app.MapTracking();
        app.MapTwilioWebhooks();
        app.MapNotifications();
        app.MapHub<FleetHub>(ApiKeyAuthentication.FleetHubPath);
        app.MapHub<BuildingHub>(BuildingLinkAuthentication.BuildingHubPath);
        return app;
    }
}

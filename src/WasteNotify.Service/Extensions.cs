using System.Threading.Channels;
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
using WasteNotify.Service.Http;
using WasteNotify.Service.Operations;
using WasteNotify.Service.Pilot;
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
        AddPipelineLinks(services);

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
        services.AddSingleton<FleetClock>();
        services.AddSingleton(sp => new LiveRuns([
            sp.GetRequiredKeyedService<StageChannel<RunUpdate>>(PipelineLinks.RunUpdatesToNotifier),
            sp.GetRequiredKeyedService<StageChannel<RunUpdate>>(PipelineLinks.RunUpdatesToLive)]));
        services.AddSingleton<ArrivalModelLoader>(EtaModel.Load); // the Eta stage's model, served by tracking
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

        services.AddWasteNotifyMetrics();
        services.AddHealthChecks()
            .AddCheck<BrokerHealthCheck>("mqtt")
            .AddCheck<DatabaseHealthCheck>("database");
        return builder;
    }

    /// <summary>
    /// The links between the stages, each a bounded <see cref="StageChannel{T}"/> under its name: ingest's writer →
    /// tracking (stored fixes; waits when full), tracking → the notifier and → the live pushes (every run update fanned
    /// out by <see cref="LiveRuns"/>; each drops its oldest when its consumer is behind), the notifier → the live pushes
    /// (decided alerts). A stage takes its inbox by name; no stage holds the next one.
    /// </summary>
    private static void AddPipelineLinks(IServiceCollection services)
    {
        const int LiveCapacity = 10_000; // the pages want the latest state; a run's next update carries all of it
        services.AddKeyedSingleton(PipelineLinks.StoredFixes, (sp, _) => new StageChannel<IReadOnlyList<TelemetryFix>>(
            PipelineLinks.StoredFixes, sp.GetRequiredService<IOptions<TrackingOptions>>().Value.QueueCapacity, BoundedChannelFullMode.Wait));
        services.AddKeyedSingleton(PipelineLinks.RunUpdatesToNotifier, (sp, _) => new StageChannel<RunUpdate>(
            PipelineLinks.RunUpdatesToNotifier, sp.GetRequiredService<IOptions<NotificationOptions>>().Value.QueueCapacity, BoundedChannelFullMode.DropOldest));
        services.AddKeyedSingleton(PipelineLinks.RunUpdatesToLive, (sp, _) => new StageChannel<RunUpdate>(
            PipelineLinks.RunUpdatesToLive, LiveCapacity, BoundedChannelFullMode.DropOldest));
        services.AddKeyedSingleton(PipelineLinks.DecidedAlerts, (sp, _) => new StageChannel<DecidedAlert>(
            PipelineLinks.DecidedAlerts, LiveCapacity, BoundedChannelFullMode.DropOldest));
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

        services.AddOptions<SignedLinkOptions>().BindConfiguration("Notifications").ValidateDataAnnotations().ValidateOnStart();
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
        services.AddOptions<DashboardOptions>().BindConfiguration("Dashboard").ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<PilotOptions>().BindConfiguration("Pilot").ValidateDataAnnotations().ValidateOnStart();
        services.AddOutputCache(); // the open data: public, and each answer reads a whole period
        services.AddSignalR();
        services.AddRateLimiter(SignupEndpoints.RateLimit);
    }

    public static WebApplication MapWasteNotify(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UsePages();
        app.UseBodyLimits();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.UseOutputCache();
        app.MapApiDocumentation();
        app.MapOperations();
        app.MapCity();
        app.MapBuildings();
        app.MapTrucks();
        app.MapRoutes();
        app.MapRuns();
        app.MapTracking();
        app.MapApiKeys();
        app.MapTwilioWebhooks();
        app.MapNotifications();
        app.MapHub<FleetHub>(ApiKeyAuthentication.FleetHubPath);
        app.MapHub<BuildingHub>(BuildingLinkAuthentication.BuildingHubPath);
        app.MapBuildingPage();
        app.MapDashboard();
        app.MapPilot();
        return app;
    }
}

using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using WasteNotify.Testing;

namespace WasteNotify.Service.Tests.Tracking;

/// <summary>
/// The service as its own process (the build's wastenotify.dll), for what an in-process host cannot show: being
/// killed. Configured like <see cref="ServiceHost"/>: its own topic prefix and a persistent MQTT session.
/// </summary>
internal sealed class ServiceProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output;

    private readonly string _url;

    private ServiceProcess(Process process, StringBuilder output, string url) => (_process, _output, _url) = (process, output, url);

    /// <summary>Its address (http://127.0.0.1:port).</summary>
    public string Url => _url;

    /// <summary>What /health says now (the broker check tells how many messages are unacknowledged), for assertion messages.</summary>
    public async Task<string> HealthAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            return await http.GetStringAsync($"{_url}/health");
        }
        catch (HttpRequestException ex)
        {
            return $"(no health: {ex.Message})";
        }
    }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <param name="url">Its address; a restarted service given the same one is reached where the first was (webhooks).</param>
    public static async Task<ServiceProcess> StartAsync(string connectionString, string topicPrefix, string clientId,
        IReadOnlyDictionary<string, string>? settings = null, string? url = null)
    {
        url ??= $"http://127.0.0.1:{TestEnvironment.FreeTcpPort()}";
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "wastenotify.dll"));
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add(url);
        foreach (var (key, value) in new Dictionary<string, string>
                 {
                     ["ConnectionStrings__WasteNotify"] = connectionString,
                     ["Mqtt__Host"] = TestEnvironment.MqttHost,
                     ["Mqtt__Port"] = TestEnvironment.MqttPort.ToString(CultureInfo.InvariantCulture),
                     ["Mqtt__ClientId"] = clientId,
                     ["Mqtt__Username"] = TestEnvironment.MqttUsername ?? "",
                     ["Mqtt__Password"] = TestEnvironment.MqttPassword ?? "",
                     ["Mqtt__CleanSession"] = "false",
                     ["Mqtt__SessionExpiry"] = TestEnvironment.SessionExpiry.ToString("c", CultureInfo.InvariantCulture),
                     ["Ingest__TopicPrefix"] = topicPrefix,
                     ["Ingest__OwnTracksPrefix"] = topicPrefix + "-ot",
                     ["Tracking__CheckEvery"] = "00:00:00.200",
                     ["Logging__LogLevel__Default"] = "Warning",
                     ["Logging__LogLevel__WasteNotify.Service.Tracking"] = "Information",
                     ["Notifications__SigningKey"] = TestEnvironment.SigningKey,
                     ["Notifications__PublicBaseUrl"] = url + "/",
                     ["Notifications__Sms__PollEvery"] = "00:00:00.100",
                 }.Concat(settings ?? new Dictionary<string, string>()))
        {
            info.Environment[key] = value;
        }

        var output = new StringBuilder();
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start the service");
        DataReceivedEventHandler append = (_, e) =>
        {
            lock (output)
            {
                output.AppendLine(e.Data);
            }
        };
        process.OutputDataReceived += append;
        process.ErrorDataReceived += append;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var service = new ServiceProcess(process, output, url);

        // Healthy means subscribed: fixes published from then on reach it (and, with its session, while it is down).
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var healthy = await TestEnvironment.EventuallyAsync(async () =>
        {
            try
            {
                return !process.HasExited && (await http.GetAsync($"{url}/health")).StatusCode == HttpStatusCode.OK;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // Not up yet, or too busy to answer within the client's timeout.
                return false;
            }
        }, TimeSpan.FromSeconds(60));
        if (!healthy)
        {
            await service.DisposeAsync();
            throw new InvalidOperationException($"the service did not become healthy:\n{service.Output}");
        }

        return service;
    }

    /// <summary>SIGKILL: no shutdown, no flush; whatever was only in memory is gone.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (!_process.HasExited)
        {
            await KillAsync();
        }

        _process.Dispose();
    }

    private bool _disposed;
}

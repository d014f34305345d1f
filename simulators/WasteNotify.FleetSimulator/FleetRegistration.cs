using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using WasteNotify.Core.City;
using WasteNotify.FleetSimulator.Simulation;

namespace WasteNotify.FleetSimulator;

/// <summary>
/// Makes the service know a simulated fleet through its operator API, before the fleet publishes: a truck per route
/// (the route's id), the buildings, the routes with the simulator's own street path and stop order, driven every day
/// from the simulated day's start, and the runs of the simulated dates. Registering the same fleet again changes nothing.
/// </summary>
internal sealed class FleetRegistration(HttpClient http, TextWriter log) : IDisposable
{
    private static readonly DayOfWeek[] EveryDay = Enum.GetValues<DayOfWeek>();

    public static FleetRegistration Create(Uri service, string apiKey, TextWriter log)
    {
        var http = new HttpClient { BaseAddress = service, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Add("X-Api-Key", apiKey);
        return new FleetRegistration(http, log);
    }

    public async Task RegisterAsync(FleetPlan plan, int citySeed, TimeZoneInfo zone, TimeOnly plannedStart, IReadOnlyList<DateOnly> dates, CancellationToken ct)
    {
        // The simulated streets must be the service's: its routes' paths and the buildings' snapping come from them.
        var city = await SendAsync<CityView>(HttpMethod.Get, "/api/city", null, ct);
        if (city.Source != $"procedural:{citySeed}")
        {
            throw new RegistrationException($"the service's streets are '{city.Source}', not the simulator's 'procedural:{citySeed}' (start the service with City__Seed={citySeed}, or pass the service's --city-seed)");
        }

        var depot = plan.City.Network.Position(plan.City.DepotNode);
        foreach (var (truck, _, _) in plan.Routes)
        {
            await SendAsync(HttpMethod.Put, $"/api/trucks/{truck}", JsonContent.Create(new { name = $"Simulated truck {truck}", depotLat = depot.Latitude, depotLon = depot.Longitude }), ct);
        }

        var csv = new StringWriter(CultureInfo.InvariantCulture);
        BuildingCsv.Write(csv, plan.Buildings);
        await SendAsync(HttpMethod.Post, "/api/buildings/import", new StringContent(csv.ToString(), Encoding.UTF8, "text/csv"), ct);

        // Only routes the service does not hold as they are: importing one replaces it, and with it its runs.
        var buildings = plan.Buildings.ToDictionary(b => b.Id, StringComparer.Ordinal);
        var wanted = AsImported(plan.Routes.Select(r => new CollectionRoute(r.TruckId, r.TruckId, [.. r.Stops.Select(s => s.BuildingId)], r.Path, new RouteSchedule(EveryDay, plannedStart))), buildings);
        var held = (await AllAsync<RouteView>("/api/routes?limit=1000", ct)).ToDictionary(r => r.Id, StringComparer.Ordinal);
        var changed = wanted.Where(r => !(held.TryGetValue(r.Id, out var h) && h.Matches(r))).ToList();
        if (changed.Count > 0)
        {
            var geojson = new MemoryStream();
            RouteGeoJson.Write(geojson, changed, buildings);
            await SendAsync(HttpMethod.Post, "/api/routes/import", new ByteArrayContent(geojson.ToArray()) { Headers = { ContentType = new("application/geo+json") } }, ct);
        }

        foreach (var date in dates)
        {
            var runs = await SendAsync<CreatedRuns>(HttpMethod.Post, "/api/runs", JsonContent.Create(new { date = date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) }), ct);
            var local = date.ToDateTime(plannedStart);
            var expected = new DateTimeOffset(local, zone.GetUtcOffset(local));
            foreach (var (truck, _, _) in plan.Routes)
            {
                var run = runs.Runs.FirstOrDefault(r => r.RouteId == truck)
                    ?? throw new RegistrationException($"the service made no run of route {truck} on {date:yyyy-MM-dd}");
                if (run.PlannedStart != expected)
                {
                    throw new RegistrationException($"the service plans the run of route {truck} on {date:yyyy-MM-dd} at {run.PlannedStart:u}, not at {expected:u} when the simulated day starts: is its City__TimeZone --time-zone {zone.Id}?");
                }
            }
        }

        await log.WriteLineAsync($"register: {plan.Routes.Count} trucks, {plan.Buildings.Count} buildings, {changed.Count} routes imported and {plan.Routes.Count - changed.Count} already up to date, "
            + $"every day from {plannedStart:HH\\:mm}; runs of {string.Join(", ", dates.Select(d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)))} at {http.BaseAddress}");
    }

    /// <summary>
    /// Another run of every route, beside its scheduled one, starting at <paramref name="plannedStart"/>: live's runs
    /// after the first (a route may run several times a day, each run once per start).
    /// </summary>
    public async Task AddRunsAsync(FleetPlan plan, DateTimeOffset plannedStart, CancellationToken ct)
    {
        foreach (var (truck, _, _) in plan.Routes)
        {
            await SendAsync(HttpMethod.Post, $"/api/routes/{Uri.EscapeDataString(truck)}/runs", JsonContent.Create(new { plannedStart, truckId = truck }), ct);
        }

        await log.WriteLineAsync($"register: {plan.Routes.Count} more runs at {plannedStart:yyyy-MM-dd HH:mm zzz}");
    }

    /// <summary>
    /// Demo concierges: one per building for the first <paramref name="perRoute"/> stops of each route, with a made-up
    /// French mobile number, subscribed to every alert by SMS and on the web (already registered ones are left as they are).
    /// </summary>
    public async Task SubscribeAsync(FleetPlan plan, int perRoute, CancellationToken ct)
    {
        var added = 0;
        foreach (var ((_, stops, _), t) in plan.Routes.Select((r, t) => (r, t)))
        {
            foreach (var (stop, i) in stops.Take(perRoute).Select((s, i) => (s, i)))
            {
                var concierge = new
                {
                    name = $"Concierge of {stop.BuildingId}",
                    phone = string.Create(CultureInfo.InvariantCulture, $"+3375{t:D3}{i:D4}"),
                    language = "fr",
                    consent = new { source = "simulated demo concierge" },
                    subscriptions = new[] { new { buildingId = stop.BuildingId, channels = new[] { "sms", "web" } } },
                };
                using var response = await http.PostAsJsonAsync("/api/concierges", concierge, ct);
                if (response.StatusCode == System.Net.HttpStatusCode.Conflict)
                {
                    continue;
                }

                if (!response.IsSuccessStatusCode)
                {
                    throw await RegistrationException.RefusedAsync(response, ct);
                }

                added++;
            }

        }

        await log.WriteLineAsync($"register: {added} demo concierges subscribed (the first {perRoute} buildings of each route)");
    }

    /// <summary>
    /// The simulated concierges of a pilot: for each run of <paramref name="dates"/> and each building alerted, what
    /// its concierge did (<see cref="ConciergeBehaviour"/>, drawn from <paramref name="seed"/>), entered as an operator
    /// would (PUT /api/runs/{id}/bins/{building}). Returns the collections alerted and the reports entered.
    /// </summary>
    public async Task<(int Alerted, int Reported)> ReactAsync(IReadOnlyList<DateOnly> dates, ConciergeBehaviour behaviour, int seed, CancellationToken ct)
    {
        var random = new Random(seed);
        var (alerted, reported) = (0, 0);
        foreach (var date in dates)
        {
            foreach (var run in await AllAsync<RunItem>($"/api/runs?date={date:yyyy-MM-dd}&limit=1000", ct))
            {
                var alerts = await AllAsync<AlertItem>($"/api/alerts?runId={run.Id}&limit=1000", ct);
                foreach (var building in alerts.GroupBy(a => a.BuildingId, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
                {
                    var approaching = building.Where(a => a.Kind == "approaching").Select(a => (DateTimeOffset?)a.At).Min();
                    if (approaching is null && building.All(a => a.Kind != "collected"))
                    {
                        continue;
                    }

                    alerted++;
                    var collected = building.Where(a => a.Kind == "collected").Select(a => (DateTimeOffset?)a.At).Min();
                    var (binsOut, binsIn) = behaviour.React(random, run.PlannedStart, approaching, collected);
                    if (binsOut is null && binsIn is null)
                    {
                        continue;
                    }

                    await SendAsync(HttpMethod.Put, $"/api/runs/{run.Id}/bins/{Uri.EscapeDataString(building.Key)}",
                        JsonContent.Create(new { binsOutAt = binsOut, binsInAt = binsIn }), ct);
                    reported++;
                }
            }
        }

        await log.WriteLineAsync($"concierges: {alerted} collections alerted, {reported} with bins reported");
        return (alerted, reported);
    }

    /// <summary>Whether every run of <paramref name="dates"/> is over (finished or cancelled): the pilot's wait before training or reacting.</summary>
    public async Task<bool> RunsOverAsync(IReadOnlyList<DateOnly> dates, CancellationToken ct)
    {
        foreach (var date in dates)
        {
            if ((await AllAsync<RunItem>($"/api/runs?date={date:yyyy-MM-dd}&limit=1000", ct)).Any(r => r.Status is not ("finished" or "cancelled")))
            {
                return false;
            }
        }

        return true;
    }

    public void Dispose() => http.Dispose();

    /// <summary>The routes as the service stores them once imported: GeoJSON carries positions to 7 decimals (about 1 cm).</summary>
    private static IReadOnlyList<CollectionRoute> AsImported(IEnumerable<CollectionRoute> routes, Dictionary<string, Building> buildings)
    {
        var geojson = new MemoryStream();
        RouteGeoJson.Write(geojson, routes, buildings);
        geojson.Position = 0;
        return RouteGeoJson.Read(geojson, buildings.Keys.ToHashSet(StringComparer.Ordinal));
    }

    private Task SendAsync(HttpMethod method, string path, HttpContent content, CancellationToken ct) => SendAsync<JsonElement>(method, path, content, ct);

    private async Task<T> SendAsync<T>(HttpMethod method, string path, HttpContent? content, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, ct);
        }
        catch (HttpRequestException ex)
        {
            throw new RegistrationException($"{method} {request.RequestUri}: the service does not answer ({ex.Message})", ex);
        }
        catch (TaskCanceledException ex) when (!ct.IsCancellationRequested)
        {
            throw new RegistrationException($"{method} {request.RequestUri}: no answer within {http.Timeout.TotalSeconds:N0} s", ex);
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                throw await RegistrationException.RefusedAsync(response, ct);
            }

            return (await response.Content.ReadFromJsonAsync<T>(ct))!;
        }
    }

    /// <summary>Every item of one of the service's paged lists, following its next links.</summary>
    private async Task<List<T>> AllAsync<T>(string path, CancellationToken ct)
    {
        var items = new List<T>();
        for (string? next = path; next is not null;)
        {
            var page = await SendAsync<Page<T>>(HttpMethod.Get, next, null, ct);
            items.AddRange(page.Items);
            next = page.Next;
        }

        return items;
    }

    private sealed record Page<T>(T[] Items, string? Next);

    private sealed record CityView(string Source);

    private sealed record RunItem(long Id, string RouteId, DateTimeOffset PlannedStart, string Status);

    private sealed record AlertItem(string Kind, string BuildingId, DateTimeOffset At);

    private sealed record RunView(string RouteId, DateTimeOffset PlannedStart);

    private sealed record CreatedRuns(int Created, RunView[] Runs);

    private sealed record RouteView(string Id, string? TruckId, string[] Weekdays, string? PlannedStart, string[] Stops, double[][] Path)
    {
        public bool Matches(CollectionRoute route) =>
            TruckId == route.TruckId
            && PlannedStart == route.Schedule?.PlannedStart.ToString("HH:mm", CultureInfo.InvariantCulture)
            && Weekdays.Order(StringComparer.Ordinal).SequenceEqual((route.Schedule?.Weekdays ?? []).Select(d => d.ToString()).Order(StringComparer.Ordinal))
            && Stops.SequenceEqual(route.Stops)
            && Path.Length == route.Path.Count
            && Path.Zip(route.Path).All(p => p.First[0] == p.Second.Latitude && p.First[1] == p.Second.Longitude);
    }
}

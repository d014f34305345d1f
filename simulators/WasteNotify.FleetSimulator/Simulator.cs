using System.CommandLine;
using System.CommandLine.Help;
using System.Globalization;
using System.Numerics;
using WasteNotify.FleetSimulator.Simulation;

namespace WasteNotify.FleetSimulator;

/// <summary>
/// The command line (System.CommandLine): a mode (live, history, load, replay) with its options, the broker's options
/// shared by all; every knob is described in README.md and in <c>--help</c>.
/// </summary>
internal static class Simulator
{
    /// <summary>
    /// Runs the mode <paramref name="args"/> name. A usage error (an unknown option, a value out of range, options that
    /// do not go together) throws <see cref="ArgumentException"/>; <see cref="Help"/> gives the help to print with it.
    /// </summary>
    public static async Task<int> RunAsync(string[] args, TextWriter log, TimeProvider time, CancellationToken ct)
    {
        var parsed = Root(log, time).Parse(args);
        if (parsed.Errors.Count > 0)
        {
            throw new ArgumentException(string.Join("\n", parsed.Errors.Select(e => e.Message)));
        }

        return await parsed.InvokeAsync(new InvocationConfiguration { Output = log, EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null }, ct);
    }

    /// <summary>The help of the mode <paramref name="args"/> name (or of the whole command when they name none), as --help prints it.</summary>
    public static string Help(string[] args)
    {
        var root = Root(TextWriter.Null, TimeProvider.System);
        var path = root.Parse(args).CommandResult is { Parent: not null } mode ? [mode.Command.Name, "--help"] : new[] { "--help" };
        var help = new StringWriter();
        root.Parse(path).Invoke(new InvocationConfiguration { Output = help });
        return help.ToString();
    }

    private static Command Root(TextWriter log, TimeProvider time)
    {
        var broker = new BrokerOptions();
        var prefix = Text("--prefix", "wastenotify", "the service's topic prefix (Ingest:TopicPrefix)", "PREFIX");
        var ownTracks = new Option<bool>("--owntracks") { Description = "publish as the OwnTracks app does (owntracks/TRUCK/sim), not the trucks' own JSON" };
        var seed = Whole("--seed", 1, int.MinValue, int.MaxValue, "the random seed of the fleet's days and fixes");
        // Named as the program is run (dotnet WasteNotify.FleetSimulator.dll), whichever process hosts it.
        var root = new Command("WasteNotify.FleetSimulator", "Garbage trucks over MQTT, with ground truth: a live day, past days, a load test or a recorded trace replayed.")
        {
            new HelpOption(), Recursive(prefix), Recursive(ownTracks), Recursive(seed),
        };
        foreach (var option in broker.All)
        {
            root.Add(Recursive(option));
        }

        root.Add(Replay(log, time, broker, prefix, ownTracks));
        var citySeed = Whole("--city-seed", 1, int.MinValue, int.MaxValue, "the procedural city's seed (the service's City:Seed)");
        var interval = Whole("--interval", 5, 1, 120, "seconds between a truck's fixes (real trackers: 15 to 120)");
        var zone = Text("--time-zone", "Europe/Paris", "the city's time zone (IANA id)", "ZONE");
        var buildings = Whole("--buildings", 60, 1, 5_000, "buildings in the fleet's routes");
        var register = Text("--register", null, "the service's address (http://127.0.0.1:5280): the fleet (trucks, buildings, routes, the simulated days' runs) is registered there first", "URL");
        var apiKey = Text("--api-key", null, "with --register: an operator or admin key", "KEY");

        var liveTrucks = Whole("--trucks", 4, 1, 100_000, "trucks in the fleet");
        var liveSpeed = Number("--speed", 1, 1, 10_000, "simulated seconds per second");
        var truth = Text("--truth", null, "a folder for the day's ground truth (arrivals, departures, passes)", "DIR");
        var concierges = Whole("--concierges", 0, 0, 10_000, "with --register: a demo concierge subscribed to each of the first N buildings of every route");
        var liveRuns = Whole("--runs", 1, 0, 10_000, "runs of every truck one after another, each a new day's simulation (0: until stopped, at --speed 1 only)");
        var live = new Command("live", "Today's runs, driven now at --speed: at real time the first starts now, faster the last ends now.")
        {
            liveTrucks, buildings, liveSpeed, liveRuns, interval, citySeed, zone, truth, register, apiKey, concierges,
        };
        live.SetAction(async (parsed, ct) =>
        {
            var concierge = parsed.GetValue(concierges);
            using var registration = Registration(parsed.GetValue(register), parsed.GetValue(apiKey), log);
            if (concierge > 0 && registration is null)
            {
                throw new ArgumentException("--concierges goes with --register URL --api-key KEY");
            }

            var (fleet, gps, timeZone) = (FleetPlan.Create(parsed.GetValue(citySeed), parsed.GetValue(liveTrucks), parsed.GetValue(buildings), parsed.GetValue(seed)),
                new GpsOptions { IntervalSeconds = parsed.GetValue(interval) }, Zone(parsed.GetRequiredValue(zone)));
            var speed = parsed.GetValue(liveSpeed);
            var series = SimulatedModes.PlanRuns(fleet, speed, parsed.GetValue(liveRuns), new SimulationOptions(), gps, parsed.GetValue(seed), timeZone, time);
            FixPublisher? publisher = null;
            try
            {
                var (launch, run) = (time.GetTimestamp(), 0);
                DateTimeOffset? first = null;
                foreach (var day in series)
                {
                    // Each run starts when its event time comes at this speed (the pause between runs included).
                    first ??= day.Start + day.Shift;
                    var due = ((day.Start + day.Shift - first.Value) / speed) - time.GetElapsedTime(launch);
                    if (due > TimeSpan.Zero)
                    {
                        await Task.Delay(due, time, ct);
                    }

                    if (registration is not null && run == 0)
                    {
                        var (date, start) = day.PlannedStart(timeZone);
                        await registration.RegisterAsync(fleet, parsed.GetValue(citySeed), timeZone, start, [date], ct);
                        if (concierge > 0)
                        {
                            await registration.SubscribeAsync(fleet, concierge, ct);
                        }
                    }
                    else if (registration is not null)
                    {
                        await registration.AddRunsAsync(fleet, day.PlannedAt(timeZone), ct);
                    }

                    publisher ??= await FixPublisher.ConnectAsync(broker.Read(parsed), parsed.GetRequiredValue(prefix), parsed.GetValue(ownTracks), ct);
                    var truthDirectory = parsed.GetValue(truth) is { } folder && run > 0 ? Path.Combine(folder, $"run-{run + 1}") : parsed.GetValue(truth);
                    await SimulatedModes.LiveAsync(day, publisher, speed, truthDirectory, time, log, ct);
                    run++;
                }
            }
            finally
            {
                if (publisher is not null)
                {
                    await publisher.DisposeAsync();
                }
            }

            return 0;
        });
        root.Add(live);

        var historyTrucks = Whole("--trucks", 10, 1, 100_000, "trucks in the fleet");
        var days = Whole("--days", 28, 1, 366, "past days, ending --ending days ago");
        var ending = Whole("--ending", 1, 1, 3_650, "how many days ago the last one is (1: yesterday)");
        var output = new Option<string>("--out") { Required = true, HelpName = "DIR", Description = "the folder for the days' fixes and ground truth" };
        var publish = new Option<bool>("--publish") { Description = "also publish the fixes to the broker" };
        var historyConcierges = Whole("--concierges", 0, 0, 10_000, "with --register: a simulated concierge subscribed to each of the first N buildings of every route");
        var historyWait = Whole("--wait", 300, 0, 86_400, "with --register and --publish: the longest wait, in seconds, for a day's runs to be tracked to their end before the next day");
        var history = new Command("history", "Past days as fast as possible, to files (and with --publish to the broker).")
        {
            days, ending, historyTrucks, buildings, output, publish, interval, citySeed, zone, register, apiKey, historyConcierges, historyWait,
        };
        history.SetAction(async (parsed, ct) =>
        {
            using var registration = Registration(parsed.GetValue(register), parsed.GetValue(apiKey), log);
            if (parsed.GetValue(historyConcierges) > 0 && registration is null)
            {
                throw new ArgumentException("--concierges goes with --register URL --api-key KEY");
            }

            var fleet = FleetPlan.Create(parsed.GetValue(citySeed), parsed.GetValue(historyTrucks), parsed.GetValue(buildings), parsed.GetValue(seed));
            var timeZone = Zone(parsed.GetRequiredValue(zone));
            var dates = SimulatedModes.HistoryDates(parsed.GetValue(days), timeZone, time, parsed.GetValue(ending));
            if (registration is not null)
            {
                await registration.RegisterAsync(fleet, parsed.GetValue(citySeed), timeZone, SimulatedModes.DayStart, dates, ct);
                if (parsed.GetValue(historyConcierges) is var n and > 0)
                {
                    await registration.SubscribeAsync(fleet, n, ct);
                }
            }

            await using var publisher = parsed.GetValue(publish) ? await FixPublisher.ConnectAsync(broker.Read(parsed), parsed.GetRequiredValue(prefix), parsed.GetValue(ownTracks), ct) : null;
            // Registered and published: paced by the service, a day once the previous one's runs are tracked to their end
            // (tracking opens the runs of its clock's today and yesterday; days sent faster would find theirs passed).
            Func<DateOnly, CancellationToken, Task>? paced = registration is null || publisher is null ? null : async (date, token) =>
            {
                var waited = time.GetTimestamp();
                while (!await registration.RunsOverAsync([date], token))
                {
                    if (time.GetElapsedTime(waited) > TimeSpan.FromSeconds(parsed.GetValue(historyWait)))
                    {
                        await log.WriteLineAsync($"history: the runs of {date:yyyy-MM-dd} are not over after {parsed.GetValue(historyWait)} s; going on");
                        return;
                    }

                    await Task.Delay(TimeSpan.FromSeconds(1), time, token);
                }
            };
            await SimulatedModes.HistoryAsync(fleet, publisher, dates, new SimulationOptions(), new GpsOptions { IntervalSeconds = parsed.GetValue(interval) },
                parsed.GetValue(seed), timeZone, parsed.GetRequiredValue(output), log, ct, paced);
            return 0;
        });
        root.Add(history);

        var reactDays = Whole("--days", 14, 1, 366, "past days whose runs the concierges react to, ending --ending days ago");
        var reactEnding = Whole("--ending", 1, 1, 3_650, "how many days ago the last one is (1: yesterday)");
        var wait = Whole("--wait", 600, 0, 86_400, "seconds to wait for those days' runs to be over (tracked to their end) before reacting");
        var reactRegister = Text("--register", null, "the service's address: the runs and alerts are read there and the bins entered (required)", "URL");
        var reactKey = Text("--api-key", null, "an operator or admin key (required)", "KEY");
        var reactions = new Command("concierges", "A simulated pilot's concierges: for each run of those days, what each alerted concierge did with "
            + "the bins (a few minutes after the alert, log-normal; some never, some before any alert), entered through the service's API.")
        {
            reactDays, reactEnding, wait, zone, reactRegister, reactKey,
        };
        reactions.SetAction(async (parsed, ct) =>
        {
            using var registration = Registration(parsed.GetValue(reactRegister) ?? throw new ArgumentException("concierges needs --register URL --api-key KEY"),
                parsed.GetValue(reactKey), log)!;
            var dates = SimulatedModes.HistoryDates(parsed.GetValue(reactDays), Zone(parsed.GetRequiredValue(zone)), time, parsed.GetValue(reactEnding));
            var deadline = time.GetTimestamp();
            while (!await registration.RunsOverAsync(dates, ct))
            {
                if (time.GetElapsedTime(deadline) > TimeSpan.FromSeconds(parsed.GetValue(wait)))
                {
                    await log.WriteLineAsync($"concierges: the runs of {dates[0]:yyyy-MM-dd} to {dates[^1]:yyyy-MM-dd} are not all over after {parsed.GetValue(wait)} s");
                    return 1;
                }

                await Task.Delay(TimeSpan.FromSeconds(2), time, ct);
            }

            await registration.ReactAsync(dates, new ConciergeBehaviour(), parsed.GetValue(seed), ct);
            return 0;
        });
        root.Add(reactions);

        var loadTrucks = Whole("--trucks", 1000, 1, 100_000, "trucks publishing");
        var rate = Number("--rate", 5_000, 1, 1_000_000, "fixes per second, all trucks together");
        var duration = Number("--duration", 60, 1, 86_400, "seconds");
        var load = new Command("load", "Many trucks at a target fix rate, for load tests.") { loadTrucks, rate, duration, citySeed };
        load.SetAction(async (parsed, ct) =>
        {
            await using var publisher = await FixPublisher.ConnectAsync(broker.Read(parsed), parsed.GetRequiredValue(prefix), parsed.GetValue(ownTracks), ct);
            await SimulatedModes.LoadAsync(WasteNotify.Core.Streets.ProceduralCity.Generate(parsed.GetValue(citySeed)).Network, publisher, parsed.GetValue(loadTrucks),
                parsed.GetValue(rate), TimeSpan.FromSeconds(parsed.GetValue(duration)), parsed.GetValue(seed), time, log, ct);
            return 0;
        });
        root.Add(load);
        return root;
    }

    private static Command Replay(TextWriter log, TimeProvider time, BrokerOptions broker, Option<string> prefix, Option<bool> ownTracks)
    {
        var file = new Option<string>("--file") { Required = true, HelpName = "PATH", Description = "the trace, CSV" };
        var format = new Option<string>("--format") { HelpName = "jersey-city", Description = "a known trace's layout (then the layout options are not needed)" };
        format.AcceptOnlyFromAmong("jersey-city");
        var delimiter = Text("--delimiter", ",", "the column separator, one character", "CHAR");
        delimiter.Validators.Add(result =>
        {
            if (result.Tokens is [{ Value: { Length: not 1 } }])
            {
                result.AddError("--delimiter must be one character");
            }
        });
        var columns = Text("--columns", "lat,lon,truck,time", "the columns in order (others: any name, ignored)", "LIST");
        var zone = Text("--time-zone", "UTC", "the zone of times written without an offset (IANA id)", "ZONE");
        var header = new Option<bool>("--header") { Description = "the first line names the columns: skipped" };
        var speed = Number("--speed", 0, 0, 1_000_000, "trace seconds per second; 0: as fast as possible");
        var keep = new Option<bool>("--keep-times") { Description = "publish the trace's own times (by default moved to end a minute ago)" };
        var replay = new Command("replay", "A recorded trace published truck by truck in time order.") { file, format, delimiter, columns, zone, header, speed, keep };
        replay.SetAction(async (parsed, ct) =>
        {
            var csv = parsed.GetValue(format) is "jersey-city" ? TraceCsv.JerseyCity
                : new TraceCsv(parsed.GetRequiredValue(delimiter)[0], parsed.GetRequiredValue(columns).Split(','), Zone(parsed.GetRequiredValue(zone)), parsed.GetValue(header));
            using var reader = File.OpenText(parsed.GetRequiredValue(file));
            var (points, rejected) = csv.Read(reader);
            var plan = ReplayMode.Plan(points, parsed.GetValue(keep) ? null : time.GetUtcNow().AddMinutes(-1));
            await log.WriteLineAsync($"replay: {plan.Count:N0} fixes of {plan.Select(f => f.TruckId).Distinct().Count()} trucks ({points.Count - plan.Count} exact repeats dropped, {rejected.Count} unreadable rows{(rejected.Count > 0 ? ", first: " + rejected[0] : "")})");
            await using var publisher = await FixPublisher.ConnectAsync(broker.Read(parsed), parsed.GetRequiredValue(prefix), parsed.GetValue(ownTracks), ct);
            await ReplayMode.PublishAsync(plan, publisher, parsed.GetValue(speed), time, ct);
            await log.WriteLineAsync($"replay: published {publisher.Published:N0}");
            return 0;
        });
        return replay;
    }

    private static TOption Recursive<TOption>(TOption option)
        where TOption : Option
    {
        option.Recursive = true;
        return option;
    }

    private static TimeZoneInfo Zone(string id) =>
        TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : throw new ArgumentException($"--time-zone '{id}' is not a time zone this machine knows (an IANA id, e.g. Europe/Paris)");

    /// <summary>A text option; null <paramref name="fallback"/>: none unless given.</summary>
    internal static Option<string> Text(string name, string? fallback, string description, string helpName = "TEXT")
    {
        var option = new Option<string>(name) { HelpName = helpName, Description = description };
        if (fallback is not null)
        {
            option.DefaultValueFactory = _ => fallback;
        }

        return option;
    }

    internal static Option<int> Whole(string name, int fallback, int min, int max, string description) =>
        Ranged(name, fallback, min, max, description, "N", NumberStyles.Integer, "a whole number");

    private static Option<double> Number(string name, double fallback, double min, double max, string description) =>
        Ranged(name, fallback, min, max, description, "X", NumberStyles.Float, "a number");

    /// <summary>A number from <paramref name="min"/> to <paramref name="max"/>, <paramref name="fallback"/> when not given; anything else is refused by name.</summary>
    private static Option<T> Ranged<T>(string name, T fallback, T min, T max, string description, string helpName, NumberStyles styles, string kind)
        where T : struct, INumber<T> => new(name)
    {
        HelpName = helpName,
        Description = description,
        DefaultValueFactory = _ => fallback,
        CustomParser = result =>
        {
            var text = result.Tokens.Single().Value;
            if (T.TryParse(text, styles, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
            {
                return value;
            }

            result.AddError(string.Create(CultureInfo.InvariantCulture, $"{name} must be {kind} from {min} to {max}, not '{text}'"));
            return fallback;
        },
    };


    /// <summary>--register URL --api-key KEY, both or neither.</summary>
    private static FleetRegistration? Registration(string? url, string? key, TextWriter log)
    {
        if (url is null)
        {
            return key is null ? null : throw new ArgumentException("--api-key goes with --register URL");
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var service) || service.Scheme is not ("http" or "https"))
        {
            throw new ArgumentException($"--register must be the service's http(s) address, not '{url}'");
        }

        return FleetRegistration.Create(service, key ?? throw new ArgumentException("--register needs --api-key KEY (an operator or admin key)"), log);
    }
}

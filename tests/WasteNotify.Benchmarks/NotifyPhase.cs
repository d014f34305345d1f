using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using WasteNotify.Service.Ingest;
using WasteNotify.Service.Notifications;
using WasteNotify.Service.Tracking;
using WasteNotify.Testing;

namespace WasteNotify.Benchmarks;

/// <summary>
/// One phase of the notify benchmark: publishes, waits until the service has caught up (every fix tracked, every run
/// update judged, no SMS left to send), then prints the rates, and the delays of the SMS whose alert a fix of this
/// phase decided.
/// </summary>
internal sealed class NotifyPhase(WebApplication app, FakeTwilio twilio, NpgsqlDataSource db)
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(200);
    private readonly NotifierService _notifier = app.Services.GetRequiredService<NotifierService>();
    private readonly TrackingService _tracking = app.Services.GetRequiredService<TrackingService>();
    private readonly IngestMetrics _ingest = app.Services.GetRequiredService<IngestMetrics>();

    private long Handled => _ingest.Stored + _ingest.Duplicates + _ingest.RejectedTotal + _ingest.Ignored + _ingest.Dropped;

    /// <summary>Publishes, waits, prints; the delays are also given without the fixes received in the phase's <paramref name="opening"/>.</summary>
    public async Task RunAsync(string name, Func<Task<int>> publish, TimeSpan? opening = null)
    {
        var (evaluated0, decided0, dropped0) = _notifier.Counts;
        var (observed0, handled0, sms0) = (_tracking.Counts.Observed, Handled, twilio.Messages.Count);
        var cpu = CpuMeter.Start();
        var from = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        var published = await publish();
        var publishing = clock.Elapsed.TotalSeconds;
        var (evaluated1, decided1, _) = _notifier.Counts;
        await CaughtUpAsync(handled0 + published);
        var busy = clock.Elapsed.TotalSeconds;
        var to = DateTimeOffset.UtcNow;
        var (evaluated2, decided2, dropped2) = _notifier.Counts;
        var tracked = _tracking.Counts.Observed - observed0;

        Console.WriteLine($"{name}:");
        Console.WriteLine($"  fixes: {published:N0} published in {publishing:F1} s = {published / publishing:N0}/s; the service caught up within "
            + $"{busy - publishing:F1} s of the last ({tracked:N0} tracked = {tracked / busy:N0}/s over {busy:F1} s)");
        Console.WriteLine($"  subscriber judgements: {evaluated1 - evaluated0:N0} while publishing = {(evaluated1 - evaluated0) / publishing:N0}/s; "
            + $"{evaluated2 - evaluated0:N0} until caught up = {(evaluated2 - evaluated0) / busy:N0}/s; run updates dropped: {dropped2 - dropped0:N0}");
        Console.WriteLine($"  alerts stored: {decided1 - decided0:N0} while publishing = {(decided1 - decided0) / publishing:N0}/s; "
            + $"{decided2 - decided0:N0} until caught up = {(decided2 - decided0) / busy:N0}/s");
        Console.WriteLine($"  SMS at the fake Twilio: {twilio.Messages.Count - sms0:N0}; outbox so far: {await StatusesAsync()}");
        await PrintDelaysAsync(from, to, opening);
        Console.WriteLine($"  CPU seconds: {cpu.Report()} of {Environment.ProcessorCount * busy:F0} (the service runs in the benchmark's process; "
            + "postgres and machine count other programs' work too)");
    }

    /// <summary>Every fix handled and tracked, and nothing new judged, stored or left to send, twice in a row.</summary>
    private async Task CaughtUpAsync(long handled)
    {
        var deadline = Stopwatch.StartNew();
        (long, long, long)? last = null;
        while (deadline.Elapsed < TimeSpan.FromMinutes(10))
        {
            var (evaluated, decided, _) = _notifier.Counts;
            var state = (evaluated, decided, _tracking.Counts.Observed);
            var idle = Handled >= handled && _tracking.Counts.Observed >= _ingest.Stored + _ingest.Duplicates && await UnsentAsync() == 0;
            if (idle && state == last)
            {
                return;
            }

            last = idle ? state : null;
            await Task.Delay(Poll);
        }

        throw new TimeoutException($"The service did not catch up in 10 min: handled {Handled:N0} of {handled:N0} fixes, tracked {_tracking.Counts.Observed:N0}, "
            + $"{await UnsentAsync():N0} SMS unsent");
    }

    private async Task<long> UnsentAsync()
    {
        await using var cmd = db.CreateCommand("SELECT count(*) FROM outbox WHERE status IN ('pending', 'sending')");
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    private async Task<string> StatusesAsync()
    {
        await using var cmd = db.CreateCommand("SELECT status, count(*) FROM outbox GROUP BY status ORDER BY count(*) DESC");
        await using var reader = await cmd.ExecuteReaderAsync();
        var statuses = new List<string>();
        while (await reader.ReadAsync())
        {
            statuses.Add($"{reader.GetInt64(1):N0} {reader.GetString(0)}");
        }

        return string.Join(", ", statuses);
    }

    /// <summary>
    /// For the SMS a fix of this phase decided: fix received → alert stored with its SMS (outbox row), → first request
    /// leaving (attempt 1 started, after the sender's pacing), → the fake Twilio receiving it. One host clock for all.
    /// </summary>
    private async Task PrintDelaysAsync(DateTimeOffset from, DateTimeOffset to, TimeSpan? opening)
    {
        await using var cmd = db.CreateCommand("""
            SELECT o.fix_received_at, o.created_at, a.started_at, o.provider_sid
            FROM outbox o JOIN outbox_attempts a ON a.outbox_id = o.id AND a.attempt = 1
            WHERE o.fix_received_at >= $1 AND o.fix_received_at < $2
            """);
        cmd.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = from });
        cmd.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = to });
        var arrived = twilio.Messages.Where(m => m.Sid is not null).ToDictionary(m => m.Sid!, m => m.ReceivedAt, StringComparer.Ordinal);
        var (stored, left, atFake, later) = (new List<double>(), new List<double>(), new List<double>(), new List<double>());
        await using (var reader = await cmd.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                var received = reader.GetFieldValue<DateTimeOffset>(0);
                stored.Add((reader.GetFieldValue<DateTimeOffset>(1) - received).TotalMilliseconds);
                left.Add((reader.GetFieldValue<DateTimeOffset>(2) - received).TotalMilliseconds);
                if (received >= from + opening)
                {
                    later.Add(left[^1]);
                }

                if (!reader.IsDBNull(3) && arrived.TryGetValue(reader.GetString(3), out var at))
                {
                    atFake.Add((at - received).TotalMilliseconds);
                }
            }
        }

        Console.WriteLine($"  fix received -> SMS request left: {Percentiles(left)}  (n = {left.Count:N0})");
        if (opening is { } o)
        {
            Console.WriteLine($"    without the fixes of the first {o.TotalSeconds:F0} s (the fleet leaving its depot): {Percentiles(later)}  (n = {later.Count:N0})");
        }

        Console.WriteLine($"    fix received -> alert and SMS stored: {Percentiles(stored)}; -> at the fake Twilio: {Percentiles(atFake)}");
        await using var busiest = db.CreateCommand("""
            SELECT coalesce(max(n), 0) FROM (SELECT count(*) AS n FROM outbox_attempts WHERE started_at >= $1 GROUP BY date_trunc('second', started_at)) s
            """);
        busiest.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = from });
        Console.WriteLine($"  SMS requests in the busiest second: {(long)(await busiest.ExecuteScalarAsync())!:N0}");
    }

    private static string Percentiles(List<double> milliseconds)
    {
        if (milliseconds.Count == 0)
        {
            return "no samples";
        }

        milliseconds.Sort();
        double At(double p) => milliseconds[Math.Max(0, (int)Math.Ceiling(p * milliseconds.Count) - 1)];
        return $"p50 {At(0.50):N0} ms, p99 {At(0.99):N0} ms, max {milliseconds[^1]:N0} ms";
    }
}

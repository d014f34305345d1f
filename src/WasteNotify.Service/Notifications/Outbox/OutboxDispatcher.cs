using Microsoft.Extensions.Options;
using Npgsql;
using WasteNotify.Service.Data;

namespace WasteNotify.Service.Notifications;

/// <summary>
/// Sends the outbox's SMS: claims the messages due, sends them (a few at a time, each sender number at its own pace),
/// records every attempt, retries what may go through later with back-off (never sooner than Twilio's Retry-After),
/// and acts on what Twilio says about the number: unsubscribed (opted out), invalid or not a mobile (flagged).
/// </summary>
/// <remarks>
/// A crash between a request leaving and Twilio's answer being recorded leaves a message "sending": nobody knows
/// whether it went. Twilio's status callback, addressed to the outbox row, settles it if it went; if none came after
/// <see cref="SmsOptions.SendingGrace"/>, it is sent again (a rare duplicate rather than a warning that never comes).
/// Messages claimed whose request had not left are sent at once on restart. One dispatcher runs per database.
/// </remarks>
public sealed partial class OutboxDispatcher(
    NpgsqlDataSource db,
    DatabaseMigrator migrator,
    ISmsSender sender,
    IOptions<SmsOptions> sms,
    IOptions<NotificationOptions> notifications,
    TimeProvider time,
    ILogger<OutboxDispatcher> logger) : BackgroundService
{
    private readonly SmsOptions _options = sms.Value;
    private readonly Wakeup _wake = new(time);
    private readonly Lock _paceGate = new();
    private readonly Dictionary<string, DateTimeOffset> _nextSlot = new(StringComparer.Ordinal);
    private DateTimeOffset _nextRecovery;
    private bool _recoveredOrphans;

    /// <summary>New messages are in the outbox (called after they are committed).</summary>
    public void Wake() => _wake.Set();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var retry = DatabaseRetry.Create(time, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(10), (ex, delay) => Log.DatabaseFailed(logger, ex.Message, delay));
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await retry.ExecuteAsync(RoundAsync, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Claims what is due and sends it, or waits for a message or the next poll.</summary>
    private async ValueTask RoundAsync(CancellationToken ct)
    {
        await migrator.EnsureAsync(ct);
        await RecoverAsync(ct);
        var due = await OutboxRecords.ClaimAsync(db, _options.MaxConcurrency * 4, time.GetUtcNow(), ct);
        if (due.Count == 0)
        {
            await _wake.WaitAsync(_options.PollEvery, ct);
            return;
        }

        await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = _options.MaxConcurrency, CancellationToken = ct }, SendAsync);
    }

    private async Task RecoverAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        if (now < _nextRecovery)
        {
            return;
        }

        _nextRecovery = now + TimeSpan.FromTicks(Math.Min(_options.SendingGrace.Ticks, TimeSpan.FromMinutes(1).Ticks));
        var orphans = !_recoveredOrphans;
        if (await OutboxRecords.RecoverAsync(db, now - _options.SendingGrace, orphans, now, ct) is > 0 and var recovered)
        {
            Log.Recovered(logger, recovered);
        }

        _recoveredOrphans = true;
    }

    private async ValueTask SendAsync(DueMessage message, CancellationToken ct)
    {
        var started = time.GetUtcNow();
        if (message.Skip(started) is { } skipped)
        {
            await OutboxRecords.SkipAsync(db, message, skipped.Status, skipped.Reason, started, ct);
            return;
        }

        var from = Sender(message.To);
        var wait = Reserve(from ?? "messaging-service");
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, time, ct);
            started = time.GetUtcNow();
        }

        if (!await OutboxRecords.SendingAsync(db, message.Id, started, ct))
        {
            await OutboxRecords.SkipAsync(db, message, "suppressed", "erased or opted out while waiting to be sent", started, ct);
            return;
        }

        SmsResult result;
        try
        {
            result = await sender.SendAsync(new SmsRequest(message.Id, message.To!, message.Body!, from, Callback(message.Id)), ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The sender maps what it knows; anything else is treated as a failure that may pass later.
            result = new SmsResult(SmsOutcome.Retry, Detail: ex.Message);
        }

        var finished = time.GetUtcNow();
        var next = Next(message, result, finished);
        await OutboxRecords.RecordAsync(db, message, result, next, from, started, finished, ct);
        Log.Attempted(logger, message.Id, message.Attempt, result.Outcome, next.Status, result.ErrorCode);
    }

    /// <summary>The outbox status after an attempt, and when to try again if it is pending.</summary>
    private (string Status, string? Reason, DateTimeOffset NextAttempt) Next(DueMessage message, SmsResult result, DateTimeOffset now)
    {
        switch (result.Outcome)
        {
            case SmsOutcome.Accepted:
                return (OutboxRecords.Normalize(result.Status), null, now);
            case SmsOutcome.Logged:
                return ("logged", result.Detail, now);
            case SmsOutcome.Retry when message.Attempt < _options.MaxAttempts:
                var backoff = TimeSpan.FromTicks((long)Math.Min(_options.MaxRetry.Ticks, _options.FirstRetry.Ticks * Math.Pow(2, message.Attempt - 1)));
                var delay = result.RetryAfter is { } retryAfter && retryAfter > backoff ? retryAfter : backoff;
                return ("pending", $"attempt {message.Attempt} failed: {Describe(result)}", now + delay);
            case SmsOutcome.Retry:
                return ("failed", $"gave up after {message.Attempt} attempts: {Describe(result)}", now);
            default:
                return ("failed", Describe(result), now);
        }
    }

    private static string Describe(SmsResult result) =>
        string.Join(" ", new[] { result.HttpStatus?.ToString(System.Globalization.CultureInfo.InvariantCulture),
            result.ErrorCode is { } code ? $"error {code}" : null, OutboxRecords.Redact(result.Detail) }.Where(s => !string.IsNullOrEmpty(s)));

    private Uri? Callback(long outboxId) =>
        sender.Name == "log" ? null : new Uri(notifications.Value.PublicBaseUrl!, $"twilio/status?outbox={outboxId}");

    /// <summary>The sender number of a recipient: always the same one, so that replies and STOP go to the number that wrote.</summary>
    private string? Sender(string? to)
    {
        if (_options.Senders.Count == 0 || to is null)
        {
            return null;
        }

        var hash = 2166136261u;
        foreach (var c in to)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return _options.Senders[(int)(hash % (uint)_options.Senders.Count)];
    }

    /// <summary>Books the sender's next slot at its rate; returns how long to wait for it.</summary>
    private TimeSpan Reserve(string senderKey)
    {
        var interval = TimeSpan.FromSeconds(1 / _options.PerSenderPerSecond);
        lock (_paceGate)
        {
            var now = time.GetUtcNow();
            var slot = _nextSlot.TryGetValue(senderKey, out var next) && next > now ? next : now;
            _nextSlot[senderKey] = slot + interval;
            return slot - now;
        }
    }
}

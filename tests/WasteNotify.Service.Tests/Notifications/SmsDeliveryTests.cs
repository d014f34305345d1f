using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using WasteNotify.Service.Data;
using WasteNotify.Service.Notifications;
using WasteNotify.Testing;

namespace WasteNotify.Service.Tests.Notifications;

/// <summary>The outbox dispatcher against a fake Twilio on loopback: the request, Twilio's errors, retries, and what is never sent.</summary>
public sealed class SmsDeliveryTests
{
    private const string Phone = "+33612345678";
    private const string Body = "WasteNotify : le camion arrive au 12 rue de la Paix dans 10 min (vers 07:40).";

    [Fact]
    public async Task A_pending_message_is_posted_to_Twilio_from_the_sender_with_its_status_callback_and_becomes_queued()
    {
        await using var rig = await SmsRig.StartAsync();
        var concierge = await rig.Data.ConciergeAsync(Phone);
        var id = await rig.Data.MessageAsync(concierge, Body);
        rig.Wake();

        var message = Assert.Single(await rig.Twilio.WaitForMessagesAsync(1, SmsRig.Timeout));
        var row = await rig.Data.WaitForStatusAsync(id, "queued");

        var request = Assert.Single(rig.Twilio.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal($"/2010-04-01/Accounts/{rig.Twilio.AccountSid}/Messages.json", request.PathAndQuery);
        Assert.StartsWith("application/x-www-form-urlencoded", request.ContentType, StringComparison.Ordinal);
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{rig.Twilio.AccountSid}:{rig.Twilio.AuthToken}")), request.Authorization);
        Dictionary<string, string> expected = new()
        {
            ["To"] = Phone,
            ["From"] = SmsRig.Sender,
            ["Body"] = Body,
            ["StatusCallback"] = $"{rig.Host.Http.BaseAddress}twilio/status?outbox={id}",
        };
        Assert.Equal(expected.OrderBy(f => f.Key, StringComparer.Ordinal), request.Form.OrderBy(f => f.Key, StringComparer.Ordinal));

        Assert.Equal(201, message.HttpStatus);
        Assert.Equal(new OutboxRow(id, "queued", null, 1, message.Sid, null, SmsRig.Sender), row);
        var attempt = Assert.Single(await rig.Data.AttemptsAsync(id));
        Assert.Equal((1, "Accepted", 201, (int?)null), (attempt.Attempt, attempt.Outcome, attempt.HttpStatus, attempt.ErrorCode));
    }

    [Fact]
    public async Task Twilio_21610_fails_the_message_opts_the_number_out_and_suppresses_the_next_one()
    {
        await using var rig = await SmsRig.StartAsync();
        var concierge = await rig.Data.ConciergeAsync(Phone);
        rig.Twilio.Respond(Phone, 400, 21610, "Attempt to send to unsubscribed recipient");
        var first = await rig.Data.MessageAsync(concierge, Body);
        rig.Wake();

        var failed = await rig.Data.WaitForStatusAsync(first, "failed");
        Assert.Equal((21610, 1), (failed.ErrorCode, failed.Attempts));
        Assert.Equal("Unsubscribed", Assert.Single(await rig.Data.AttemptsAsync(first)).Outcome);
        Assert.Equal("twilio 21610", await rig.Data.OptOutAsync(Phone));
        Assert.Equal(new ConsentRow("stop", concierge, "twilio 21610"), Assert.Single(await rig.Data.ConsentEventsAsync(Phone)));

        var second = await rig.Data.MessageAsync(concierge, "Second " + Body);
        rig.Wake();
        var suppressed = await rig.Data.WaitForStatusAsync(second, "suppressed");
        Assert.Equal("opted out", suppressed.Reason);
        Assert.Empty(await rig.Data.AttemptsAsync(second));
        Assert.Single(rig.Twilio.Messages);
    }

    [Theory]
    [InlineData(21211, "The 'To' number +33612345678 is not a valid phone number.", "invalid")]
    [InlineData(21614, "'To' number is not a valid mobile number", "not_mobile")]
    public async Task A_number_Twilio_refuses_is_flagged_on_the_concierge_without_a_retry_and_its_next_message_is_suppressed(
        int code, string twilioMessage, string problem)
    {
        await using var rig = await SmsRig.StartAsync();
        var concierge = await rig.Data.ConciergeAsync(Phone);
        rig.Twilio.Respond(Phone, 400, code, twilioMessage);
        var first = await rig.Data.MessageAsync(concierge, Body);
        rig.Wake();

        var failed = await rig.Data.WaitForStatusAsync(first, "failed");
        Assert.Equal((code, 1), (failed.ErrorCode, failed.Attempts));
        Assert.Single(await rig.Data.AttemptsAsync(first));
        Assert.Equal(problem, await rig.Data.PhoneProblemAsync(concierge));
        Assert.Null(await rig.Data.OptOutAsync(Phone));

        var second = await rig.Data.MessageAsync(concierge, "Second " + Body);
        rig.Wake();
        Assert.Equal($"number {problem}", (await rig.Data.WaitForStatusAsync(second, "suppressed")).Reason);
        Assert.Single(rig.Twilio.Messages);
    }

    [Fact]
    public async Task Another_4xx_fails_the_message_after_one_attempt_with_its_code_and_leaves_the_number_usable()
    {
        await using var rig = await SmsRig.StartAsync();
        var concierge = await rig.Data.ConciergeAsync(Phone);
        rig.Twilio.Respond(Phone, 400, 21408, "Permission to send an SMS has not been enabled for the region indicated by the 'To' number");
        var first = await rig.Data.MessageAsync(concierge, Body);
        rig.Wake();

        var failed = await rig.Data.WaitForStatusAsync(first, "failed");
        Assert.Equal((21408, 1), (failed.ErrorCode, failed.Attempts));
        Assert.Contains("21408", failed.Reason, StringComparison.Ordinal);
        var attempt = Assert.Single(await rig.Data.AttemptsAsync(first));
        Assert.Equal(("Rejected", 400, 21408), (attempt.Outcome, attempt.HttpStatus, attempt.ErrorCode));
        Assert.Null(await rig.Data.PhoneProblemAsync(concierge));
        Assert.Null(await rig.Data.OptOutAsync(Phone));

        var second = await rig.Data.MessageAsync(concierge, "Second " + Body);
        rig.Wake();
        await rig.Data.WaitForStatusAsync(second, "queued");
        Assert.Equal(2, rig.Twilio.Messages.Count);
    }

    [Fact]
    public async Task A_429_is_retried_no_sooner_than_its_Retry_After_and_then_accepted()
    {
        await using var rig = await SmsRig.StartAsync();
        var concierge = await rig.Data.ConciergeAsync(Phone);
        rig.Twilio.Respond(Phone, 429, 20429, "Too Many Requests", retryAfter: TimeSpan.FromSeconds(1));
        var id = await rig.Data.MessageAsync(concierge, Body);
        rig.Wake();

        var row = await rig.Data.WaitForStatusAsync(id, "queued");
        Assert.Equal(2, row.Attempts);
        var attempts = await rig.Data.AttemptsAsync(id);
        Assert.Equal([("Retry", 429), ("Accepted", 201)], attempts.Select(a => (a.Outcome, a.HttpStatus ?? 0)));
        // Retry-After (1 s) is longer than the first back-off (200 ms), so it decides; a few ms allow for the clock's rounding.
        var waited = attempts[1].StartedAt - attempts[0].FinishedAt;
        Assert.True(waited >= TimeSpan.FromMilliseconds(995), $"attempt 2 started {waited.TotalMilliseconds} ms after attempt 1 finished");
        Assert.Equal(2, rig.Twilio.Messages.Count);
    }

    [Fact]
    public async Task Two_500s_are_retried_with_a_doubling_back_off_and_the_third_attempt_is_accepted()
    {
        await using var rig = await SmsRig.StartAsync();
        var concierge = await rig.Data.ConciergeAsync(Phone);
        rig.Twilio.Respond(Phone, 500, times: 2);
        var id = await rig.Data.MessageAsync(concierge, Body);
        rig.Wake();

        var row = await rig.Data.WaitForStatusAsync(id, "queued");
        Assert.Equal(3, row.Attempts);
        Assert.Null(row.ErrorCode);
        var attempts = await rig.Data.AttemptsAsync(id);
        Assert.Equal([("Retry", 500), ("Retry", 500), ("Accepted", 201)], attempts.Select(a => (a.Outcome, a.HttpStatus ?? 0)));
        Assert.True(attempts[1].StartedAt - attempts[0].FinishedAt >= TimeSpan.FromMilliseconds(195), "the first retry came before FirstRetry (200 ms)");
        Assert.True(attempts[2].StartedAt - attempts[1].FinishedAt >= TimeSpan.FromMilliseconds(395), "the second retry came before twice FirstRetry");
        Assert.Equal(3, rig.Twilio.Messages.Count);
    }

    [Fact]
    public async Task A_503_that_never_ends_fails_the_message_after_MaxAttempts()
    {
        await using var rig = await SmsRig.StartAsync();
        var concierge = await rig.Data.ConciergeAsync(Phone);
        rig.Twilio.Respond(Phone, 503, times: 10);
        var id = await rig.Data.MessageAsync(concierge, Body);
        rig.Wake();

        var row = await rig.Data.WaitForStatusAsync(id, "failed");
        Assert.Equal(3, row.Attempts);
        Assert.Contains("gave up", row.Reason, StringComparison.Ordinal);
        Assert.Equal(["Retry", "Retry", "Retry"], (await rig.Data.AttemptsAsync(id)).Select(a => a.Outcome));
        Assert.Equal(3, rig.Twilio.Messages.Count);
    }

    [Fact]
    public async Task An_expired_message_and_an_erased_one_are_never_sent_while_a_current_one_is()
    {
        await using var rig = await SmsRig.StartAsync();
        var concierge = await rig.Data.ConciergeAsync(Phone);
        var expired = await rig.Data.MessageAsync(concierge, "Too late " + Body, expiresAt: DateTimeOffset.UtcNow.AddMinutes(-1));
        var erased = await rig.Data.ErasedMessageAsync();
        var current = await rig.Data.MessageAsync(concierge, Body, expiresAt: DateTimeOffset.UtcNow.AddHours(1));
        rig.Wake();

        await rig.Data.WaitForStatusAsync(current, "queued");
        Assert.Equal("too late to be useful", (await rig.Data.WaitForStatusAsync(expired, "expired")).Reason);
        Assert.Equal("concierge erased", (await rig.Data.WaitForStatusAsync(erased, "suppressed")).Reason);
        Assert.Empty(await rig.Data.AttemptsAsync(expired));
        Assert.Empty(await rig.Data.AttemptsAsync(erased));
        Assert.Equal(Body, Assert.Single(rig.Twilio.Messages).Body);
    }

    [Fact]
    public async Task Without_Twilio_configured_a_message_is_logged_and_not_sent()
    {
        await using var rig = await SmsRig.StartWithoutTwilioAsync();
        var concierge = await rig.Data.ConciergeAsync(Phone);
        var id = await rig.Data.MessageAsync(concierge, Body);
        rig.Wake();

        var row = await rig.Data.WaitForStatusAsync(id, "logged");
        Assert.Equal(new OutboxRow(id, "logged", "no SMS provider configured: logged, not sent", 1, null, null, null), row);
        var attempt = Assert.Single(await rig.Data.AttemptsAsync(id));
        Assert.Equal(("Logged", (int?)null), (attempt.Outcome, attempt.HttpStatus));
    }

    [Fact]
    public async Task A_message_a_crash_left_sending_is_sent_again_once_the_grace_has_passed()
    {
        await using var rig = await SmsRig.StartAsync(new Dictionary<string, string?> { ["Notifications:Sms:SendingGrace"] = "00:00:01" });
        var concierge = await rig.Data.ConciergeAsync(Phone);
        var id = await rig.Data.LeftSendingAsync(concierge, Body, TimeSpan.FromMinutes(5));

        var message = Assert.Single(await rig.Twilio.WaitForMessagesAsync(1, SmsRig.Timeout));
        var row = await rig.Data.WaitForStatusAsync(id, "queued");
        Assert.Equal((2, message.Sid), (row.Attempts, row.ProviderSid));
        var attempt = Assert.Single(await rig.Data.AttemptsAsync(id));
        Assert.Equal((2, "Accepted"), (attempt.Attempt, attempt.Outcome));
    }

    [Fact]
    public async Task A_message_whose_number_opts_out_while_it_waits_for_its_senders_turn_is_not_sent()
    {
        // One message every 3 s from the one sender: the second waits, claimed, while STOP arrives.
        await using var rig = await SmsRig.StartAsync(new Dictionary<string, string?> { ["Notifications:Sms:PerSenderPerSecond"] = "0.33" });
        var concierge = await rig.Data.ConciergeAsync(Phone);
        var first = await rig.Data.MessageAsync(concierge, Body);
        var second = await rig.Data.MessageAsync(concierge, Body + " (2)");
        rig.Wake();
        // Both are claimed together; which one takes the sender's first turn is not ordered.
        var sent = (await rig.Twilio.WaitForMessagesAsync(1, SmsRig.Timeout))[0];
        var (gone, waiting) = sent.Body == Body ? (first, second) : (second, first);
        await rig.Data.WaitForStatusAsync(waiting, "sending");
        await rig.Host.Database!.ScalarAsync<int>($"INSERT INTO sms_opt_outs (phone, opted_out_at, source) VALUES ('{Phone}', now(), 'test') RETURNING 1");

        var row = await rig.Data.WaitForStatusAsync(waiting, "suppressed");
        Assert.Equal("erased or opted out while waiting to be sent", row.Reason);
        Assert.Equal("queued", (await rig.Data.OutboxAsync(gone)).Status);
        Assert.Single(rig.Twilio.Messages);
    }

    [Fact]
    public async Task A_message_claimed_and_left_unsent_by_a_database_error_is_sent_once_the_grace_has_passed_without_a_restart()
    {
        await using var rig = await SmsRig.StartAsync(new Dictionary<string, string?> { ["Notifications:Sms:SendingGrace"] = "00:00:01" });
        var concierge = await rig.Data.ConciergeAsync(Phone);
        var id = await rig.Data.LeftClaimedAsync(concierge, Body, ago: TimeSpan.FromMinutes(5));

        var message = Assert.Single(await rig.Twilio.WaitForMessagesAsync(1, SmsRig.Timeout));
        var row = await rig.Data.WaitForStatusAsync(id, "queued");
        Assert.Equal((2, message.Sid), (row.Attempts, row.ProviderSid));
    }

    [Fact]
    public async Task A_message_a_crash_left_claimed_but_unsent_is_sent_at_once_on_restart_without_waiting_the_grace()
    {
        await using var rig = await SmsRig.StartAsync(new Dictionary<string, string?> { ["Notifications:Sms:SendingGrace"] = "01:00:00" });
        // The service's dispatcher is gone (one runs per database); what it had claimed is left "sending".
        await rig.Host.App.Services.GetRequiredService<OutboxDispatcher>().StopAsync(CancellationToken.None);
        var concierge = await rig.Data.ConciergeAsync(Phone);
        var id = await rig.Data.LeftClaimedAsync(concierge, Body);
        var sms = rig.Host.App.Services.GetRequiredService<IOptions<SmsOptions>>().Value;

        using var restarted = new OutboxDispatcher(rig.Host.App.Services.GetRequiredService<NpgsqlDataSource>(),
            rig.Host.App.Services.GetRequiredService<DatabaseMigrator>(), rig.Host.App.Services.GetRequiredService<ISmsSender>(),
            Options.Create(new SmsOptions { Senders = sms.Senders, PollEvery = TimeSpan.FromMilliseconds(100), SendingGrace = TimeSpan.FromHours(1) }),
            rig.Host.App.Services.GetRequiredService<IOptions<NotificationOptions>>(), TimeProvider.System, NullLogger<OutboxDispatcher>.Instance);
        await restarted.StartAsync(CancellationToken.None);
        try
        {
            var message = Assert.Single(await rig.Twilio.WaitForMessagesAsync(1, SmsRig.Timeout));
            var row = await rig.Data.WaitForStatusAsync(id, "queued");
            Assert.Equal((2, message.Sid), (row.Attempts, row.ProviderSid));
        }
        finally
        {
            await restarted.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task The_dispatcher_started_while_the_database_is_down_waits_for_it_and_then_sends()
    {
        await using var cluster = await PostgresCluster.StartNewAsync();
        await using var database = await TestDatabase.CreateAsync(cluster.ConnectionString());
        await cluster.StopAsync();
        await using var dataSource = NpgsqlDataSource.Create(database.ConnectionString);
        var migrator = new DatabaseMigrator(dataSource, NullLogger<DatabaseMigrator>.Instance);
        var log = new WarningLog();
        // The dispatcher alone (the service's other background services have their own start-up tests), with the log sender.
        using var dispatcher = new OutboxDispatcher(dataSource, migrator, new LogSmsSender(NullLogger<LogSmsSender>.Instance),
            Options.Create(new SmsOptions { PollEvery = TimeSpan.FromMilliseconds(100) }), Options.Create(new NotificationOptions()),
            TimeProvider.System, log);
        await dispatcher.StartAsync(CancellationToken.None);
        try
        {
            Assert.Equal("OutboxUnreachable", await log.First.WaitAsync(SmsRig.Timeout));
            await cluster.StartAsync();
            Assert.True(await TestEnvironment.EventuallyAsync(() => migrator.IsDone, TimeSpan.FromSeconds(30)), "the dispatcher never migrated the database");

            var data = new SmsData(dataSource);
            var id = await data.MessageAsync(await data.ConciergeAsync(Phone), Body);
            dispatcher.Wake();
            await data.WaitForStatusAsync(id, "logged");
            Assert.False(dispatcher.ExecuteTask!.IsCompleted, $"the dispatcher stopped: {dispatcher.ExecuteTask.Exception?.GetBaseException().Message}");
        }
        finally
        {
            await dispatcher.StopAsync(CancellationToken.None);
        }
    }

    /// <summary>Completes with the event name of the first warning logged.</summary>
    private sealed class WarningLog : ILogger<OutboxDispatcher>
    {
        private readonly TaskCompletionSource<string> _first = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<string> First => _first.Task;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                _first.TrySetResult(eventId.Name ?? formatter(state, exception));
            }
        }
    }
}

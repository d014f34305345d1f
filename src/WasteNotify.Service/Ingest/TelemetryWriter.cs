using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Npgsql;
using WasteNotify.Core.Telemetry;
using WasteNotify.Service.Data;

namespace WasteNotify.Service.Ingest;

/// <summary>
/// Writes fixes to PostgreSQL by group commit: one COPY of whatever has arrived (up to BatchSize) as soon as the
/// previous one has committed, so latency is one commit when the load is light and batches grow with it. Each message
/// is acknowledged to the broker only after its fix is committed, or it was refused, in the order received. While
/// PostgreSQL is away the batch is retried with back-off and nothing more is acknowledged, so the backlog waits in the
/// broker; a fix PostgreSQL refuses for itself is found by halving the batch and counted, and the rest is stored.
/// </summary>
public sealed partial class TelemetryWriter(
    TelemetryTable table,
    DatabaseMigrator migrator,
    IngestMetrics metrics,
    RejectionSample rejections,
    IOptions<IngestOptions> options,
    TimeProvider time,
    [FromKeyedServices(PipelineLinks.StoredFixes)] StageChannel<IReadOnlyList<TelemetryFix>> stored,
    ILogger<TelemetryWriter> logger) : BackgroundService
{
    private readonly IngestOptions _options = options.Value;
    private readonly Channel<IngestEntry> _queue = Channel.CreateBounded<IngestEntry>(new BoundedChannelOptions(options.Value.QueueCapacity)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    private TimeSpan _retryDelay = options.Value.RetryDelay;
    private bool _databaseDown;
    private bool _stopping;

    /// <summary>Hands a message over; waits when the writer is behind (back-pressure reaches the broker).</summary>
    public ValueTask EnqueueAsync(IngestEntry entry, CancellationToken cancellationToken) =>
        _queue.Writer.TryWrite(entry) ? ValueTask.CompletedTask : _queue.Writer.WriteAsync(entry, cancellationToken);

    /// <summary>No more messages will come; the writer stores what it holds and stops.</summary>
    public void Complete() => _queue.Writer.TryComplete();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<IngestEntry>(_options.BatchSize);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
            {
                Fill(batch);
                await StoreAsync(batch, stoppingToken);
                await SettleAsync(batch, stoppingToken);
                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        await FlushOnStopAsync(batch);
    }

    private void Fill(List<IngestEntry> batch)
    {
        while (batch.Count < _options.BatchSize && _queue.Reader.TryRead(out var entry))
        {
            batch.Add(entry);
        }

        metrics.SetBuffered(batch.Count + _queue.Reader.Count);
    }

    /// <summary>Stores the batch's fixes, retrying while the database is unreachable; returns once they are committed or refused.</summary>
    private async Task StoreAsync(List<IngestEntry> batch, CancellationToken cancellationToken)
    {
        var fixes = batch.Where(e => e.Fix is not null).ToList();
        while (fixes.Count > 0)
        {
            try
            {
                await migrator.EnsureAsync(cancellationToken);
                await StoreOrSplitAsync(fixes, cancellationToken);
                OnDatabaseUp();
                return;
            }
            catch (Exception ex) when (!IsRowProblem(ex) && !(ex is OperationCanceledException && cancellationToken.IsCancellationRequested))
            {
                if (ex is PostgresException { SqlState: PostgresErrorCodes.CheckViolation })
                {
                    // "no partition of relation found": a partition was dropped under us; recreate it on the retry.
                    table.ForgetPartitions();
                }

                await OnWriteFailedAsync(ex, batch.Count + _queue.Reader.Count, cancellationToken);
            }
        }
    }

    /// <summary>One COPY; when PostgreSQL refuses a row for what it holds (or writing it throws), each half is stored on its own.</summary>
    private async Task StoreOrSplitAsync(List<IngestEntry> fixes, CancellationToken cancellationToken)
    {
        try
        {
            var stored = await table.InsertAsync([.. fixes.Select(e => e.Fix!.Value)], cancellationToken);
            metrics.OnWritten(stored, fixes.Count - stored);
            var now = time.GetTimestamp();
            foreach (var entry in fixes)
            {
                metrics.ObserveCommitLatency(time.GetElapsedTime(entry.Message.ReceivedAt, now));
            }

            await HandOverAsync([.. fixes.Select(e => e.Fix!.Value)], cancellationToken);
        }
        catch (Exception ex) when (IsRowProblem(ex))
        {
            if (fixes.Count == 1)
            {
                var reason = ex is PostgresException ? RejectReason.DatabaseRefused : RejectReason.InternalError;
                var message = fixes[0].Message;
                metrics.OnRejected(reason);
                rejections.Add(message.Topic, reason, ex.Message, message.Payload);
                Log.FixRefused(logger, message.Topic, reason.Label(), ex.Message, ex);
                return;
            }

            var half = fixes.Count / 2;
            await StoreOrSplitAsync(fixes[..half], cancellationToken);
            await StoreOrSplitAsync(fixes[half..], cancellationToken);
        }
    }

    /// <summary>Acknowledges the batch's messages in the order they came, now that none of them can be lost.</summary>
    private async Task SettleAsync(List<IngestEntry> batch, CancellationToken cancellationToken)
    {
        foreach (var entry in batch)
        {
            if (entry.Message.Receipt is { } receipt)
            {
                await receipt.AcknowledgeAsync(cancellationToken);
            }
        }

        metrics.SetBuffered(_queue.Reader.Count);
    }

    /// <summary>
    /// A problem with what a row holds, which no retry mends: PostgreSQL's data and integrity errors (but a missing
    /// partition), or Npgsql refusing to write a value. Anything else (the database away or refusing connections, a
    /// bug of ours) is retried: a batch is never dropped for a reason that is not its own.
    /// </summary>
    private static bool IsRowProblem(Exception ex) => ex switch
    {
        PostgresException pg => pg.SqlState.StartsWith("22", StringComparison.Ordinal)
            || (pg.SqlState.StartsWith("23", StringComparison.Ordinal) && pg.SqlState != PostgresErrorCodes.CheckViolation),
        InvalidCastException or FormatException or OverflowException or ArgumentException => true,
        _ => false,
    };

    private void OnDatabaseUp()
    {
        if (_databaseDown)
        {
            Log.DatabaseBack(logger, _queue.Reader.Count);
            _databaseDown = false;
            metrics.SetDatabaseUp(true);
        }

        _retryDelay = _options.RetryDelay;
    }

    private async Task OnWriteFailedAsync(Exception ex, int waiting, CancellationToken cancellationToken)
    {
        metrics.OnWriteFailed();
        if (!_databaseDown)
        {
            Log.DatabaseDown(logger, ex.Message, waiting, ex);
            _databaseDown = true;
            metrics.SetDatabaseUp(false);
        }
        else
        {
            Log.StillDown(logger, ex.Message, waiting);
        }

        await Task.Delay(_retryDelay, time, cancellationToken);
        _retryDelay = _retryDelay * 2 < _options.MaxRetryDelay ? _retryDelay * 2 : _options.MaxRetryDelay;
    }

    /// <summary>
    /// Gives tracking what was just committed, waiting while it is behind: back-pressure reaches the broker, and no
    /// stored fix is lost to tracking. Once stopping it does not wait (tracking has stopped first): at its next start
    /// tracking rebuilds every open run from the stored fixes.
    /// </summary>
    private async Task HandOverAsync(IReadOnlyList<TelemetryFix> fixes, CancellationToken cancellationToken)
    {
        if (_stopping)
        {
            stored.TryWrite(fixes);
            return;
        }

        try
        {
            await stored.WriteAsync(fixes, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// A graceful stop stores what it can within the timeout. Whatever is left is not acknowledged: the broker keeps the
    /// QoS 1 messages in the session and delivers them again at the next start; only QoS 0 fixes are lost, and counted.
    /// </summary>
    private async Task FlushOnStopAsync(List<IngestEntry> batch)
    {
        _stopping = true;
        using var deadline = new CancellationTokenSource(_options.ShutdownFlushTimeout, time);
        try
        {
            do
            {
                Fill(batch);
                if (batch.Count == 0)
                {
                    break;
                }

                await StoreAsync(batch, deadline.Token);
                await SettleAsync(batch, deadline.Token);
                batch.Clear();
            }
            while (!deadline.IsCancellationRequested);
        }
        catch (OperationCanceledException)
        {
        }

        Fill(batch);
        var atMostOnce = batch.Count(e => e.Fix is not null && !e.Message.AtLeastOnce);
        if (batch.Count > 0)
        {
            metrics.OnDropped(atMostOnce);
            Log.LeftOnStop(logger, batch.Count, batch.Count - atMostOnce, atMostOnce);
        }

        metrics.SetBuffered(0);
    }
}

using System.Threading.Channels;
using Microsoft.Extensions.Options;
using Npgsql;
using WasteNotify.Core.Telemetry;
using WasteNotify.Service.Data;
using WasteNotify.Service.Tracking;

namespace WasteNotify.Service.Ingest;

/// <summary>
/// Batches accepted fixes into PostgreSQL (on size or every FlushInterval). While the database is unreachable it
/// keeps accepting fixes into a bounded backlog, retries with back-off, and writes them all once it is back;
/// what does not fit is counted as dropped, never lost silently.
/// </summary>
public sealed partial class TelemetryWriter : BackgroundService
{
    private static readonly TimeSpan FillPollInterval = TimeSpan.FromMilliseconds(20);

    private readonly TelemetryTable _table;
    private readonly DatabaseMigrator _migrator;
    private readonly IngestMetrics _metrics;
    private readonly IngestOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<TelemetryWriter> _logger;
    private readonly TrackingService _tracking;
    private readonly Channel<TelemetryFix> _queue;
    private readonly Queue<List<TelemetryFix>> _sealed = new();
    private List<TelemetryFix> _filling;
    private long _fillingSince;
    private int _backlog;
    private bool _databaseDown;
    private TimeSpan _retryDelay;
    private long _retryAt;
    private long _droppedInOutage;

    /// <param name="tracking">Takes every batch once stored: tracking decides only from stored fixes, so a restart can decide again.</param>
    public TelemetryWriter(TelemetryTable table, DatabaseMigrator migrator, IngestMetrics metrics, IOptions<IngestOptions> options,
        TimeProvider time, TrackingService tracking, ILogger<TelemetryWriter> logger)
    {
        _tracking = tracking;
        _table = table;
        _migrator = migrator;
        _metrics = metrics;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _retryDelay = _options.RetryDelay;
        _filling = new List<TelemetryFix>(_options.BatchSize);
        _queue = Channel.CreateBounded<TelemetryFix>(new BoundedChannelOptions(_options.QueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>Hands a fix over; waits only when the writer is behind with the database up (back-pressure).</summary>
    public ValueTask EnqueueAsync(TelemetryFix fix, CancellationToken cancellationToken) =>
        _queue.Writer.TryWrite(fix) ? ValueTask.CompletedTask : _queue.Writer.WriteAsync(fix, cancellationToken);

    /// <summary>No more fixes will come; the writer flushes what it holds and stops.</summary>
    public void Complete() => _queue.Writer.TryComplete();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reader = _queue.Reader;
        try
        {
            while (true)
            {
                Drain(reader);
                if (_sealed.Count > 0 && _time.GetTimestamp() >= _retryAt)
                {
                    await WriteOldestBatchAsync(stoppingToken);
                    continue;
                }

                if (!await WaitAsync(reader, stoppingToken))
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        await FlushOnStopAsync(reader);
    }

    private void Drain(ChannelReader<TelemetryFix> reader)
    {
        while (true)
        {
            if (_backlog >= _options.MaxBufferedFixes)
            {
                if (!_databaseDown)
                {
                    break; // the database is slow, not gone: leave the rest queued and push back on the broker
                }

                var dropped = 0;
                while (reader.TryRead(out _))
                {
                    dropped++;
                }

                if (dropped > 0)
                {
                    _metrics.OnDropped(dropped);
                    if (_droppedInOutage == 0)
                    {
                        Log.BufferFull(_logger, _options.MaxBufferedFixes);
                    }

                    _droppedInOutage += dropped;
                }

                break;
            }

            if (!reader.TryRead(out var fix))
            {
                break;
            }

            if (_filling.Count == 0)
            {
                _fillingSince = _time.GetTimestamp();
            }

            _filling.Add(fix);
            _backlog++;
            if (_filling.Count >= _options.BatchSize)
            {
                Seal();
            }
        }

        if (_filling.Count > 0 && _time.GetElapsedTime(_fillingSince) >= _options.FlushInterval)
        {
            Seal();
        }

        _metrics.SetBuffered(_backlog + reader.Count);
    }

    private void Seal()
    {
        _sealed.Enqueue(_filling);
        _filling = new List<TelemetryFix>(_options.BatchSize);
    }

    /// <summary>
    /// Waits for work: the first fix of a new batch, the flush deadline of a partial one, or the next retry.
    /// With a batch partly filled it checks back every <see cref="FillPollInterval"/> instead of waking for each
    /// fix, which at thousands of fixes a second costs more than the write itself. False when the queue is done.
    /// </summary>
    private async Task<bool> WaitAsync(ChannelReader<TelemetryFix> reader, CancellationToken stoppingToken)
    {
        if (_filling.Count == 0 && _sealed.Count == 0)
        {
            return await reader.WaitToReadAsync(stoppingToken);
        }

        var wait = _filling.Count > 0 ? _options.FlushInterval - _time.GetElapsedTime(_fillingSince) : FillPollInterval;
        if (_sealed.Count > 0)
        {
            // Backing off after a failed write; keep draining the queue meanwhile (to buffer, or count what overflows).
            var untilRetry = _time.GetElapsedTime(_time.GetTimestamp(), _retryAt);
            wait = untilRetry < wait ? untilRetry : wait;
        }

        wait = wait < FillPollInterval ? wait : FillPollInterval;
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, _time, stoppingToken);
        }

        return !reader.Completion.IsCompleted;
    }

    private async Task WriteOldestBatchAsync(CancellationToken cancellationToken)
    {
        var batch = _sealed.Peek();
        try
        {
            await _migrator.EnsureAsync(cancellationToken);
            var stored = await _table.InsertAsync(batch, cancellationToken);
            _sealed.Dequeue();
            _backlog -= batch.Count;
            _metrics.OnWritten(stored, batch.Count - stored);
            _tracking.OnStored(batch);
            if (_databaseDown)
            {
                Log.DatabaseBack(_logger, _backlog, _droppedInOutage);
                _databaseDown = false;
                _droppedInOutage = 0;
                _metrics.SetDatabaseUp(true);
            }

            _retryDelay = _options.RetryDelay;
        }
        catch (PostgresException ex) when (ex.SqlState.StartsWith("22", StringComparison.Ordinal))
        {
            // A data exception will fail every retry; drop this batch (counted) rather than wedge ingest behind it.
            _sealed.Dequeue();
            _backlog -= batch.Count;
            _metrics.OnDropped(batch.Count);
            Log.BatchRefused(_logger, batch.Count, ex.MessageText, ex);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.CheckViolation)
        {
            // "no partition of relation found": a partition was dropped under us; recreate it on the retry.
            _table.ForgetPartitions();
            OnWriteFailed(ex);
        }
        catch (Exception ex) when (ex is NpgsqlException or TimeoutException or IOException
                                   || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            OnWriteFailed(ex);
        }
    }

    private void OnWriteFailed(Exception ex)
    {
        _metrics.OnWriteFailed();
        if (!_databaseDown)
        {
            Log.DatabaseDown(_logger, ex.Message, _backlog, ex);
            _databaseDown = true;
            _metrics.SetDatabaseUp(false);
        }
        else
        {
            Log.StillDown(_logger, ex.Message, _backlog);
        }

        _retryAt = _time.GetTimestamp() + (long)(_retryDelay.TotalSeconds * _time.TimestampFrequency);
        _retryDelay = TimeSpan.FromTicks(Math.Min(_retryDelay.Ticks * 2, _options.MaxRetryDelay.Ticks));
    }

    private async Task FlushOnStopAsync(ChannelReader<TelemetryFix> reader)
    {
        using var deadline = new CancellationTokenSource(_options.ShutdownFlushTimeout, _time);
        try
        {
            while (!deadline.IsCancellationRequested)
            {
                Drain(reader);
                if (_filling.Count > 0)
                {
                    Seal();
                }

                if (_sealed.Count == 0)
                {
                    break;
                }

                if (_time.GetTimestamp() < _retryAt)
                {
                    await Task.Delay(_time.GetElapsedTime(_time.GetTimestamp(), _retryAt), _time, deadline.Token);
                }

                await WriteOldestBatchAsync(deadline.Token);
            }
        }
        catch (OperationCanceledException)
        {
        }

        var left = _backlog + reader.Count;
        if (left > 0)
        {
            _metrics.OnDropped(left);
            Log.LostOnStop(_logger, left);
        }

        _metrics.SetBuffered(0);
    }
}

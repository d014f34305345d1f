using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace WasteNotify.Benchmarks;

/// <summary>
/// The in-process service's warnings, counted by kind rather than printed (its thousand runs are rightly reported
/// "not started": their planned start lies well before the benchmark publishes their first fix), and its errors,
/// printed as they come.
/// </summary>
internal sealed class ServiceLog : ILoggerProvider
{
    private readonly ConcurrentDictionary<string, (int Count, string First)> _warnings = new(StringComparer.Ordinal);

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName[(categoryName.LastIndexOf('.') + 1)..]);

    public string Summary() => _warnings.IsEmpty
        ? "none"
        : string.Join("; ", _warnings.OrderByDescending(w => w.Value.Count).Select(w => $"{w.Key} x{w.Value.Count:N0} (first: {w.Value.First})"));

    public void Dispose()
    {
    }

    private sealed class Logger(ServiceLog log, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            var message = formatter(state, exception);
            if (logLevel >= LogLevel.Error)
            {
                Console.Error.WriteLine($"  [service {logLevel}] {category}: {message} {exception}");
            }

            log._warnings.AddOrUpdate($"{category} {eventId.Name ?? eventId.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)}",
                _ => (1, message), (_, w) => (w.Count + 1, w.First));
        }
    }
}

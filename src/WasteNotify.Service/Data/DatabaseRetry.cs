using Npgsql;
using Polly;
using Polly.Retry;

namespace WasteNotify.Service.Data;

/// <summary>
/// The service's one back-off for its background loops while the database cannot be reached (Polly's retry: exponential
/// from <c>first</c>, capped at <c>max</c>, jittered so that instances restarted together do not knock together, until
/// the loop's token is cancelled). What is retried: <see cref="TimeoutException"/> and the <see cref="NpgsqlException"/>s
/// <c>retried</c> takes (all of them unless told: a loop that must not retry what the database refused passes
/// <see cref="IsUnreachable"/>); anything else is the caller's to judge.
/// </summary>
public static class DatabaseRetry
{
    public static ResiliencePipeline Create(TimeProvider time, TimeSpan first, TimeSpan max, Action<Exception, TimeSpan> onRetry,
        Func<NpgsqlException, bool>? retried = null) =>
        new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle(retried ?? (_ => true)).Handle<TimeoutException>(),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = first,
                MaxDelay = max,
                MaxRetryAttempts = int.MaxValue,
                OnRetry = args =>
                {
                    onRetry(args.Outcome.Exception!, args.RetryDelay);
                    return default;
                },
            })
            .Build();

    /// <summary>The database did not answer (down, restarting, unreachable), as opposed to refusing what was sent.</summary>
    public static bool IsUnreachable(NpgsqlException ex) => ex.IsTransient || ex is not PostgresException;
}

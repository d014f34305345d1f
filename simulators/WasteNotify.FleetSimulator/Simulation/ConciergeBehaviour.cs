namespace WasteNotify.FleetSimulator.Simulation;

/// <summary>
/// How simulated concierges act on their alerts, for a simulated pilot: most put the bins out a few minutes after the
/// approaching alert (log-normal delays), some never react to it, some had them out by habit before any alert; they
/// bring them back in a while after "collected"; and only some say so on their page (the rest the service estimates).
/// </summary>
public sealed record ConciergeBehaviour
{
    /// <summary>Share who do not act on the alert at all (and report nothing).</summary>
    public double NeverReacts { get; init; } = 0.07;

    /// <summary>Share who had the bins out before any alert, by habit: up to <see cref="HabitAhead"/> before the run's planned start.</summary>
    public double BeforeAnyAlert { get; init; } = 0.10;

    public TimeSpan HabitAhead { get; init; } = TimeSpan.FromMinutes(60);

    /// <summary>Median and spread (σ of the logarithm) of the delay from the approaching alert to the bins out.</summary>
    public TimeSpan MedianOutDelay { get; init; } = TimeSpan.FromMinutes(4);

    public double OutSpread { get; init; } = 0.6;

    /// <summary>Median and spread of the delay from "collected" to the bins back in.</summary>
    public TimeSpan MedianInDelay { get; init; } = TimeSpan.FromMinutes(20);

    public double InSpread { get; init; } = 0.8;

    /// <summary>Share who press "bins are out" (and, of those, "back in") on their page.</summary>
    public double ReportsOut { get; init; } = 0.75;

    public double ReportsIn { get; init; } = 0.6;

    /// <summary>
    /// What one concierge does for one collection, given the run's planned start and when their approaching and
    /// collected alerts were sent (null: none): the bins out and back in that they report (null: not reported).
    /// </summary>
    public (DateTimeOffset? BinsOut, DateTimeOffset? BinsIn) React(Random random, DateTimeOffset plannedStart, DateTimeOffset? approaching, DateTimeOffset? collected)
    {
        ArgumentNullException.ThrowIfNull(random);
        var draw = random.NextDouble();
        if (draw < NeverReacts)
        {
            return (null, null);
        }

        DateTimeOffset? binsOut = draw < NeverReacts + BeforeAnyAlert
            ? plannedStart - (HabitAhead * random.NextDouble())
            : approaching + LogNormal(random, MedianOutDelay, OutSpread);
        if (binsOut is null || random.NextDouble() >= ReportsOut)
        {
            return (null, null);
        }

        DateTimeOffset? binsIn = collected is { } c && random.NextDouble() < ReportsIn ? Max(c, binsOut.Value) + LogNormal(random, MedianInDelay, InSpread) : null;
        return (binsOut, binsIn);
    }

    /// <summary>A log-normal delay: <paramref name="median"/> × e^(σ·z), z standard normal (Box–Muller), to the second.</summary>
    public static TimeSpan LogNormal(Random random, TimeSpan median, double sigma)
    {
        ArgumentNullException.ThrowIfNull(random);
        var z = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        return TimeSpan.FromSeconds(Math.Round(median.TotalSeconds * Math.Exp(sigma * z)));
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}

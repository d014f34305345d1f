using WasteNotify.FleetSimulator.Simulation;

namespace WasteNotify.FleetSimulator.Tests;

/// <summary>The simulated pilot's concierges, over many draws: the shares and delays they are made of.</summary>
public sealed class ConciergeBehaviourTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 17, 6, 0, 0, TimeSpan.FromHours(1));
    private static readonly DateTimeOffset Approaching = Start.AddMinutes(50);
    private static readonly DateTimeOffset Collected = Start.AddMinutes(65);

    [Fact]
    public void Most_put_the_bins_out_minutes_after_the_alert_some_never_some_before_any_alert_and_only_some_say_so()
    {
        var behaviour = new ConciergeBehaviour();
        var random = new Random(11);
        const int n = 20_000;
        var reactions = Enumerable.Range(0, n).Select(_ => behaviour.React(random, Start, Approaching, Collected)).ToList();

        var reported = reactions.Where(r => r.BinsOut is not null).ToList();
        // Reported: those who act (1 - 0.07) and press the button (0.75).
        Assert.InRange(reported.Count / (double)n, (0.93 * 0.75) - 0.015, (0.93 * 0.75) + 0.015);
        var habit = reported.Count(r => r.BinsOut <= Start);
        Assert.InRange(habit / (double)n, (0.10 * 0.75) - 0.01, (0.10 * 0.75) + 0.01);
        Assert.All(reported.Where(r => r.BinsOut <= Start), r => Assert.InRange(r.BinsOut!.Value, Start.AddMinutes(-60), Start));
        var delays = reported.Where(r => r.BinsOut > Start).Select(r => (r.BinsOut!.Value - Approaching).TotalMinutes).Order().ToList();
        Assert.InRange(delays[delays.Count / 2], 3.7, 4.3); // the median delay
        Assert.True(delays[(int)(delays.Count * 0.9)] > 7, "a long tail: some take far longer"); // e^(0.6·1.28) ≈ 2.2 times the median
        Assert.All(delays, d => Assert.True(d > 0));
        var backIn = reported.Where(r => r.BinsIn is not null).ToList();
        Assert.InRange(backIn.Count / (double)reported.Count, 0.58, 0.62);
        Assert.All(backIn, r => Assert.True(r.BinsIn > Collected && r.BinsIn > r.BinsOut));
    }

    [Fact]
    public void Without_an_alert_only_the_habit_puts_the_bins_out_and_the_same_seed_draws_the_same_concierges()
    {
        var behaviour = new ConciergeBehaviour();
        var random = new Random(3);
        var noAlert = Enumerable.Range(0, 2_000).Select(_ => behaviour.React(random, Start, null, null)).Where(r => r.BinsOut is not null).ToList();
        Assert.NotEmpty(noAlert);
        Assert.All(noAlert, r => Assert.True(r.BinsOut <= Start && r.BinsIn is null));

        static List<(DateTimeOffset?, DateTimeOffset?)> Draw(int seed)
        {
            var random = new Random(seed);
            return [.. Enumerable.Range(0, 100).Select(_ => new ConciergeBehaviour().React(random, Start, Approaching, Collected))];
        }

        Assert.Equal(Draw(5), Draw(5));
        Assert.NotEqual(Draw(5), Draw(6));
    }
}

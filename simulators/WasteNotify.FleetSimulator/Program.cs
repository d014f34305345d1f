using WasteNotify.FleetSimulator;

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

try
{
    return await Simulator.RunAsync(args, Console.Out, TimeProvider.System, cancel.Token);
}
catch (ArgumentException ex)
{
    await Console.Error.WriteLineAsync($"wastenotify-sim: {ex.Message}\n\n{Simulator.Help(args)}");
    return 2;
}
catch (RegistrationException ex)
{
    await Console.Error.WriteLineAsync($"wastenotify-sim: registering the fleet with the service failed: {ex.Message}");
    return 1;
}
catch (InvalidOperationException ex)
{
    await Console.Error.WriteLineAsync($"wastenotify-sim: {ex.Message}");
    return 1;
}
catch (OperationCanceledException)
{
    return 0;
}

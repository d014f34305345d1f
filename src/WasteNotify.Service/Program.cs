using WasteNotify.Service;
using WasteNotify.Service.Eta;
using WasteNotify.Service.Ingest;
using WasteNotify.Service.Security;

// Rooted at the binaries, not the working directory: configuration reload watches the content root, and a
// working directory such as the repository (where PostgreSQL's data folder lives) would be watched for nothing.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
var configuration = builder.Configuration;
Func<CancellationToken, Task<int>>? verb = args switch
{
    ["apikey", ..] => ct => ApiKeyCommand.RunAsync(args, configuration, Console.Out, Console.Error, ct),
    ["broker", ..] => ct => BrokerCommand.RunAsync(args, configuration, Console.Out, Console.Error, ct),
    ["telemetry", ..] => ct => TelemetryImportCommand.RunAsync(args, configuration, Console.Out, Console.Error, TimeProvider.System, ct),
    ["evaluate", ..] => ct => EvaluateCommand.RunAsync(args, configuration, Console.Out, Console.Error, ct),
    ["import-runs", ..] => ct => ImportRunsCommand.RunAsync(args, configuration, Console.Out, Console.Error, TimeProvider.System, ct),
    ["train", ..] => ct => TrainCommand.RunAsync(args, configuration, Console.Out, Console.Error, TimeProvider.System, ct),
    _ => null,
};
if (verb is not null)
{
    return await CommandCancellation.RunAsync(verb, Console.Error);
}

builder.AddWasteNotify();
var app = builder.Build();
app.MapWasteNotify();
await app.RunAsync();
return 0;

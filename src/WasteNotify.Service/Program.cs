using WasteNotify.Service;
using WasteNotify.Service.Eta;
using WasteNotify.Service.Ingest;
using WasteNotify.Service.Security;

// Rooted at the binaries, not the working directory: configuration reload watches the content root, and a
// working directory such as the repository (where PostgreSQL's data folder lives) would be watched for nothing.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
if (args is ["apikey", ..])
{
    return await ApiKeyCommand.RunAsync(args, builder.Configuration, Console.Out, Console.Error, CancellationToken.None);
}

if (args is ["broker", ..])
{
    return await BrokerCommand.RunAsync(args, builder.Configuration, Console.Out, Console.Error, CancellationToken.None);
}

if (args is ["telemetry", ..])
{
    return await TelemetryImportCommand.RunAsync(args, builder.Configuration, Console.Out, Console.Error, TimeProvider.System, CancellationToken.None);
}

if (args is ["evaluate", ..])
{
    return await EvaluateCommand.RunAsync(args, builder.Configuration, Console.Out, Console.Error, CancellationToken.None);
}

if (args is ["import-runs", ..])
{
    return await ImportRunsCommand.RunAsync(args, builder.Configuration, Console.Out, Console.Error, TimeProvider.System, CancellationToken.None);
}

if (args is ["train", ..])
{
    return await TrainCommand.RunAsync(args, builder.Configuration, Console.Out, Console.Error, TimeProvider.System, CancellationToken.None);
}

builder.AddWasteNotify();
var app = builder.Build();
app.MapWasteNotify();
await app.RunAsync();
return 0;

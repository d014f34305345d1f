using WasteNotify.Service;

// Rooted at the binaries, not the working directory: configuration reload watches the content root, and a
// working directory such as the repository (where PostgreSQL's data folder lives) would be watched for nothing.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
var configuration = builder.Configuration;
if (Verbs.AreFor(args))
{
    return await CommandCancellation.RunAsync(ct => Verbs.RunAsync(args, configuration, Console.Out, Console.Error, TimeProvider.System, ct), Console.Error);
}

builder.AddWasteNotify();
var app = builder.Build();
app.MapWasteNotify();
await app.RunAsync();
return 0;

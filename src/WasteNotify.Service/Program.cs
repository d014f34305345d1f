using WasteNotify.Service;

var builder = WebApplication.CreateBuilder(args);
builder.AddWasteNotify();
var app = builder.Build();
app.MapWasteNotify();
await app.RunAsync();

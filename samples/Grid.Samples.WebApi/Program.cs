// Grid sample web API: run the grid (`dotnet run --project src/Silo`), then this app
// (`dotnet run --project samples/Grid.Samples.WebApi`), and try the curl commands in the README's "Sample" section.
var app = Grid.Samples.WebApi.SampleApp.Build(args);
await app.RunAsync();

// Grid sample web API: run the grid (`dotnet run --project src/Silo`), then this app
// (`dotnet run --project samples/Grid.Samples.WebApi`), and try the curl commands in the README's "Sample" section.
// A start-up failure is one line on stderr and an exit code of GridExitCodes: 2 for a setting to fix (section
// GridClient or GridEdge), 3 when no grid answers (the message says where the client looked and what to do).
using Grid;

try
{
    await using var app = Grid.Samples.WebApi.SampleApp.Build(args);
    await app.RunAsync();
    return GridExitCodes.Ok;
}
catch (GridUnavailableException ex)
{
    await Console.Error.WriteLineAsync($"Grid sample cannot start: {ex.Message}");
    return GridExitCodes.Unavailable;
}
catch (Exception ex) when (ex is GridConfigurationException or Microsoft.Extensions.Options.OptionsValidationException)
{
    await Console.Error.WriteLineAsync($"Grid sample cannot start: {ex.Message}");
    return GridExitCodes.Error;
}

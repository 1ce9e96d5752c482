// Grid.Bench: the grid side by side with redis-server on this machine (see README.md).
//   dotnet run -c Release --project bench -- [--quick | --smoke] [options]
//   dotnet run -c Release --project bench -- micro [--filter *] [BenchmarkDotNet options]
return await Grid.Bench.Cli.BenchCommandLine.RunAsync(args);

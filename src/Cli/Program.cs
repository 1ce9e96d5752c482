using System.Text;
using Grid.Cli;

Console.OutputEncoding = Encoding.UTF8;
return await GridCli.RunAsync(args, Console.Out, Console.Error);

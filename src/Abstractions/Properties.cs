using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("Grid.Grains")]
[assembly: InternalsVisibleTo("Grid.Client")]
[assembly: InternalsVisibleTo("Grid.Cli")]
[assembly: InternalsVisibleTo("Grid.Deploy.Tests")]

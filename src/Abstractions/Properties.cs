using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("Grid.Deploy.Tests")]

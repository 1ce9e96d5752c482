namespace Grid.Package.Tests;

/// <summary>The README's client quick-start program, taken verbatim from its first C# block, and what it says it prints.</summary>
internal sealed record ReadmeQuickStart(string Program, string ExpectedOutput)
{
    public const string Heading = "## Client quick-start";

    /// <summary>The line whose printed text the README states in a trailing comment.</summary>
    private const string PrintCall = "Console.WriteLine(";

    public static ReadmeQuickStart Load()
    {
        var program = CSharpBlock(Path.Combine(RepoPaths.Root, "README.md"), Heading);
        var printed = program.Split('\n').SingleOrDefault(line => line.Contains(PrintCall, StringComparison.Ordinal) && line.Contains("// ", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"README.md's quick-start has no '{PrintCall}...);   // what it prints' line.");
        return new ReadmeQuickStart(program, printed[(printed.IndexOf("// ", StringComparison.Ordinal) + 3)..].Trim());
    }

    /// <summary>The first ```csharp block of a markdown file, after <paramref name="heading"/> and before the next section when given.</summary>
    public static string CSharpBlock(string markdownFile, string? heading = null)
    {
        var lines = File.ReadAllText(markdownFile).ReplaceLineEndings("\n").Split('\n');
        int from = 0;
        if (heading is not null)
        {
            from = Array.IndexOf(lines, heading) + 1;
            if (from == 0)
            {
                throw new InvalidOperationException($"{markdownFile} has no '{heading}' section.");
            }
        }

        int start = Array.FindIndex(lines, from, line => line == "```csharp" || (heading is not null && line.StartsWith("## ", StringComparison.Ordinal)));
        int end = start < 0 || lines[start] != "```csharp" ? -1 : Array.IndexOf(lines, "```", start + 1);
        if (end < 0)
        {
            throw new InvalidOperationException($"{markdownFile} has no complete ```csharp block{(heading is null ? "" : $" in its '{heading}' section")}.");
        }

        return string.Join('\n', lines[(start + 1)..end]) + "\n";
    }
}

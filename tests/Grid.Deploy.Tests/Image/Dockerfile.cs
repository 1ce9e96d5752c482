namespace Grid.Deploy.Tests.Image;

/// <summary>One instruction of a Dockerfile (continuation lines joined), in the stage it belongs to.</summary>
internal sealed record DockerInstruction(string Stage, string Keyword, string Arguments, int Line);

/// <summary>
/// The repository's Dockerfile read as its build would: instructions per stage and, for the build stage, which repository
/// paths each COPY puts into the image at the same relative path under WORKDIR.
/// </summary>
internal sealed class Dockerfile
{
    private Dockerfile(IReadOnlyList<DockerInstruction> instructions) => Instructions = instructions;

    public IReadOnlyList<DockerInstruction> Instructions { get; }

    public static Dockerfile Load(string path)
    {
        var instructions = new List<DockerInstruction>();
        string stage = "";
        var lines = File.ReadAllLines(path);
        for (int i = 0; i < lines.Length; i++)
        {
            int first = i;
            string text = lines[i].Trim();
            while (text.EndsWith('\\') && i + 1 < lines.Length)
            {
                text = text[..^1].TrimEnd() + " " + lines[++i].Trim();
            }

            if (text.Length == 0 || text.StartsWith('#'))
            {
                continue;
            }

            int space = text.IndexOf(' ', StringComparison.Ordinal);
            string keyword = (space < 0 ? text : text[..space]).ToUpperInvariant();
            string arguments = space < 0 ? "" : text[(space + 1)..].Trim();
            if (keyword == "FROM")
            {
                var words = arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                stage = words.Length == 3 && words[1].Equals("AS", StringComparison.OrdinalIgnoreCase) ? words[2] : words[0];
            }

            instructions.Add(new DockerInstruction(stage, keyword, arguments, first + 1));
        }

        return new Dockerfile(instructions);
    }

    /// <summary>The index of the first RUN of <paramref name="stage"/> whose command contains <paramref name="command"/>.</summary>
    public int IndexOfRun(string stage, string command)
    {
        for (int i = 0; i < Instructions.Count; i++)
        {
            if (Instructions[i].Stage == stage && Instructions[i].Keyword == "RUN" && Instructions[i].Arguments.Contains(command, StringComparison.Ordinal))
            {
                return i;
            }
        }

        throw new InvalidOperationException($"The Dockerfile's '{stage}' stage has no RUN with '{command}'.");
    }

    /// <summary>The COPY instructions of <paramref name="stage"/> from the build context (not --from another stage).</summary>
    public IEnumerable<(int Index, IReadOnlyList<string> Sources, string Destination)> ContextCopies(string stage)
    {
        for (int i = 0; i < Instructions.Count; i++)
        {
            var instruction = Instructions[i];
            if (instruction.Stage != stage || instruction.Keyword != "COPY")
            {
                continue;
            }

            var words = instruction.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words.Any(w => w.StartsWith("--from=", StringComparison.Ordinal)))
            {
                continue;
            }

            var paths = words.Where(w => !w.StartsWith("--", StringComparison.Ordinal)).ToArray();
            yield return (i, paths[..^1], paths[^1]);
        }
    }

    /// <summary>
    /// Whether the repository file <paramref name="file"/> (relative, '/'-separated) is in the build stage's image at the
    /// same relative path under WORKDIR before instruction <paramref name="beforeIndex"/>.
    /// </summary>
    public bool Copies(string stage, string file, int beforeIndex)
    {
        foreach (var (index, sources, destination) in ContextCopies(stage))
        {
            if (index < beforeIndex && sources.Any(source => Target(source, destination, file) == file))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Where COPY <paramref name="source"/> <paramref name="destination"/> puts <paramref name="file"/>, or null when it does not copy it.</summary>
    private static string? Target(string source, string destination, string file)
    {
        string into = destination is "./" or "." ? "" : destination.TrimEnd('/') + "/";
        if (source.EndsWith('/'))
        {
            // A directory: its content goes under the destination.
            return file.StartsWith(source, StringComparison.Ordinal) ? into + file[source.Length..] : null;
        }

        if (file != source)
        {
            return null;
        }

        return destination.EndsWith('/') || destination == "." ? into + Path.GetFileName(source) : destination;
    }
}

using System.Globalization;

namespace Grid.Bench.Reporting;

/// <summary>The run's folder <c>&lt;root&gt;/&lt;yyyyMMdd-HHmmss&gt;/</c> (with <c>logs/</c>), and the copy in <c>&lt;root&gt;/latest/</c>.</summary>
internal sealed class ResultsDirectory
{
    private ResultsDirectory(string root, string directory)
    {
        Root = root;
        Directory = directory;
        Logs = Path.Combine(directory, "logs");
        System.IO.Directory.CreateDirectory(Logs);
    }

    public string Root { get; }

    public string Directory { get; }

    public string Logs { get; }

    public string Latest => Path.Combine(Root, "latest");

    public static ResultsDirectory Create(string root)
    {
        root = Path.GetFullPath(root);
        string stamp = DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        string directory = Path.Combine(root, stamp);
        for (int i = 2; System.IO.Directory.Exists(directory); i++)
        {
            directory = Path.Combine(root, $"{stamp}-{i}");
        }

        return new ResultsDirectory(root, directory);
    }

    public string File(string name) => Path.Combine(Directory, name);

    /// <summary>Replaces <c>latest/</c> with a copy of this run.</summary>
    public void CopyToLatest()
    {
        if (System.IO.Directory.Exists(Latest))
        {
            System.IO.Directory.Delete(Latest, recursive: true);
        }

        CopyTree(Directory, Latest);
    }

    private static void CopyTree(string from, string to)
    {
        System.IO.Directory.CreateDirectory(to);
        foreach (var file in System.IO.Directory.GetFiles(from))
        {
            System.IO.File.Copy(file, Path.Combine(to, Path.GetFileName(file)), overwrite: true);
        }

        foreach (var dir in System.IO.Directory.GetDirectories(from))
        {
            CopyTree(dir, Path.Combine(to, Path.GetFileName(dir)));
        }
    }
}

namespace Grid.Deploy.Tests.Image;

/// <summary>
/// The silo image's Dockerfile, checked against the repository without a container builder: what it copies exists, and
/// everything the silo's build reads is copied before the step that reads it (the project files and the MSBuild files
/// over them before restore, every source before publish). The images cannot be built on the CI machine (no registry
/// serves the .NET base images there), so this is what keeps the Dockerfile honest when projects or build files change.
/// </summary>
public sealed class DockerfileTests
{
    private const string BuildStage = "build";

    private static readonly Dockerfile Image = Dockerfile.Load(Path.Combine(Manifests.Root, "Dockerfile"));

    private static readonly SiloBuildInputs Inputs = SiloBuildInputs.Find(Manifests.Root);

    [Fact]
    public void Every_path_the_build_stage_copies_exists_in_the_repository()
    {
        var sources = Image.ContextCopies(BuildStage).SelectMany(copy => copy.Sources).ToArray();

        Assert.NotEmpty(sources);
        Assert.All(sources, source =>
            Assert.True(File.Exists(Path.Combine(Manifests.Root, source)) || Directory.Exists(Path.Combine(Manifests.Root, source)), $"COPY {source}: no such path"));
    }

    [Fact]
    public void The_silo_build_reads_its_projects_and_the_shared_sources()
    {
        // A sanity check of the reading itself, so the checks below cannot pass on an empty set.
        Assert.Equal(["src/Abstractions/Grid.Abstractions.csproj", "src/Client/Grid.Client.csproj", "src/Grains/Grid.Grains.csproj", "src/Resp/Grid.Resp.csproj", SiloBuildInputs.SiloProject], Inputs.Projects);
        Assert.Contains(Inputs.LinkedSources, file => file.StartsWith("src/Shared/", StringComparison.Ordinal));
        Assert.Contains("Directory.Packages.props", Inputs.BuildFiles);
        Assert.Contains("src/Directory.Build.props", Inputs.BuildFiles);
    }

    [Fact]
    public void Every_project_file_and_every_build_file_over_them_is_copied_before_restore()
    {
        int restore = Image.IndexOfRun(BuildStage, $"dotnet restore {SiloBuildInputs.SiloProject}");

        var missing = Inputs.Projects.Concat(Inputs.BuildFiles).Where(file => !Image.Copies(BuildStage, file, restore)).ToArray();

        Assert.True(missing.Length == 0, "Not copied before 'dotnet restore': " + string.Join(", ", missing));
    }

    [Fact]
    public void Every_source_the_silo_compiles_including_linked_shared_files_is_copied_before_publish()
    {
        int publish = Image.IndexOfRun(BuildStage, $"dotnet publish {SiloBuildInputs.SiloProject}");

        var missing = Inputs.ProjectFolderFiles().Concat(Inputs.LinkedSources).Where(file => !Image.Copies(BuildStage, file, publish)).ToArray();

        Assert.True(missing.Length == 0, "Not copied before 'dotnet publish': " + string.Join(", ", missing));
    }

    [Fact]
    public void Build_outputs_of_the_host_stay_out_of_the_image()
    {
        // A host's obj/project.assets.json copied over the image's own restore would break 'publish --no-restore'.
        var ignored = File.ReadAllLines(Path.Combine(Manifests.Root, ".dockerignore")).Select(line => line.Trim()).ToArray();

        Assert.Contains("**/bin/", ignored);
        Assert.Contains("**/obj/", ignored);
    }

    [Fact]
    public void The_runtime_stage_runs_what_the_build_stage_published()
    {
        var publish = Image.Instructions[Image.IndexOfRun(BuildStage, $"dotnet publish {SiloBuildInputs.SiloProject}")];
        string output = publish.Arguments.Split(' ')[^1];
        var runtime = Image.Instructions.Where(i => i.Stage != BuildStage).ToArray();

        Assert.EndsWith($"-o {output}", publish.Arguments, StringComparison.Ordinal);
        Assert.Contains(runtime, i => i.Keyword == "COPY" && i.Arguments == $"--from={BuildStage} {output} ./");
        Assert.Contains(runtime, i => i.Keyword == "ENTRYPOINT" && i.Arguments == """["dotnet", "Grid.Silo.dll"]""");
    }
}

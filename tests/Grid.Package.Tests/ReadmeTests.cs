namespace Grid.Package.Tests;

/// <summary>The READMEs a user reads first agree with each other and with what the tests run.</summary>
public sealed class ReadmeTests
{
    [Fact]
    public void The_client_package_readme_shows_the_same_program_as_the_repository_readme()
    {
        string packageReadme = Path.Combine(RepoPaths.Root, "src", "Client", "README.md");

        Assert.Equal(ReadmeQuickStart.Load().Program, ReadmeQuickStart.CSharpBlock(packageReadme));
    }
}

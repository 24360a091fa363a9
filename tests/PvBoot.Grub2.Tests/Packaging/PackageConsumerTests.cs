using System.Text;
using PvBoot.Testing;

namespace PvBoot.Grub2.Tests.Packaging;

/// <summary>
/// Packs the libraries into a local folder feed and builds tests/PackageConsumer against the .nupkg files (not the
/// projects), then runs it on the sample guest image: proof that the packages work as packages.
/// </summary>
[TestFixture]
[NonParallelizable]
public class PackageConsumerTests
{
    [Test]
    public void PackedPackages_ConsumedFromAFolderFeed_BootTheSampleImage()
    {
        string work = Path.Combine(Fixtures.WorkDirectory, "package-consumer");
        string feed = Path.Combine(work, "feed");
        string packages = Path.Combine(work, "packages");
        Directory.CreateDirectory(feed);
        string root = Fixtures.RepositoryRoot;
        string version = File.ReadAllText(Path.Combine(root, "Directory.Build.props")).Split("<Version>")[1].Split("</Version>")[0];

        foreach (string library in new[] { "PvBoot.Core", "PvBoot.FileSystems", "PvBoot.Grub2" })
        {
            ToolResult pack = Tool.Run("dotnet", ["pack", Path.Combine(root, "src", library, library + ".csproj"), "-c", "Release", "-o", feed, "-nologo"], timeoutSeconds: 600, workingDirectory: root);
            Assert.That(pack.ExitCode, Is.Zero, Encoding.UTF8.GetString(pack.Stdout) + pack.Stderr);
        }

        string[] nupkgs = [.. Directory.GetFiles(feed, "*.nupkg").Select(Path.GetFileName)!];
        Assert.That(nupkgs, Is.SupersetOf(new[] { $"PvBoot.Core.{version}.nupkg", $"PvBoot.FileSystems.{version}.nupkg", $"PvBoot.Grub2.{version}.nupkg" }));
        Assert.That(Directory.GetFiles(feed, "*.snupkg"), Is.Not.Empty, "symbol packages");

        string project = Path.Combine(root, "tests", "PackageConsumer", "PackageConsumer.csproj");
        ToolResult run = Tool.Run("dotnet",
            ["run", "--project", project, "-c", "Release", "-p:PvBootFeed=" + feed, "-p:PvBootPackages=" + packages, "-p:PvBootVersion=" + version,
             "--", Fixtures.Image("sample")],
            timeoutSeconds: 600, workingDirectory: work);

        string output = Encoding.UTF8.GetString(run.Stdout);
        Assert.That(run.ExitCode, Is.Zero, output + run.Stderr);
        Assert.That(Directory.Exists(Path.Combine(packages, "pvboot.grub2")), Is.True, "PvBoot.Grub2 was not restored as a package");
        ManifestEntry kernel = Fixtures.Manifest("sample").Single(e => e.Path == "/boot/vmlinuz-6.1.0-13-amd64");
        Assert.That(output, Does.Contain($"kernel: /boot/vmlinuz-6.1.0-13-amd64 {kernel.Sha256}"));
    }
}

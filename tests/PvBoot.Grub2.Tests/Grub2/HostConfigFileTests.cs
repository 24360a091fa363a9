using System.Text;
using PvBoot.Core.BlockSources;
using PvBoot.Core.FileSystems;
using PvBoot.Testing;

namespace PvBoot.Grub2.Tests.Grub2;

/// <summary>A bare configuration on the host (<c>--isconfig</c>): read from its own absolute path, whatever that path is made of.</summary>
[TestFixture]
public sealed class HostConfigFileTests
{
    private const string Config = "menuentry 'Debian' {\n\tlinux /boot/vmlinuz root=/dev/xvda1 ro\n\tinitrd /boot/initrd.img\n}\n";

    [TestCase("ascii")]
    [TestCase("héllo")]
    [TestCase("日本語")]
    public void BareConfigUnderAnyDirectoryName_IsReadAndNamedByItsAbsolutePath(string directoryName)
    {
        string directory = Path.Combine(Fixtures.WorkDirectory, "isconfig-" + Guid.NewGuid().ToString("N")[..8], directoryName);
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, "grub.cfg");
        File.WriteAllText(path, Config);

        using GuestBoot boot = GuestBoot.Open(path, GuestBootOptions.Default with { ConfigFileOnly = true });

        Assert.Multiple(() =>
        {
            Assert.That(boot.Selection.ConfigPath, Is.EqualTo(path));
            Assert.That(boot.Selection.Chosen?.Kernel?.Path, Is.EqualTo("/boot/vmlinuz"));
            Assert.That(boot.Selection.Chosen?.Arguments, Is.EqualTo("root=/dev/xvda1 ro"));
        });
    }

    [Test]
    public void DirectoriesOnTheWayToTheConfiguration_ListTheNextComponent()
    {
        var source = new MemoryBlockSource(Encoding.ASCII.GetBytes(Config), "config");
        var fs = new HostConfigFileSystem(source, "/etc/xen/test.cfg", FileSystemBudgets.Default);

        FileSystemEntry root = fs.Lookup("/"u8) ?? throw new AssertionException("no root");
        FileSystemEntry etc = fs.Lookup("/etc/"u8) ?? throw new AssertionException("no /etc");
        FileSystemEntry xen = fs.Lookup("/etc/xen"u8) ?? throw new AssertionException("no /etc/xen");
        FileSystemEntry config = fs.Lookup("/etc/xen/test.cfg"u8) ?? throw new AssertionException("no configuration");
        FileSystemEntry other = fs.Lookup("/etc/xe"u8) ?? throw new AssertionException("no /etc/xe");

        Assert.Multiple(() =>
        {
            Assert.That(Listing(fs, root), Is.EqualTo(new[] { ("etc", FileSystemEntryType.Directory) }));
            Assert.That(Listing(fs, etc), Is.EqualTo(new[] { ("xen", FileSystemEntryType.Directory) }));
            Assert.That(Listing(fs, xen), Is.EqualTo(new[] { ("test.cfg", FileSystemEntryType.Regular) }));
            Assert.That((config.Type, config.Size), Is.EqualTo((FileSystemEntryType.Regular, (long)Config.Length)));
            Assert.That((other.Type, other.Size), Is.EqualTo((FileSystemEntryType.Regular, 0L)), "any other path is an empty file");
            Assert.That(Listing(fs, other), Is.Empty);
        });
    }

    private static (string Name, FileSystemEntryType Type)[] Listing(IFileSystemReader fs, FileSystemEntry directory)
        => [.. fs.ListDirectory(directory).Select(l => (Encoding.Latin1.GetString(l.Name.Span), l.Type))];
}

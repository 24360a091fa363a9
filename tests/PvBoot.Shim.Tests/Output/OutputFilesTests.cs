using System.Text;
using System.Text.RegularExpressions;
using PvBoot.Shim.Boot;
using PvBoot.Shim.Output;
using PvBoot.Testing;

namespace PvBoot.Shim.Tests.Output;

/// <summary>The output files: names, modes, creation flags, --output semantics, cleanup on failure (O1, O2).</summary>
[TestFixture]
[NonParallelizable]
public sealed partial class OutputFilesTests
{
    private static readonly byte[] Kernel = Enumerable.Range(0, 300_000).Select(i => (byte)(i * 7)).ToArray();
    private static readonly byte[] Initrd = Enumerable.Range(0, 70_000).Select(i => (byte)(i * 13)).ToArray();

    [GeneratedRegex("^boot_(kernel|ramdisk)\\.[a-z0-9_]{8}$")]
    private static partial Regex MkstempName();

    [Test]
    public void FilesAreNamedAsMkstempAndMode0600()
    {
        string directory = ShimBinary.NewDirectory("names");
        using (OutputFiles files = OutputFiles.Create(directory, createFiles: true, output: null))
        {
            Assert.Multiple(() =>
            {
                Assert.That(Path.GetFileName(files.KernelPath), Does.Match(MkstempName()));
                Assert.That(Path.GetFileName(files.RamdiskPath), Does.Match(MkstempName()));
                Assert.That(File.GetUnixFileMode(files.KernelPath!), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
                Assert.That(File.GetUnixFileMode(files.RamdiskPath!), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
            });
        }

        Assert.That(Directory.GetFiles(directory), Is.Empty, "not committed, so removed");
    }

    [Test]
    public void O2_PlantedSymlinkAtTheNameIsNeverFollowed()
    {
        string directory = ShimBinary.NewDirectory("symlink");
        string victim = Path.Combine(ShimBinary.NewDirectory("victim"), "shadow");
        File.CreateSymbolicLink(Path.Combine(directory, "boot_kernel.planted1"), victim);
        var names = new Queue<string>(["planted1", "fresh_12"]);

        (string path, int fd) = OutputFiles.CreateUnique(directory, "boot_kernel.", names.Dequeue);
        Native.Libc.Close(fd);
        Assert.Multiple(() =>
        {
            Assert.That(path, Is.EqualTo(Path.Combine(directory, "boot_kernel.fresh_12")));
            Assert.That(File.Exists(victim), Is.False, "the symlink's target was created");
            Assert.That(new FileInfo(Path.Combine(directory, "boot_kernel.planted1")).LinkTarget, Is.EqualTo(victim));
        });
    }

    [Test]
    public void DefaultOutputDirectoryIsCreated0700()
    {
        string parent = ShimBinary.NewDirectory("default");
        string directory = Path.Combine(parent, "var", "run", "xen", "pygrub") + "/";
        Pygrub.EnsureDefaultOutputDirectory(directory);
        Assert.That(File.GetUnixFileMode(directory.TrimEnd('/')), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute));
    }

    [Test]
    public void OutputIsOpenedWithoutCreatingOrTruncating()
    {
        string directory = ShimBinary.NewDirectory("output");
        string precreated = Path.Combine(directory, "bootloader.out");
        File.WriteAllText(precreated, "0123456789");
        using (OutputFiles files = OutputFiles.Create(directory, createFiles: false, output: precreated))
        {
            Native.Libc.WriteAll(files.OutputFd, "ab"u8);
        }

        Assert.That(File.ReadAllText(precreated), Is.EqualTo("ab23456789"), "pygrub opens --output O_WRONLY without O_TRUNC");
        string missing = Path.Combine(directory, "missing.out");
        Assert.Throws<IOException>(() => OutputFiles.Create(directory, createFiles: true, output: missing));
        Assert.Multiple(() =>
        {
            Assert.That(File.Exists(missing), Is.False, "--output must not be created");
            Assert.That(Directory.GetFiles(directory), Is.EqualTo(new[] { precreated }), "nothing left behind");
        });
    }

    [Test]
    public void LibxlRunWritesSimple0AndKeepsOnlyTheFilesItReports()
    {
        string directory = ShimBinary.NewDirectory("libxl");
        string output = Path.Combine(directory, "bootloader.out");
        File.WriteAllBytes(output, []);
        (ExitCode code, string stdout, string stderr) = RunInProcess(
            ["--output=" + output, "--output-format=simple0", "--output-directory=" + directory, "-q", ImageFile()],
            Session(kernelOnlyDefault: false));
        Assert.That(code, Is.EqualTo(ExitCode.Success), stderr);
        string[] items = Encoding.UTF8.GetString(File.ReadAllBytes(output)).Split('\0');
        string kernelPath = items[0]["kernel ".Length..];
        string ramdiskPath = items[1]["ramdisk ".Length..];
        Assert.Multiple(() =>
        {
            Assert.That(stdout, Is.Empty);
            Assert.That(items, Has.Length.EqualTo(5));
            Assert.That(items[2], Is.EqualTo("args root=/dev/xvda1 ro"));
            Assert.That(items[3..], Is.EqualTo(new[] { string.Empty, string.Empty }));
            Assert.That(File.ReadAllBytes(kernelPath), Is.EqualTo(Kernel));
            Assert.That(File.ReadAllBytes(ramdiskPath), Is.EqualTo(Initrd));
            Assert.That(Directory.GetFiles(directory).Order(), Is.EqualTo(new[] { output, kernelPath, ramdiskPath }.Order()));
        });
    }

    [Test]
    public void NoRamdiskFileIsLeftWhenTheEntryHasNone()
    {
        string directory = ShimBinary.NewDirectory("noramdisk");
        (ExitCode code, string stdout, string stderr) = RunInProcess(["--output-directory=" + directory, "--entry=1", ImageFile()], Session(kernelOnlyDefault: false));
        Assert.That(code, Is.EqualTo(ExitCode.Success), stderr);
        string[] left = Directory.GetFiles(directory);
        Assert.Multiple(() =>
        {
            Assert.That(stdout, Is.EqualTo($"linux (kernel '{left.Single()}')(args 'root=/dev/xvda1 single')"));
            Assert.That(Path.GetFileName(left.Single()), Does.StartWith("boot_kernel."));
        });
    }

    [Test]
    public void O1_DiskFullMidCopyLeavesNothingAndFails()
    {
        ShimBinary.RequireRoot();
        string directory = ShimBinary.NewDirectory("full");
        ToolResult mount = Tool.Run("mount", ["-t", "tmpfs", "-o", "size=128k,mode=0700", "tmpfs", directory]);
        Assert.That(mount.ExitCode, Is.Zero, mount.Stderr);
        try
        {
            (ExitCode code, string stdout, string stderr) = RunInProcess(["--output-directory=" + directory, "-q", ImageFile()], Session(kernelOnlyDefault: false));
            Assert.Multiple(() =>
            {
                Assert.That(code, Is.EqualTo(ExitCode.Failure));
                Assert.That(stdout, Is.Empty);
                Assert.That(stderr, Does.Contain("pygrub: error: cannot write the output").And.Contain("hint:"));
                Assert.That(Directory.GetFileSystemEntries(directory), Is.Empty, "partial or empty files left behind");
            });
        }
        finally
        {
            Tool.Run("umount", [directory]);
        }
    }

    internal static (ExitCode Code, string Stdout, string Stderr) RunInProcess(string[] args, IBootSession session)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        ExitCode code = Pygrub.Run(args, "pygrub", stdout, stderr, _ => session, supervise: false);
        return (code, stdout.ToString(), stderr.ToString());
    }

    internal static string ImageFile()
    {
        string path = Path.Combine(ShimBinary.NewDirectory("image"), "disk.img");
        File.WriteAllBytes(path, new byte[4096]);
        return path;
    }

    private static TestSession Session(bool kernelOnlyDefault) => new(
        TestSession.Menu(5, kernelOnlyDefault ? 1 : 0, ("Debian", "/boot/vmlinuz", "/boot/initrd.img", "root=/dev/xvda1 ro"), ("Single", "/boot/vmlinuz", null, "root=/dev/xvda1 single")),
        new Dictionary<string, byte[]> { ["/boot/vmlinuz"] = Kernel, ["/boot/initrd.img"] = Initrd });
}

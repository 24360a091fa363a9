using PvBoot.Shim.Boot;
using PvBoot.Shim.CommandLine;
using PvBoot.Testing;

namespace PvBoot.Shim.Tests.CommandLine;

/// <summary>
/// <c>--xen-dom0-kernel</c> goes from the command line to the GRUB 2 evaluator: the Xen entry that Debian's real
/// <c>20_linux_xen</c> wrote (the default, as xen-utils sets it) boots its dom0 kernel module only with the option.
/// </summary>
[TestFixture]
public sealed class XenDom0KernelOptionTests
{
    private static readonly byte[] Kernel = "kernel 6.1.0-18-amd64\n"u8.ToArray();
    private static readonly byte[] Initrd = "initrd 6.1.0-18-amd64\n"u8.ToArray();

    /// <summary>An ext2 file system (no partition table: GRUB's (hd0,msdos1) is the whole image) made by mke2fs -d.</summary>
    private static string XenImage()
    {
        string directory = ShimBinary.NewDirectory("xen-image");
        string boot = Path.Combine(directory, "root", "boot");
        Directory.CreateDirectory(Path.Combine(boot, "grub"));
        File.Copy(Path.Combine(Fixtures.RepositoryRoot, "fuzz-corpus", "grub2-cfg", "generated-xen", "debian-xen-multiboot2.cfg"), Path.Combine(boot, "grub", "grub.cfg"));
        File.WriteAllText(Path.Combine(boot, "xen-4.17-amd64.gz"), "xen 4.17\n");
        File.WriteAllBytes(Path.Combine(boot, "vmlinuz-6.1.0-18-amd64"), Kernel);
        File.WriteAllBytes(Path.Combine(boot, "initrd.img-6.1.0-18-amd64"), Initrd);
        string image = Path.Combine(directory, "disk.img");
        ToolResult made = Tool.Run("mke2fs", ["-q", "-F", "-t", "ext2", "-d", Path.Combine(directory, "root"), "-U", "0a1b2c3d-1111-2222-3333-444455556666", "-E", "root_owner=0:0", image, "4M"]);
        Assert.That(made.ExitCode, Is.Zero, made.Stderr);
        return image;
    }

    private static (ExitCode Code, string Stdout, string Stderr) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        ExitCode code = Pygrub.Run(args, "pygrub", stdout, stderr, GuestBootSession.Open, supervise: false);
        return (code, stdout.ToString(), stderr.ToString());
    }

    [Test]
    public void Image_WithXenDom0Kernel_ExtractsModuleOneAndTwoWithoutTheModuleName_WithoutItTheXenDefaultFails()
    {
        string image = XenImage();
        string offDirectory = ShimBinary.NewDirectory("xen-off");
        string onDirectory = ShimBinary.NewDirectory("xen-on");

        var off = Run("-q", "--output-format=simple", "--explain", "--output-directory=" + offDirectory, image);
        var on = Run("-q", "--output-format=simple", "--xen-dom0-kernel", "--explain", "--output-directory=" + onDirectory, image);

        Assert.That(on.Code, Is.EqualTo(ExitCode.Success), on.Stderr);
        string[] items = on.Stdout.Split('\n');
        Assert.Multiple(() =>
        {
            Assert.That(off.Code, Is.Not.EqualTo(ExitCode.Success), off.Stdout + off.Stderr);
            Assert.That(off.Stderr, Does.Contain("multiboot2 loads a hypervisor"));
            Assert.That(Directory.GetFileSystemEntries(offDirectory), Is.Empty);
            Assert.That(items[2], Is.EqualTo("args root=/dev/xvda1 ro quiet"));
            Assert.That(File.ReadAllBytes(items[0]["kernel ".Length..]), Is.EqualTo(Kernel));
            Assert.That(File.ReadAllBytes(items[1]["ramdisk ".Length..]), Is.EqualTo(Initrd));
            Assert.That(on.Stderr, Does.Contain("booted through its dom0 kernel because option XenModuleAsKernel is on"));
        });
    }

    [TestCase("--xen-dom0-kernel", true)]
    [TestCase("--xen-dom0", false)]
    [TestCase("--xen", false)]
    [TestCase("--xen-dom0-kernel=yes", false)]
    public void Parse_XenDom0KernelIsAnExactOnlyFlag(string option, bool accepted)
    {
        ParseOutcome outcome = PygrubOptions.Parse([option, "-q", "disk.img"], "pygrub", posixlyCorrect: false, isDirectory: _ => true);
        Assert.That((outcome.Options is not null, outcome.Options?.XenDom0Kernel ?? false), Is.EqualTo((accepted, accepted)), outcome.Stderr);
        if (!accepted)
        {
            Assert.That((outcome.Code, outcome.Stderr), Is.EqualTo((ExitCode.Failure, PygrubOptions.Usage("pygrub") + "\n")), "rejected as pygrub rejects an unknown option");
        }
    }
}

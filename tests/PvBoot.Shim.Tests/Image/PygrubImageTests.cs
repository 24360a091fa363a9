using System.Text;
using System.Text.RegularExpressions;
using PvBoot.Testing;

namespace PvBoot.Shim.Tests.Image;

/// <summary>
/// Both pygrubs on one small ext4 image made by mkfs.ext4 -d: the same texts modulo the random names, the same bytes,
/// and O1 (a file-size limit hit mid-copy) through the published binary.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed partial class PygrubImageTests
{
    private static readonly Lazy<(string Image, byte[] Kernel, byte[] Initrd)> Disk = new(MakeImage);

    /// <summary>The image (made once per run).</summary>
    internal static string Image => Disk.Value.Image;

    [GeneratedRegex("boot_(kernel|ramdisk)\\.[a-z0-9_]{8}")]
    private static partial Regex TempName();

    [TestCase("-q")]
    [TestCase("-q -n")]
    [TestCase("-q -l")]
    [TestCase("--entry=1")]
    [TestCase("-q --output-format=simple")]
    [TestCase("-q --output-format=simple0")]
    [TestCase("-q --entry=1 --output-format=simple0 --args=console=hvc0")]
    [TestCase("-q --kernel=/boot/vmlinuz-1 --args=ro")]
    public void SameResultAsPygrub(string options)
    {
        (string image, byte[] kernel, byte[] initrd) = Disk.Value;
        (int referenceCode, string reference, string referenceDirectory) = Run(ShimBinary.Reference, options, image);
        (int ourCode, string ours, string ourDirectory) = Run(ShimBinary.Path, options, image);
        Assert.Multiple(() =>
        {
            Assert.That(ourCode, Is.EqualTo(referenceCode));
            Assert.That(TempName().Replace(ours.Replace(ourDirectory, "DIR", StringComparison.Ordinal), "NAME"),
                Is.EqualTo(TempName().Replace(reference.Replace(referenceDirectory, "DIR", StringComparison.Ordinal), "NAME")));
            foreach (Match name in TempName().Matches(ours))
            {
                byte[] expected = name.Value.StartsWith("boot_kernel", StringComparison.Ordinal) ? kernel : initrd;
                Assert.That(File.ReadAllBytes(Path.Combine(ourDirectory, name.Value)), Is.EqualTo(expected), name.Value);
            }

            Assert.That(Directory.GetFiles(ourDirectory).Select(Path.GetFileName), Is.EquivalentTo(TempName().Matches(ours).Select(m => m.Value)),
                "PvBoot keeps exactly the files it reports");
        });
    }

    [Test]
    public void O1_FileSizeLimitHitMidCopyLeavesNothing()
    {
        (string image, _, _) = Disk.Value;
        string directory = ShimBinary.NewDirectory("fsize");
        // 64 blocks of 512 bytes: less than the 96 KiB kernel.
        ToolResult result = Tool.Run("bash", ["-c", "ulimit -f 64; exec \"$0\" -q --output-directory=\"$1\" \"$2\"", ShimBinary.Path, directory, image]);
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(1), result.Stderr);
            Assert.That(result.Stdout, Is.Empty);
            Assert.That(result.Stderr, Does.Contain("pygrub: error: cannot write the output").And.Contain("File too large"));
            Assert.That(Directory.GetFileSystemEntries(directory), Is.Empty, "partial files left behind");
        });
    }

    [Test]
    public void XendFifoIsReadWhileRunningAndLibxlFileAfterExit()
    {
        (string image, byte[] kernel, _) = Disk.Value;
        string directory = ShimBinary.NewDirectory("callers");

        // xend: --output is a FIFO that the caller reads while the boot loader runs.
        string fifo = Path.Combine(directory, "xend.fifo");
        Assert.That(Tool.Run("mkfifo", [fifo]).ExitCode, Is.Zero);
        var read = Task.Run(() => File.ReadAllText(fifo));
        ToolResult xend = Tool.Run(ShimBinary.Path, ["-q", "--output=" + fifo, "--output-directory=" + directory, image]);
        Assert.That(read.Wait(20_000), Is.True, "nothing came through the FIFO");
        Assert.That(xend.ExitCode, Is.Zero, xend.Stderr);
        Assert.That(read.Result, Does.Match("^linux \\(kernel '[^']*/boot_kernel\\.[a-z0-9_]{8}'\\)\\(ramdisk '[^']*/boot_ramdisk\\.[a-z0-9_]{8}'\\)\\(args 'root=/dev/xvda1 ro quiet'\\)$"));

        // libxl: a pre-created empty file, simple0, read after exit (libxl then unlinks the reported files).
        string output = Path.Combine(directory, "bootloader.out");
        File.WriteAllBytes(output, []);
        ToolResult libxl = Tool.Run(ShimBinary.Path, ["--runas=4321", "--quiet", "--output=" + output, "--output-format=simple0", "--output-directory=" + directory, image]);
        Assert.That(libxl.ExitCode, Is.Zero, libxl.Stderr);
        string[] items = Encoding.UTF8.GetString(File.ReadAllBytes(output)).Split('\0');
        Assert.Multiple(() =>
        {
            Assert.That(libxl.Stdout, Is.Empty);
            Assert.That(items[0], Does.StartWith("kernel " + directory + "/boot_kernel."));
            Assert.That(File.ReadAllBytes(items[0]["kernel ".Length..]), Is.EqualTo(kernel));
            Assert.That(items[1], Does.StartWith("ramdisk " + directory + "/boot_ramdisk."));
            Assert.That(items[2..], Is.EqualTo(new[] { "args root=/dev/xvda1 ro quiet", string.Empty, string.Empty }));
        });
    }

    private static (int Code, string Stdout, string Directory) Run(string program, string options, string image)
    {
        string directory = ShimBinary.NewDirectory("image-run");
        var args = options.Split(' ').ToList();
        args.Add("--output-directory=" + directory);
        args.Add(image);
        ToolResult result = Tool.Run(program, args, timeoutSeconds: 60);
        return (result.ExitCode, Encoding.UTF8.GetString(result.Stdout), directory);
    }

    private static (string Image, byte[] Kernel, byte[] Initrd) MakeImage()
    {
        string root = ShimBinary.NewDirectory("image-root");
        Directory.CreateDirectory(Path.Combine(root, "boot", "grub"));
        byte[] kernel = Enumerable.Range(0, 96 * 1024).Select(i => (byte)((i * 31) ^ (i >> 9))).ToArray();
        byte[] initrd = Enumerable.Range(0, 40 * 1024).Select(i => (byte)((i * 17) ^ (i >> 7))).ToArray();
        File.WriteAllBytes(Path.Combine(root, "boot", "vmlinuz-1"), kernel);
        File.WriteAllBytes(Path.Combine(root, "boot", "initrd-1"), initrd);
        File.WriteAllText(Path.Combine(root, "boot", "grub", "grub.cfg"), """
            set default=0
            set timeout=5
            menuentry 'Debian GNU/Linux' {
            	set root='hd0,msdos1'
            	linux /boot/vmlinuz-1 root=/dev/xvda1 ro quiet
            	initrd /boot/initrd-1
            }
            menuentry 'Debian GNU/Linux (single)' {
            	linux /boot/vmlinuz-1 root=/dev/xvda1 single
            }

            """);
        string image = Path.Combine(ShimBinary.NewDirectory("image"), "ext4.img");
        ToolResult made = Tool.Run(
            "mkfs.ext4",
            ["-q", "-F", "-U", "6d2b5c1e-0f55-4b8e-9a51-7c3f3f1f0a01", "-E", "hash_seed=6d2b5c1e-0f55-4b8e-9a51-7c3f3f1f0a02,root_owner=0:0", "-d", root, image, "4M"],
            environment: new Dictionary<string, string> { ["E2FSPROGS_FAKE_TIME"] = "1700000000", ["SOURCE_DATE_EPOCH"] = "1700000000" });
        Assert.That(made.ExitCode, Is.Zero, made.Stderr);
        return (image, kernel, initrd);
    }
}

using PvBoot.Testing;

namespace PvBoot.Shim.Tests.EndToEnd;

/// <summary>
/// End to end on the fixture images: where Xen's pygrub 4.17 boots an image, PvBoot's output in every format equals
/// pygrub's (modulo the random temporary names) and the extracted files are identical; where pygrub fails, PvBoot
/// extracts what the guest's own boot loader would boot, checked against the fixture manifest.
/// </summary>
[TestFixture]
[NonParallelizable]
public class PygrubDifferentialTests
{
    /// <summary>Images the real pygrub reads correctly: ext2/3/4, FAT, ISO9660, XFS v4 without ftype, MBR, GPT, hybrid ISOs.</summary>
    private static readonly string[] PygrubReads =
    [
        "sample", "ext2", "ext3-1k", "ext4-32bit", "ext4-default", "ext4-inline", "ext4-metabg", "ext4-nojournal",
        "fat12", "fat16-mbr", "fat32-mbr", "gpt", "hybrid", "hybrid-gpt", "iso-hybrid", "iso-plain", "xfs-v4-noftype",
    ];

    /// <summary>
    /// Images pygrub cannot boot (XFS v5 and v4 with ftype, btrfs, BLS, syslinux on a GPT ESP, Joliet-only and level-2
    /// names, 4 KiB FAT sectors, EL7 <c>${saved_entry}</c>, /boot on a logical partition or in an LVM volume), with what the guest's own boot loader loads: kernel, then initrds in order, each
    /// aligned as that loader aligns them (GRUB 4 bytes, syslinux 4 KiB).
    /// </summary>
    private static readonly (string Image, string Kernel, string[] Initrds, int Alignment)[] PygrubFails =
    [
        ("xfs-v5", "/boot/vmlinuz-6.1.0-pvboot", ["/boot/initramfs-6.1.0-pvboot.img"], 4),
        ("xfs-v4", "/boot/vmlinuz-6.1.0-pvboot", ["/boot/initramfs-6.1.0-pvboot.img"], 4),
        ("centos7", "/vmlinuz-3.10.0-1160.el7.x86_64", ["/initramfs-3.10.0-1160.el7.x86_64.img"], 4),
        ("rocky8", "/vmlinuz-4.18.0-477.10.1.el8_8.x86_64", ["/initramfs-4.18.0-477.10.1.el8_8.x86_64.img"], 4),
        ("btrfs-rootdir", "/boot/vmlinuz-6.1.0-test", [], 4),
        ("btrfs-xxhash", "/boot/vmlinuz-6.1.0-test", [], 4),
        ("btrfs-sha256", "/boot/vmlinuz-6.1.0-test", [], 4),
        ("btrfs-blake2", "/boot/vmlinuz-6.1.0-test", [], 4),
        ("btrfs-dup-data", "/boot/vmlinuz-6.1.0-test", [], 4),
        ("btrfs-suse", "/@/.snapshots/1/snapshot/boot/vmlinuz-6.4.0-150600.23-default", ["/@/.snapshots/1/snapshot/boot/initrd-6.4.0-150600.23-default"], 4),
        ("fat12-4k-sectors", "/boot/vmlinuz-linux", [], 4),
        ("iso-level2", "/boot/vmlinuz", [], 4),
        ("fat32-esp-gpt", "/vmlinuz-linux", ["/intel-ucode.img", "/initramfs-linux.img"], 4096),
        ("iso-joliet", "/boot/vmlinuz-6.1.0-13-amd64", [], 4),
        ("iso-netinst", "/install.amd/vmlinuz", ["/install.amd/initrd.gz"], 4),
        ("logical-boot", "/vmlinuz-6.1.0-13-amd64", ["/initrd.img-6.1.0-13-amd64"], 4),
        ("lvm-boot", "/boot/vmlinuz-6.1.0-13-amd64", ["/boot/initrd.img-6.1.0-13-amd64"], 4),
    ];

    private static IEnumerable<TestCaseData> SameAsPygrubCases() =>
        from image in PygrubReads
        from format in new[] { "sxp", "simple", "simple0" }
        select new TestCaseData(image, format).SetName($"SameAsPygrub_{image}_{format}");

    /// <summary>
    /// Every image pygrub reads, but hybrid-gpt: its only entry has no initrd, which makes pygrub's listing raise after
    /// printing it, and pygrub then lists it again for each of the GPT's many partition entries (245 times).
    /// </summary>
    private static IEnumerable<TestCaseData> ListingCases() =>
        PygrubReads.Where(image => image != "hybrid-gpt")
            .Select(image => new TestCaseData(image).SetName($"ListEntries_SameAsPygrub_{image}"));

    private static IEnumerable<TestCaseData> GrubWouldBootCases() =>
        PygrubFails.Select(c => new TestCaseData(c.Image, c.Kernel, c.Initrds, c.Alignment).SetName($"BootsWhatGrubWould_{c.Image}"));

    [TestCaseSource(nameof(SameAsPygrubCases))]
    public void SameAsPygrub(string image, string format)
    {
        string[] arguments = ["--quiet", "--output-format=" + format, Fixtures.Image(image)];

        PygrubBinaries.Run expected = PygrubBinaries.Execute(PygrubBinaries.Reference, arguments);
        PygrubBinaries.Run actual = PygrubBinaries.Execute(PygrubBinaries.PvBoot, arguments);

        Assert.That(expected.ExitCode, Is.Zero, "the reference pygrub no longer reads this image: " + expected.Stderr);
        Assert.That(actual.ExitCode, Is.Zero, actual.Stderr);
        Assert.That(actual.Stdout, Is.EqualTo(expected.Stdout));
        Assert.That(actual.Files.Keys, Is.EquivalentTo(expected.Files.Keys));
        foreach ((string name, byte[] bytes) in expected.Files)
        {
            Assert.That(actual.Files[name], Is.EqualTo(bytes), name);
        }
    }

    [TestCaseSource(nameof(ListingCases))]
    public void ListEntries_SameAsPygrub(string image)
    {
        string[] arguments = ["--quiet", "--list-entries", Fixtures.Image(image)];

        PygrubBinaries.Run expected = PygrubBinaries.Execute(PygrubBinaries.Reference, arguments);
        PygrubBinaries.Run actual = PygrubBinaries.Execute(PygrubBinaries.PvBoot, arguments);

        Assert.That(actual.ExitCode, Is.EqualTo(expected.ExitCode), actual.Stderr);
        Assert.That(actual.Stdout, Is.EqualTo(expected.Stdout));
    }

    [TestCaseSource(nameof(GrubWouldBootCases))]
    public void BootsWhatGrubWould(string image, string kernel, string[] initrds, int alignment)
    {
        string[] arguments = ["--quiet", "--output-format=simple", Fixtures.Image(image)];

        PygrubBinaries.Run reference = PygrubBinaries.Execute(PygrubBinaries.Reference, arguments);
        PygrubBinaries.Run actual = PygrubBinaries.Execute(PygrubBinaries.PvBoot, arguments);

        Assert.That(reference.ExitCode, Is.Not.Zero, "pygrub now boots this image: move it to the same-as-pygrub list");
        Assert.That(actual.ExitCode, Is.Zero, actual.Stderr);
        IReadOnlyList<ManifestEntry> manifest = Fixtures.Manifest(image);
        Assert.That(Fixtures.Sha256(actual.Files["boot_kernel.XXXXXXXX"]), Is.EqualTo(manifest.Single(e => e.Path == kernel).Sha256), "kernel");
        if (initrds.Length == 0)
        {
            Assert.That(actual.Files.Keys, Is.EquivalentTo(new[] { "boot_kernel.XXXXXXXX" }));
            return;
        }

        var expectedInitrd = new MemoryStream();
        foreach (string path in initrds)
        {
            while (expectedInitrd.Length % alignment != 0)
            {
                expectedInitrd.WriteByte(0);
            }

            ManifestEntry entry = manifest.Single(e => e.Path == path);
            byte[] bytes = actual.Files["boot_ramdisk.XXXXXXXX"];
            Assert.That(bytes.Length, Is.GreaterThanOrEqualTo(expectedInitrd.Length + entry.Size), path);
            Assert.That(Fixtures.Sha256(bytes.AsSpan((int)expectedInitrd.Length, (int)entry.Size)), Is.EqualTo(entry.Sha256), path);
            expectedInitrd.Write(bytes, (int)expectedInitrd.Length, (int)entry.Size);
        }

        Assert.That(actual.Files["boot_ramdisk.XXXXXXXX"], Is.EqualTo(expectedInitrd.ToArray()), $"initrds concatenated with {alignment}-byte alignment");
    }

    [Test]
    public void IsConfig_BareGrubCfg_PrintsWhatPygrubPrints()
    {
        string config = Path.Combine(Fixtures.WorkDirectory, $"isconfig-{Guid.NewGuid():N}", "grub.cfg");
        Directory.CreateDirectory(Path.GetDirectoryName(config)!);
        File.WriteAllText(config, """
            set default=1
            set timeout=5
            menuentry 'Debian GNU/Linux, with Linux 6.1.0-13-amd64' {
            	linux /boot/vmlinuz-6.1.0-13-amd64 root=/dev/xvda1 ro quiet
            	initrd /boot/initrd.img-6.1.0-13-amd64
            }
            menuentry 'Debian GNU/Linux, with Linux 6.1.0-12-amd64' {
            	linux /boot/vmlinuz-6.1.0-12-amd64 root=/dev/xvda1 ro
            	initrd /boot/initrd.img-6.1.0-12-amd64
            }
            """);

        PygrubBinaries.Run expected = PygrubBinaries.Execute(PygrubBinaries.Reference, ["--quiet", "--isconfig", config]);
        PygrubBinaries.Run actual = PygrubBinaries.Execute(PygrubBinaries.PvBoot, ["--quiet", "--isconfig", config]);

        Assert.That(expected.ExitCode, Is.Zero, expected.Stderr);
        Assert.That(expected.Stdout, Does.Contain("vmlinuz-6.1.0-12-amd64"), "the reference run did not pick entry 1");
        Assert.That(actual.ExitCode, Is.Zero, actual.Stderr);
        Assert.That(actual.Stdout, Is.EqualTo(expected.Stdout));
        Assert.That(actual.Files, Is.Empty, "--isconfig writes no files");
    }

    [Test]
    public void IsConfig_ErrorNamesTheGivenFileByItsAbsolutePath()
    {
        ShimBinary.RequireRoot();
        string directory = ShimBinary.NewDirectory("isconfig-error");
        File.WriteAllText(Path.Combine(directory, "loop.cfg"), """
            function again {
              again
            }
            again
            menuentry 'Debian' {
            	linux /boot/vmlinuz root=/dev/xvda1
            }
            """);

        // A relative name, run from the file's directory: the sandboxed worker's root is empty, so only a path made
        // absolute before it enters the sandbox can name the file the admin gave.
        ToolResult result = Tool.Run(PygrubBinaries.PvBoot, ["--quiet", "--not-really", "--isconfig", "loop.cfg"], workingDirectory: directory);

        Assert.That(result.ExitCode, Is.Not.Zero, result.Stderr);
        Assert.That(result.Stderr, Does.StartWith($"pygrub: error: {Path.Combine(directory, "loop.cfg")}:2:3: nesting/recursion budget exhausted"));
    }
}

using System.Text.Json;
using PvBoot.Core.Boot;
using static PvBoot.Shim.Tests.Output.OutputFilesTests;

namespace PvBoot.Shim.Tests;

/// <summary>pygrub's texts for -n, -l, --isconfig, --kernel/--args and --entry, and the JSON format, on a synthetic menu.</summary>
[TestFixture]
public sealed class BootRunTests
{
    private static readonly byte[] Bytes = [1, 2, 3, 4, 5];

    private static TestSession Session() => new(
        TestSession.Menu(
            5,
            0,
            ("Debian GNU/Linux", "/boot/vmlinuz-1", "/boot/initrd-1", "root=/dev/xvda1 ro quiet"),
            ("It's \"x\"", "/boot/vmlinuz-1", null, "root=/dev/xvda1 single")),
        new Dictionary<string, byte[]> { ["/boot/vmlinuz-1"] = Bytes, ["/boot/initrd-1"] = Bytes, ["/boot/other"] = Bytes });

    private static (ExitCode Code, string Stdout, string Stderr) Run(params string[] args) => RunInProcess(args, Session());

    [Test]
    public void NotReallyPrintsPygrubsNoneAndCopiesNothing()
    {
        string directory = ShimBinary.NewDirectory("n");
        var (code, stdout, stderr) = Run("-q", "-n", "--output-directory=" + directory, ImageFile());
        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(ExitCode.Success));
            Assert.That(stdout, Is.EqualTo("linux (kernel None)(args 'root=/dev/xvda1 ro quiet')"));
            Assert.That(stderr, Is.EqualTo("Using <class 'grub.GrubConf.Grub2ConfigFile'> to parse /boot/grub/grub.cfg\n"));
            Assert.That(Directory.GetFileSystemEntries(directory), Is.Empty);
        });
    }

    [Test]
    public void NotReallyFailsWhenTheKernelIsMissing()
    {
        var (code, _, stderr) = Run("-q", "-n", "--kernel=/boot/missing", ImageFile());
        Assert.That((code, stderr.Contains("The requested kernel file does not exist", StringComparison.Ordinal)), Is.EqualTo((ExitCode.Failure, true)));
    }

    [Test]
    public void ListingHasPygrubsLayout()
    {
        BootSelection selection = TestSession.Menu(5, 0, ("Debian", "/boot/vmlinuz-1", "/boot/initrd-1", "ro"), ("Bare", "/boot/k", null, ""));
        var lines = new List<string>(selection.Menu[0].Lines) { "set root='hd0,msdos1'" };
        var withRoot = new BootEntry { Title = "Debian", Kernel = selection.Menu[0].Kernel, Initrds = selection.Menu[0].Initrds, Arguments = "ro", Lines = lines };
        Assert.Multiple(() =>
        {
            Assert.That(BootRun.ListingOf(withRoot), Is.EqualTo("title: Debian\n  root: d0p1\n  kernel: /boot/vmlinuz-1\n  args: ro\n  initrd: /boot/initrd-1\n"));
            Assert.That(BootRun.ListingOf(selection.Menu[1]), Is.EqualTo("title: Bare\n  root: None\n  kernel: /boot/k\n  args: None\n"));
            Assert.That(BootRun.PygrubRoot("hd0,gpt2"), Is.EqualTo("d0p2"));
            Assert.That(BootRun.PygrubRoot("hd1"), Is.EqualTo("d1"));
            Assert.That(BootRun.PygrubRoot("hd0,0"), Is.EqualTo("d0p0"));
        });
    }

    [Test]
    public void IsconfigPrintsPygrubsDebugBlock()
    {
        var (code, stdout, _) = Run("-q", "--isconfig", "--args=console=hvc0", ImageFile());
        Assert.That((code, stdout), Is.EqualTo((ExitCode.Success, "  kernel: /boot/vmlinuz-1\n  initrd: /boot/initrd-1\n  args: root=/dev/xvda1 ro quiet console=hvc0\n")));
    }

    [Test]
    public void KernelOptionBootsThatPathWithOnlyTheGivenArgs()
    {
        var (code, stdout, _) = Run("-q", "-n", "--kernel=/boot/other", "--ramdisk=/boot/initrd-1", "--args=ro", ImageFile());
        Assert.That((code, stdout), Is.EqualTo((ExitCode.Success, "linux (kernel None)(args 'ro')")));
    }

    [TestCase("1", "linux (kernel None)(args 'root=/dev/xvda1 single')")]
    [TestCase("It's \"x\"", "linux (kernel None)(args 'root=/dev/xvda1 single')")]
    [TestCase("99", "linux (kernel None)(args 'root=/dev/xvda1 ro quiet')")]
    public void EntryPicksByIndexOrTitleAndFallsBackToTheDefault(string entry, string expected)
    {
        var (code, stdout, _) = Run("-n", "--entry=" + entry, ImageFile());
        Assert.That((code, stdout), Is.EqualTo((ExitCode.Success, expected)));
    }

    [Test]
    public void JsonHasTheMenuAndTheChoice()
    {
        string directory = ShimBinary.NewDirectory("json");
        var (code, stdout, stderr) = Run("-q", "--output-format=json", "--output-directory=" + directory, ImageFile());
        Assert.That(code, Is.EqualTo(ExitCode.Success), stderr);
        using JsonDocument json = JsonDocument.Parse(stdout);
        JsonElement root = json.RootElement;
        Assert.Multiple(() =>
        {
            Assert.That(root.GetProperty("entries").GetArrayLength(), Is.EqualTo(2));
            Assert.That(root.GetProperty("default").GetInt32(), Is.Zero);
            Assert.That(root.GetProperty("chosen").GetProperty("title").GetString(), Is.EqualTo("Debian GNU/Linux"));
            Assert.That(File.ReadAllBytes(root.GetProperty("output").GetProperty("kernel").GetString()!), Is.EqualTo(Bytes));
            Assert.That(root.GetProperty("output").GetProperty("args").GetString(), Is.EqualTo("root=/dev/xvda1 ro quiet"));
        });
    }

    [Test]
    public void SimpleFormatRefusalLeavesNothing()
    {
        string directory = ShimBinary.NewDirectory("refuse");
        var (code, stdout, stderr) = Run("-q", "--output-format=simple", "--args=a\nramdisk /etc/shadow", "--output-directory=" + directory, ImageFile());
        Assert.Multiple(() =>
        {
            Assert.That(code, Is.EqualTo(ExitCode.Failure));
            Assert.That(stdout, Is.Empty);
            Assert.That(stderr, Does.Contain("pygrub: error: simple format cannot represent delimiter-containing value"));
            Assert.That(Directory.GetFileSystemEntries(directory), Is.Empty);
        });
    }
}

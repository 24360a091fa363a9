using System.Text;
using PvBoot.Shim.Output;
using PvBoot.Testing;

namespace PvBoot.Shim.Tests.Output;

/// <summary>The sxp/simple/simple0 texts against pygrub's own format functions, and the XSA-198 / libxl refusals.</summary>
[TestFixture]
public sealed class BootOutputTests
{
    private static readonly (string Kernel, string? Ramdisk, string? Args)[] Samples =
    [
        ("/var/run/xen/pygrub/boot_kernel.abc_1234", "/var/run/xen/pygrub/boot_ramdisk.zz9_0000", "root=/dev/xvda1 ro quiet"),
        ("/k", null, "console=hvc0 It's"),
        ("/k", "/r", null),
        ("/k", null, null),
        ("/k'\"", "/r\\", "a\tb é \u00a0\u200b"),
        ("/k", null, "') (ramdisk '/etc/shadow"),
    ];

    [Test]
    public void SameTextAsPygrubsFormatFunctions()
    {
        var lines = new StringBuilder();
        foreach ((string kernel, string? ramdisk, string? args) in Samples)
        {
            lines.Append(Hex(kernel)).Append(' ').Append(ramdisk is null ? "-" : Hex(ramdisk)).Append(' ').Append(args is null ? "-" : Hex(args)).Append('\n');
        }

        string input = Path.Combine(ShimBinary.NewDirectory("format"), "samples.txt");
        File.WriteAllText(input, lines.ToString());
        // Loads pygrub's own module (its main block does not run) and calls its format functions.
        const string script = """
            import os, sys, importlib.machinery, importlib.util
            sys.path.insert(1, os.path.dirname(sys.argv[1]) + '/../lib/python')
            loader = importlib.machinery.SourceFileLoader('pygrub_ref', sys.argv[1])
            spec = importlib.util.spec_from_loader('pygrub_ref', loader)
            m = importlib.util.module_from_spec(spec)
            loader.exec_module(m)
            un = lambda h: None if h == '-' else bytes.fromhex(h).decode('utf-8')
            for line in open(sys.argv[2]):
                k, r, a = [un(x) for x in line.split()]
                for s in (m.format_sxp(k, r, a), m.format_simple(k, r, a, "\n"), m.format_simple(k, r, a, "\0")):
                    print(s.encode().hex())
            """;
        ToolResult result = Tool.Run("python3", ["-c", script, ShimBinary.Reference, input]);
        Assert.That(result.ExitCode, Is.Zero, result.Stderr);
        string[] expected = Encoding.ASCII.GetString(result.Stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(h => Encoding.UTF8.GetString(Convert.FromHexString(h))).ToArray();
        Assert.That(expected, Has.Length.EqualTo(Samples.Length * 3));
        Assert.Multiple(() =>
        {
            for (int i = 0; i < Samples.Length; i++)
            {
                (string kernel, string? ramdisk, string? args) = Samples[i];
                Assert.That(BootOutput.FormatSxp(kernel, ramdisk, args), Is.EqualTo(expected[3 * i]), $"sxp {i}");
                Assert.That(BootOutput.FormatSimple(kernel, ramdisk, args, '\n'), Is.EqualTo(expected[(3 * i) + 1]), $"simple {i}");
                Assert.That(BootOutput.FormatSimple(kernel, ramdisk, args, '\0'), Is.EqualTo(expected[(3 * i) + 2]), $"simple0 {i}");
            }
        });
    }

    [Test]
    public void NotReallyPrintsNoneForTheKernelAsPygrubDoes() =>
        Assert.That(BootOutput.FormatSxp(null, null, "ro"), Is.EqualTo("linux (kernel None)(args 'ro')"));

    [TestCase('\n', "root=/dev/xvda1\nramdisk /etc/shadow")]
    [TestCase('\0', "root=/dev/xvda1\0ramdisk /etc/shadow")]
    public void C6_SimpleFormatsRefuseTheirSeparator(char separator, string args) =>
        Assert.Throws<UnrepresentableOutputException>(() => BootOutput.FormatSimple("/k", null, args, separator));

    [Test]
    public void O3_ItemsLibxlWouldDropAreRefused()
    {
        // libxl reads each item into char[PATH_MAX*2] and drops one whose length reaches the buffer size.
        string fits = new('a', BootOutput.LibxlItemLimit - 1 - "args ".Length);
        string tooLong = fits + "a";
        Assert.Multiple(() =>
        {
            Assert.That(BootOutput.FormatSimple("/k", null, fits, '\0'), Does.Contain("args " + fits + "\0"));
            Assert.Throws<UnrepresentableOutputException>(() => BootOutput.FormatSimple("/k", null, tooLong, '\0'));
            Assert.Throws<UnrepresentableOutputException>(() => BootOutput.FormatSimple("/k", null, new string('é', 4096), '\n'));
        });
    }

    private static string Hex(string value) => Convert.ToHexStringLower(Encoding.UTF8.GetBytes(value));
}

using System.Text;
using PvBoot.Core.Boot;
using PvBoot.Testing;

namespace PvBoot.Grub2.Tests.Grub2;

/// <summary>The environment block (boot-config-semantics §5), written by the real <c>grub-editenv</c>.</summary>
public sealed class GrubenvTests
{
    private static string EditEnv(params string[] assignments)
    {
        string file = Path.Combine(HostDirectoryFileSystem.NewDirectory("env"), "grubenv");
        Assert.That(Tool.Run("grub-editenv", [file, "create"]).ExitCode, Is.Zero);
        Assert.That(Tool.Run("grub-editenv", [file, "set", .. assignments]).ExitCode, Is.Zero);
        return Encoding.Latin1.GetString(File.ReadAllBytes(file));
    }

    [Test]
    public void GrubEditenvBlock_ParsesEveryValue_IncludingEscapes()
    {
        string text = EditEnv("saved_entry=gnulinux-advanced>gnulinux-6.1.0", "kernelopts=root=/dev/mapper/rhel-root ro rhgb quiet", "odd=a\\b\nc");
        Assert.That(text, Has.Length.EqualTo(1024));
        Assert.That(Grubenv.TryParse(text, out var vars), Is.True);
        Assert.That(vars, Is.EqualTo(new[]
        {
            new KeyValuePair<string, string>("saved_entry", "gnulinux-advanced>gnulinux-6.1.0"),
            new KeyValuePair<string, string>("kernelopts", "root=/dev/mapper/rhel-root ro rhgb quiet"),
            new KeyValuePair<string, string>("odd", "a\\b\nc"),
        }));
    }

    [Test]
    public void CrlfBlock_IsInvalid_AndLoadsNothing()
    {
        string text = EditEnv("saved_entry=1").Replace("\n", "\r\n", StringComparison.Ordinal);
        Assert.That(Grubenv.TryParse(text, out var vars), Is.False);
        Assert.That(vars, Is.Empty);

        var h = new Grub2TestHarness("crlf-env").Kernels("1", "2").File("/boot/grub/grubenv", text);
        BootSelection s = h.Run(Grub2SelectionTests.Header + "menuentry a { linux /boot/vmlinuz-1; }\nmenuentry b { linux /boot/vmlinuz-2; }\n");
        Assert.That(s.Chosen?.Title, Is.EqualTo("a"));
        Assert.That(s.Warnings, Has.Some.Contains("is not a valid GRUB environment block"));
    }

    [Test]
    public void UnterminatedRecord_StopsScanning_EarlierVariablesStay()
    {
        Assert.That(Grubenv.TryParse(Grubenv.Signature + "a=1\nb=2", out var vars), Is.True);
        Assert.That(vars.Select(v => v.Key), Is.EqualTo(new[] { "a" }));
    }

    [Test]
    public void NameRunsToTheFirstEquals_EvenAcrossLines()
    {
        Assert.That(Grubenv.TryParse(Grubenv.Signature + "garbage\nx=1\n# comment\ny=2\n", out var vars), Is.True);
        Assert.That(vars.Select(v => v.Key), Is.EqualTo(new[] { "garbage\nx", "y" }));
    }

    [Test]
    public void SignatureMustBeExact()
    {
        Assert.That(Grubenv.TryParse("# GRUB Environment Block \na=1\n", out _), Is.False);
        Assert.That(Grubenv.TryParse("\uFEFF" + Grubenv.Signature + "a=1\n", out _), Is.False);
    }
}

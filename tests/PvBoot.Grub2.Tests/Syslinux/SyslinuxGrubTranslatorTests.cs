using System.Text;
using System.Text.RegularExpressions;
using PvBoot.Core.Boot;
using PvBoot.Grub2.Common;
using PvBoot.Grub2.Syslinux;
using PvBoot.Grub2.Tests.Legacy;
using PvBoot.Testing;

namespace PvBoot.Grub2.Tests.Syslinux;

/// <summary>
/// Compares the syslinux reader with GRUB's own syslinux translator (<c>grub-syslinux2cfg</c>, the code behind
/// <c>syslinux_configfile</c>) on configurations inside the subset both understand. Known disagreements, where
/// PvBoot follows syslinux: GRUB's translator rejects a global <c>APPEND</c> ("kernel without label"), passes
/// <c>APPEND -</c> through as a literal <c>-</c>, does not split <c>initrd=a,b</c> inside <c>APPEND</c>, ignores
/// <c>UI</c>/<c>MENU DEFAULT</c>/<c>ONTIMEOUT</c>, emits nothing for a <c>DEFAULT</c> with extra words, and does not
/// finish on a config with <c>TIMEOUT</c> (2.06).
/// </summary>
[TestFixture]
public sealed class SyslinuxGrubTranslatorTests
{
    private static readonly Regex LinuxLine = new(@"^\s*linux\$linux_suffix '([^']*)'/'([^']*)' ?(.*)$", RegexOptions.NonBacktracking);
    private static readonly Regex InitrdFile = new(@"'([^']*)'/'([^']*)'", RegexOptions.NonBacktracking);
    private static readonly Regex MenuEntry = new(@"^menuentry '([^']*)' --id '([^']*)' \{$", RegexOptions.NonBacktracking);

    private sealed record Translated(string? Id, string Kernel, string Arguments, List<string> Initrds);

    private static List<Translated> Translate(LegacyTestTree tree, string configPath)
    {
        string host = tree.Host(configPath);
        ToolResult result = Tool.Run("grub-syslinux2cfg", ["-T", ConfigPaths.DirectoryOf(configPath), host], timeoutSeconds: 20);
        Assert.That(result.ExitCode, Is.Zero, result.Stderr);
        var entries = new List<Translated>();
        string? id = null;
        Translated? current = null;
        foreach (string line in Encoding.Latin1.GetString(result.Stdout).Split('\n'))
        {
            if (MenuEntry.Match(line) is { Success: true } entry)
            {
                id = entry.Groups[2].Value;
                continue;
            }

            if (LinuxLine.Match(line) is { Success: true } linux)
            {
                current = new Translated(id, ConfigPaths.Resolve(linux.Groups[1].Value, linux.Groups[2].Value), linux.Groups[3].Value.TrimEnd(), []);
                entries.Add(current);
                continue;
            }

            if (line.TrimStart().StartsWith("initrd$linux_suffix", StringComparison.Ordinal) && current is not null)
            {
                current.Initrds.AddRange(InitrdFile.Matches(line).Select(m => ConfigPaths.Resolve(m.Groups[1].Value, m.Groups[2].Value)));
            }
        }

        return entries;
    }

    private static string WithoutInitrdKeyword(BootEntry entry, string? initrdKeyword) =>
        initrdKeyword is null ? entry.Arguments : entry.Arguments.Replace($" initrd={initrdKeyword}", string.Empty, StringComparison.Ordinal);

    [Test]
    public void NoDefault_EveryLabelMatchesGrubsTranslation_AndTheFirstLabelBoots()
    {
        var tree = new LegacyTestTree("x2cfg-menu")
            .Write("/boot/syslinux/syslinux.cfg",
                "label one\n  kernel ../vmlinuz-linux\n  append root=/dev/xvda1 initrd=../a.img quiet\n" +
                "LABEL two\n  LINUX /vmlinuz-linux\n" +
                "Label three\n  Linux vmlinuz-here\n  Append  x=1   y=2\n")
            .Files("/boot/vmlinuz-linux", "/boot/a.img", "/vmlinuz-linux", "/boot/syslinux/vmlinuz-here");

        List<Translated> grub = Translate(tree, "/boot/syslinux/syslinux.cfg");
        BootSelection ours = tree.Parse(new SyslinuxConfigParser(), "/boot/syslinux/syslinux.cfg");

        Assert.That(grub, Has.Count.EqualTo(3));
        Assert.That(ours.Menu.Select(e => e.Id), Is.EqualTo(grub.Select(g => g.Id)));
        Assert.That(ours.Menu.Select(e => e.Kernel!.Path), Is.EqualTo(grub.Select(g => g.Kernel)));
        Assert.That(ours.Menu.Select(e => e.Arguments), Is.EqualTo(grub.Select(g => g.Arguments)));
        Assert.That(ours.Menu.Select(e => e.Initrds.Select(i => i.Path)), Is.EqualTo(grub.Select(g => g.Initrds)));
        Assert.That(ours.Chosen!.Id, Is.EqualTo(grub[0].Id), "GRUB's translation sets no default: entry 0");
    }

    [Test]
    public void DefaultLabel_WithAnInitrdList_BootsWhatGrubsTranslationBoots()
    {
        var tree = new LegacyTestTree("x2cfg-default")
            .Write("/boot/extlinux/extlinux.conf",
                "DEFAULT two\nLABEL one\n  LINUX ../vmlinuz-linux\nLABEL two\n  LINUX ../vmlinuz-linux\n  APPEND b=2\n  INITRD ../intel-ucode.img,../initramfs-linux.img\n")
            .Files("/boot/vmlinuz-linux", "/boot/intel-ucode.img", "/boot/initramfs-linux.img");

        List<Translated> grub = Translate(tree, "/boot/extlinux/extlinux.conf");
        BootSelection ours = tree.Parse(new SyslinuxConfigParser(), "/boot/extlinux/extlinux.conf");

        Assert.That(grub, Has.Count.EqualTo(1), "with a DEFAULT and no prompt the translation boots that label directly");
        Assert.That(ours.Chosen!.Kernel!.Path, Is.EqualTo(grub[0].Kernel));
        Assert.That(ours.Chosen.Initrds.Select(i => i.Path), Is.EqualTo(grub[0].Initrds));
        Assert.That(WithoutInitrdKeyword(ours.Chosen, "../intel-ucode.img,../initramfs-linux.img"), Is.EqualTo(grub[0].Arguments));
    }
}

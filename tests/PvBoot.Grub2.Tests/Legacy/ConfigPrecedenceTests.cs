using PvBoot.Core.Boot;
using PvBoot.Grub2.Legacy;

namespace PvBoot.Grub2.Tests.Legacy;

/// <summary>grub.cfg wins over a disagreeing menu.lst, and the explanation says so.</summary>
[TestFixture]
public sealed class ConfigPrecedenceTests
{
    private static BootSelection Grub2(string kernel, string arguments)
    {
        var entry = new BootEntry { Title = "Debian GNU/Linux", Kernel = new BootFile(null, kernel), Arguments = arguments };
        return new BootSelection
        {
            ConfigFormat = "grub2",
            ConfigPath = "/boot/grub/grub.cfg",
            Menu = [entry],
            Chosen = entry,
            Explanation = ["read /boot/grub/grub.cfg"],
        };
    }

    private static BootSelection MenuLst()
    {
        // A stale menu.lst left behind by an upgrade from GRUB legacy, read by the real reader.
        var tree = new LegacyTestTree("precedence")
            .Write("/boot/grub/menu.lst", "default 0\ntimeout 5\ntitle Debian GNU/Linux, kernel 2.6.32-5-amd64\nroot (hd0,0)\nkernel /boot/vmlinuz-2.6.32-5-amd64 root=/dev/xvda1 ro\n")
            .Files("/boot/vmlinuz-2.6.32-5-amd64");
        return tree.Parse(new GrubLegacyConfigParser(), "/boot/grub/menu.lst");
    }

    [Test]
    public void Disagreeing_MenuLst_LosesAndIsNamedInTheExplanation()
    {
        BootSelection grub2 = Grub2("/boot/vmlinuz-6.1.0-13-amd64", "root=UUID=abc ro quiet");
        BootSelection result = ConfigPrecedence.PreferGrub2(grub2, MenuLst());

        Assert.That(result.Chosen, Is.SameAs(grub2.Chosen));
        Assert.That(result.ConfigPath, Is.EqualTo("/boot/grub/grub.cfg"));
        Assert.That(result.Explanation[0], Is.EqualTo("read /boot/grub/grub.cfg"));
        Assert.That(result.Explanation[^1], Does.StartWith("/boot/grub/menu.lst disagreed: it would boot 'Debian GNU/Linux, kernel 2.6.32-5-amd64'")
            .And.Contains("/boot/vmlinuz-2.6.32-5-amd64"));
    }

    [Test]
    public void Agreeing_MenuLst_AddsNothing()
    {
        BootSelection grub2 = Grub2("/boot/vmlinuz-2.6.32-5-amd64", "root=/dev/xvda1 ro");
        BootSelection result = ConfigPrecedence.PreferGrub2(grub2, MenuLst());
        Assert.That(result, Is.SameAs(grub2));
    }
}

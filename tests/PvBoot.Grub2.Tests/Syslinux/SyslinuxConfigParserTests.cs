using PvBoot.Core.Boot;
using PvBoot.Grub2.Syslinux;
using PvBoot.Grub2.Tests.Legacy;

namespace PvBoot.Grub2.Tests.Syslinux;

/// <summary>syslinux/extlinux/isolinux keywords and default resolution on Arch, Alpine and Debian-installer shapes.</summary>
[TestFixture]
public sealed class SyslinuxConfigParserTests
{
    private static BootSelection Run(LegacyTestTree tree, string path) => tree.Parse(new SyslinuxConfigParser(), path);

    [Test]
    public void Parser_SearchOrder_StartsWithPygrubsExtlinuxList()
    {
        var parser = new SyslinuxConfigParser();
        Assert.That(parser.Format, Is.EqualTo("syslinux"));
        Assert.That(parser.ConfigPaths.Take(5), Is.EqualTo(new[]
        {
            "/boot/isolinux/isolinux.cfg", "/boot/extlinux/extlinux.conf", "/boot/extlinux.conf", "/extlinux/extlinux.conf", "/extlinux.conf",
        }));
        Assert.That(parser.ConfigPaths, Does.Contain("/isolinux/isolinux.cfg").And.Contain("/boot/syslinux/syslinux.cfg").And.Contain("/syslinux.cfg"));
    }

    [Test]
    public void Arch_MenuUi_RelativePathsAndTwoInitrds()
    {
        var tree = new LegacyTestTree("arch")
            .Write("/boot/syslinux/syslinux.cfg",
                "# Config file for Syslinux -\n" +
                "DEFAULT arch\nPROMPT 0\nTIMEOUT 50\nUI menu.c32\n\n" +
                "MENU TITLE Arch Linux\nMENU COLOR border       30;44   #40ffffff #a0000000 std\n\n" +
                "LABEL arch\n    MENU LABEL Arch Linux\n    LINUX ../vmlinuz-linux\n" +
                "    APPEND root=UUID=3f1c-0000 rw\n    INITRD ../intel-ucode.img,../initramfs-linux.img\n\n" +
                "LABEL archfallback\n    MENU LABEL Arch Linux Fallback\n    LINUX ../vmlinuz-linux\n" +
                "    APPEND root=UUID=3f1c-0000 rw\n    INITRD ../initramfs-linux-fallback.img\n\n" +
                "LABEL hdt\n        MENU LABEL HDT (Hardware Detection Tool)\n        COM32 hdt.c32\n\n" +
                "LABEL reboot\n        MENU LABEL Reboot\n        COM32 reboot.c32\n")
            .Files("/boot/vmlinuz-linux", "/boot/intel-ucode.img", "/boot/initramfs-linux.img", "/boot/initramfs-linux-fallback.img");

        BootSelection selection = Run(tree, "/boot/syslinux/syslinux.cfg");

        Assert.That(selection.Menu.Select(e => e.Title), Is.EqualTo(new[] { "Arch Linux", "Arch Linux Fallback", "HDT (Hardware Detection Tool)", "Reboot" }));
        Assert.That(selection.Menu.Select(e => e.Id), Is.EqualTo(new[] { "arch", "archfallback", "hdt", "reboot" }));
        Assert.That(selection.TimeoutSeconds, Is.EqualTo(5.0), "TIMEOUT is in tenths of a second");
        BootEntry chosen = selection.Chosen!;
        Assert.That(chosen.Id, Is.EqualTo("arch"));
        Assert.That(chosen.Kernel, Is.EqualTo(new BootFile(null, "/boot/vmlinuz-linux")));
        Assert.That(chosen.Initrds, Is.EqualTo(new[] { new BootFile(null, "/boot/intel-ucode.img"), new BootFile(null, "/boot/initramfs-linux.img") }));
        Assert.That(chosen.Arguments, Is.EqualTo("root=UUID=3f1c-0000 rw initrd=../intel-ucode.img,../initramfs-linux.img"));
        Assert.That(selection.Menu[2].NotBootableReason, Does.Contain("COM32 module hdt.c32"));
        Assert.That(chosen.Location, Is.EqualTo(new SourceLocation("/boot/syslinux/syslinux.cfg", 10, 1)));
    }

    [Test]
    public void Alpine_OldStyleDefaultMenuC32_MenuDefaultWins()
    {
        var tree = new LegacyTestTree("alpine")
            .Write("/boot/extlinux.conf",
                "DEFAULT menu.c32\nPROMPT 0\nMENU TITLE Alpine/Linux Boot Menu\nMENU HIDDEN\nMENU AUTOBOOT Alpine will be booted automatically in # seconds.\n" +
                "TIMEOUT 10\nLABEL lts\n  MENU LABEL Linux lts\n  LINUX vmlinuz-lts\n  INITRD initramfs-lts\n" +
                "  APPEND root=UUID=5e6f-0000 modules=sd-mod,usb-storage,ext4 quiet rootfstype=ext4\n" +
                "LABEL virt\n  MENU DEFAULT\n  MENU LABEL Linux virt\n  LINUX vmlinuz-virt\n  INITRD initramfs-virt\n" +
                "  APPEND root=UUID=5e6f-0000 modules=sd-mod,usb-storage,ext4 console=hvc0 quiet rootfstype=ext4\n" +
                "MENU SEPARATOR\n")
            .Files("/boot/vmlinuz-lts", "/boot/initramfs-lts", "/boot/vmlinuz-virt", "/boot/initramfs-virt");

        BootSelection selection = Run(tree, "/boot/extlinux.conf");

        Assert.That(selection.Chosen!.Id, Is.EqualTo("virt"));
        Assert.That(selection.Chosen.Kernel!.Path, Is.EqualTo("/boot/vmlinuz-virt"));
        Assert.That(selection.Chosen.Initrds.Single().Path, Is.EqualTo("/boot/initramfs-virt"));
        Assert.That(selection.TimeoutSeconds, Is.EqualTo(1.0));
        Assert.That(selection.Explanation, Has.Some.Contains("old-style UI"));
    }

    [Test]
    public void DebianInstallerIsolinux_IncludesRelativeToTheConfigDirectory_DefaultLabelWithInitrdInAppend()
    {
        var tree = new LegacyTestTree("isolinux")
            .Write("/isolinux/isolinux.cfg", "# D-I config version 2.0\n# search path for the c32 support libraries (libcom32, libutil etc.)\npath \ninclude menu.cfg\ndefault vesamenu.c32\nprompt 0\ntimeout 0\n")
            .Write("/isolinux/menu.cfg", "menu hshift 4\nmenu width 70\n\nmenu title Debian GNU/Linux installer menu (BIOS mode)\ninclude stdmenu.cfg\ninclude txt.cfg\ninclude gtk.cfg\n")
            .Write("/isolinux/stdmenu.cfg", "menu background splash.png\nmenu color title\t* #FFFFFFFF *\n")
            .Write("/isolinux/txt.cfg", "default install\nlabel install\n\tmenu label ^Install\n\tkernel /install.amd/vmlinuz\n\tappend vga=788 initrd=/install.amd/initrd.gz --- quiet \n")
            .Write("/isolinux/gtk.cfg", "label installgui\n\tmenu label ^Graphical install\n\tkernel /install.amd/vmlinuz\n\tappend vga=788 initrd=/install.amd/gtk/initrd.gz --- quiet \n")
            .Files("/install.amd/vmlinuz", "/install.amd/initrd.gz", "/install.amd/gtk/initrd.gz");

        BootSelection selection = Run(tree, "/isolinux/isolinux.cfg");

        Assert.That(selection.Menu.Select(e => e.Id), Is.EqualTo(new[] { "install", "installgui" }));
        Assert.That(selection.Menu.Select(e => e.Title), Is.EqualTo(new[] { "Install", "Graphical install" }), "the ^ hotkey marker is not shown");
        Assert.That(selection.Chosen!.Id, Is.EqualTo("install"));
        Assert.That(selection.Chosen.Arguments, Is.EqualTo("vga=788 initrd=/install.amd/initrd.gz --- quiet"));
        Assert.That(selection.Chosen.Initrds.Single(), Is.EqualTo(new BootFile(null, "/install.amd/initrd.gz")));
        Assert.That(selection.TimeoutSeconds, Is.Null, "TIMEOUT 0 under a menu waits for a key");
        Assert.That(selection.Menu.Select(e => e.FlatIndex), Is.EqualTo(new[] { -1, -1 }), "pygrub does not follow include");
        Assert.That(selection.Explanation, Has.Some.Contains("included /isolinux/txt.cfg"));
    }

    [Test]
    public void Keywords_AreCaseInsensitive_AndLabelsCaseSensitive()
    {
        var tree = new LegacyTestTree("case")
            .Write("/extlinux.conf", "dEfAuLt Linux\nlabel linux\n kernel /wrong\nLaBeL Linux\n  KeRnEl /vmlinuz\n  aPpEnD ro\n")
            .Files("/vmlinuz", "/wrong");
        BootSelection selection = Run(tree, "/extlinux.conf");
        Assert.That(selection.Chosen!.Kernel!.Path, Is.EqualTo("/vmlinuz"));
        Assert.That(selection.Chosen.Arguments, Is.EqualTo("ro"));
    }

    [Test]
    public void Append_GlobalIsInherited_LabelReplacesIt_AndDashClearsIt()
    {
        var tree = new LegacyTestTree("append")
            .Write("/extlinux.conf", "APPEND root=/dev/xvda1 ro\nLABEL inherit\n KERNEL /v\nLABEL own\n KERNEL /v\n APPEND quiet\nLABEL none\n KERNEL /v\n APPEND -\n INITRD /i\n")
            .Files("/v", "/i");
        BootSelection selection = Run(tree, "/extlinux.conf");
        Assert.That(selection.Menu.Select(e => e.Arguments), Is.EqualTo(new[] { "root=/dev/xvda1 ro", "quiet", "initrd=/i" }));
    }

    [Test]
    public void Initrd_FirstInitrdOnTheCommandLineWins_AndCommaListsAreConcatenated()
    {
        var tree = new LegacyTestTree("initrd")
            .Write("/boot/extlinux/extlinux.conf", "LABEL l\n LINUX ../vmlinuz\n APPEND initrd=../a.img,/b.img ro\n INITRD ../c.img\n")
            .Files("/boot/vmlinuz", "/boot/a.img", "/b.img", "/boot/c.img");
        BootSelection selection = Run(tree, "/boot/extlinux/extlinux.conf");
        Assert.That(selection.Chosen!.Initrds.Select(i => i.Path), Is.EqualTo(new[] { "/boot/a.img", "/b.img" }));
        Assert.That(selection.Chosen.Arguments, Is.EqualTo("initrd=../a.img,/b.img ro initrd=../c.img"));
    }

    [Test]
    public void Ipappend_IsReportedAndAddsNothing()
    {
        var tree = new LegacyTestTree("ipappend").Write("/extlinux.conf", "LABEL pxe\n KERNEL /v\n APPEND ro\n IPAPPEND 2\n").Files("/v");
        BootSelection selection = Run(tree, "/extlinux.conf");
        Assert.That(selection.Chosen!.Arguments, Is.EqualTo("ro"));
        Assert.That(selection.Warnings, Has.Some.Contains("IPAPPEND"));
    }

    [Test]
    public void TextHelpBlock_IsNotReadAsDirectives()
    {
        var tree = new LegacyTestTree("help")
            .Write("/extlinux.conf", "LABEL a\n KERNEL /v\n TEXT HELP\n LABEL fake\n KERNEL /nothing\n  ENDTEXT\nLABEL b\n KERNEL /v\n")
            .Files("/v");
        BootSelection selection = Run(tree, "/extlinux.conf");
        Assert.That(selection.Menu.Select(e => e.Id), Is.EqualTo(new[] { "a", "b" }));
        Assert.That(selection.Chosen!.Kernel!.Path, Is.EqualTo("/v"));
    }

    [Test]
    public void Mboot_IsAHypervisorEntry_AndMenuC32OpensAMenu()
    {
        var tree = new LegacyTestTree("mboot")
            .Write("/boot/extlinux/extlinux.conf", "DEFAULT xen\nLABEL xen\n KERNEL mboot.c32\n APPEND ../xen.gz dom0_mem=1G --- ../vmlinuz root=/dev/xvda1 --- ../initrd.img\nLABEL sub\n KERNEL menu.c32\n APPEND other.cfg\n")
            .Files("/boot/xen.gz", "/boot/vmlinuz", "/boot/initrd.img");
        BootSelection selection = Run(tree, "/boot/extlinux/extlinux.conf");
        Assert.That(selection.Menu[0].NotBootableReason, Does.Contain("Xen hypervisor"));
        Assert.That(selection.Menu[1].NotBootableReason, Does.Contain("opens a menu"));
        Assert.That(selection.Chosen, Is.Null);
    }

    [Test]
    public void Config_SwitchesToAnotherConfiguration()
    {
        var tree = new LegacyTestTree("config")
            .Write("/isolinux/isolinux.cfg", "DEFAULT next\nLABEL next\n CONFIG /boot/syslinux/real.cfg\n")
            .Write("/boot/syslinux/real.cfg", "DEFAULT r\nLABEL r\n LINUX ../vmlinuz\n APPEND quiet\n")
            .Files("/boot/vmlinuz");
        BootSelection selection = Run(tree, "/isolinux/isolinux.cfg");
        Assert.That(selection.ConfigPath, Is.EqualTo("/boot/syslinux/real.cfg"));
        Assert.That(selection.Chosen!.Kernel!.Path, Is.EqualTo("/boot/vmlinuz"));
        Assert.That(selection.Explanation, Has.Some.Contains("switches to the configuration /boot/syslinux/real.cfg"));
    }

    [Test]
    public void Config_WithADirectory_ResolvesRelativeNamesThere()
    {
        var tree = new LegacyTestTree("configdir")
            .Write("/extlinux.conf", "DEFAULT next\nLABEL next\n CONFIG /cfg/real.cfg /boot\n")
            .Write("/cfg/real.cfg", "LABEL r\n LINUX vmlinuz\n")
            .Files("/boot/vmlinuz");
        Assert.That(Run(tree, "/extlinux.conf").Chosen!.Kernel!.Path, Is.EqualTo("/boot/vmlinuz"));
    }

    [Test]
    public void Ontimeout_IsUsedWhenNoDefault_AndPromptTimeoutIsConverted()
    {
        var tree = new LegacyTestTree("ontimeout")
            .Write("/extlinux.conf", "PROMPT 1\nTIMEOUT 25\nONTIMEOUT b\nLABEL a\n KERNEL /v\nLABEL b\n KERNEL /v\n APPEND b=1\n")
            .Files("/v");
        BootSelection selection = Run(tree, "/extlinux.conf");
        Assert.That(selection.Chosen!.Id, Is.EqualTo("b"));
        Assert.That(selection.TimeoutSeconds, Is.EqualTo(2.5));
    }

    [Test]
    public void TotalTimeout_AppliesWhenTimeoutIsZero()
    {
        var tree = new LegacyTestTree("totaltimeout").Write("/extlinux.conf", "UI menu.c32\nTOTALTIMEOUT 600\nLABEL a\n KERNEL /v\n").Files("/v");
        Assert.That(Run(tree, "/extlinux.conf").TimeoutSeconds, Is.EqualTo(60.0));
    }

    [Test]
    public void NoUiNoPrompt_BootsImmediately_AndDefaultKernelWithArgumentsIsRunAsTyped()
    {
        var tree = new LegacyTestTree("astyped").Write("/extlinux.conf", "DEFAULT /vmlinuz root=/dev/xvda1 ro\nLABEL other\n KERNEL /v\n").Files("/vmlinuz", "/v");
        BootSelection selection = Run(tree, "/extlinux.conf");
        Assert.That(selection.TimeoutSeconds, Is.Zero);
        Assert.That(selection.Chosen!.Kernel!.Path, Is.EqualTo("/vmlinuz"));
        Assert.That(selection.Chosen.Arguments, Is.EqualTo("root=/dev/xvda1 ro"));
        Assert.That(selection.Chosen.Index, Is.EqualTo(-1));
    }

    [Test]
    public void DefaultLabelWithExtraWords_AppendsThemToTheLabelsCommandLine()
    {
        var tree = new LegacyTestTree("extra").Write("/extlinux.conf", "DEFAULT a single\nLABEL a\n KERNEL /v\n APPEND ro\n").Files("/v");
        Assert.That(Run(tree, "/extlinux.conf").Chosen!.Arguments, Is.EqualTo("ro single"));
    }

    [Test]
    public void MenuHide_AndDuplicates_FirstVisibleLabelIsTheFallbackChoice()
    {
        var tree = new LegacyTestTree("hide")
            .Write("/extlinux.conf", "UI menu.c32\nLABEL hidden\n MENU HIDE\n KERNEL /v\nLABEL shown\n KERNEL /v\n APPEND first\nLABEL shown\n KERNEL /v\n APPEND second\n")
            .Files("/v");
        BootSelection selection = Run(tree, "/extlinux.conf");
        Assert.That(selection.Menu, Has.Count.EqualTo(2));
        Assert.That(selection.Chosen!.Id, Is.EqualTo("shown"));
        Assert.That(selection.Chosen.Arguments, Is.EqualTo("first"), "the first definition of a label wins");
        Assert.That(selection.Menu.Select(e => e.FlatIndex), Is.EqualTo(new[] { 0, 1 }));
        Assert.That(selection.Warnings, Has.Some.Contains("defined again"));
    }

    [Test]
    public void Include_Missing_IsSkippedWithAWarning()
    {
        var tree = new LegacyTestTree("missing").Write("/extlinux.conf", "INCLUDE nothere.cfg\nLABEL a\n KERNEL /v\n").Files("/v");
        BootSelection selection = Run(tree, "/extlinux.conf");
        Assert.That(selection.Chosen!.Id, Is.EqualTo("a"));
        Assert.That(selection.Warnings, Has.Some.Contains("/nothere.cfg does not exist"));
    }

    [Test]
    public void Include_Cycle_IsAnErrorNamingTheFileAndLine()
    {
        var tree = new LegacyTestTree("cycle")
            .Write("/boot/syslinux/syslinux.cfg", "LABEL a\n KERNEL /v\nINCLUDE other.cfg\n")
            .Write("/boot/syslinux/other.cfg", "# back again\nINCLUDE syslinux.cfg\n");
        var error = Assert.Throws<ConfigSyntaxException>(() => Run(tree, "/boot/syslinux/syslinux.cfg"));
        Assert.That(error!.Location, Is.EqualTo(new SourceLocation("/boot/syslinux/other.cfg", 2, 1)));
        Assert.That(error.Problem, Does.Contain("INCLUDE cycle").And.Contain("/boot/syslinux/syslinux.cfg"));
    }

    [Test]
    public void Include_DeeperThanSixteen_IsAnError()
    {
        var tree = new LegacyTestTree("deep");
        for (int i = 0; i < 20; i++)
        {
            tree.Write($"/c{i}.cfg", $"INCLUDE c{i + 1}.cfg\n");
        }

        var error = Assert.Throws<ConfigSyntaxException>(() => Run(tree, "/c0.cfg"));
        Assert.That(error!.Problem, Does.Contain("deeper than 16"));
        Assert.That(error.Location.File, Is.EqualTo("/c15.cfg"));
    }

    [Test]
    public void MissingKernel_MakesTheEntryUnbootable()
    {
        var tree = new LegacyTestTree("nokernel").Write("/extlinux.conf", "LABEL a\n LINUX /gone\n");
        BootSelection selection = Run(tree, "/extlinux.conf");
        Assert.That(selection.Chosen, Is.Null);
        Assert.That(selection.Menu[0].NotBootableReason, Does.Contain("does not exist"));
    }
}

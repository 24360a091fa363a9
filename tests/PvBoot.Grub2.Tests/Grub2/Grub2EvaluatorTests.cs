using PvBoot.Core.Boot;

namespace PvBoot.Grub2.Tests.Grub2;

/// <summary>The script language and its evaluation (boot-config-semantics §2, §4) on real snippets.</summary>
public sealed class Grub2EvaluatorTests
{
    private static BootSelection Run(string config, BootConfigOptions? options = null) =>
        new Grub2TestHarness("eval").Kernels("1", "2").Run(config, options);

    private static IEnumerable<string> Titles(BootSelection s) => s.Menu.Select(e => e.Title);

    [Test]
    public void Quoting_EachContextRemovesWhatGrubRemoves()
    {
        // §2.2: echo a\ b 'c\d' "e\f" "g\$h" "i\"j" prints a b c\d e\f g$h i"j
        BootSelection s = Run("menuentry a\\ b 'c\\d' \"e\\f\" \"g\\$h\" \"i\\\"j\" { linux /boot/vmlinuz-1; }\n");
        Assert.That(s.Menu[0].Title, Is.EqualTo("a b"));
        Assert.That(s.Menu[0].Lines, Is.EqualTo(new[] { "linux /boot/vmlinuz-1;" }));
    }

    [Test]
    public void HashMidWord_IsLiteral_HashAtTokenStart_IsAComment()
    {
        BootSelection s = Run("menuentry a#b { linux /boot/vmlinuz-1; }\nmenuentry \"c\"#d #comment\n{ linux /boot/vmlinuz-1; }\nmenuentry e { linux /boot/vmlinuz-1; }\n");
        Assert.That(Titles(s), Is.EqualTo(new[] { "a#b", "e" }), "the second menuentry has no block on its line, so GRUB rejects it");
        Assert.That(s.Warnings, Has.Some.Contains("has no body"));
    }

    [Test]
    public void GluedExpansion_UnquotedVariableSplits_QuotedDoesNot()
    {
        BootSelection s = Run("""
            set x="a b"
            set e=
            menuentry foo$x { linux /boot/vmlinuz-1 "$2"; }
            menuentry "foo$x" $e { linux /boot/vmlinuz-1 $#; }
            menuentry "$e" { linux /boot/vmlinuz-1; }
            menuentry ${x}y { linux /boot/vmlinuz-1 $2; }
            """);
        Assert.That(Titles(s), Is.EqualTo(new[] { "fooa", "fooa b", string.Empty, "a" }));
        Assert.That(s.Menu[0].Arguments, Is.EqualTo("b"), "$2 of the body is the extra argument 'b'");
        Assert.That(s.Menu[1].Arguments, Is.EqualTo("1"), "an unquoted empty variable makes no argument");
        Assert.That(s.Menu[3].Arguments, Is.EqualTo("by"));
    }

    [Test]
    public void UnknownCommand_HasStatusZero_SoTheThenBranchRuns()
    {
        BootSelection s = Run("if nosuchcmd; then menuentry A { linux /boot/vmlinuz-1; }; else menuentry B { linux /boot/vmlinuz-1; }; fi\n");
        Assert.That(Titles(s), Is.EqualTo(new[] { "A" }));
        Assert.That(s.Warnings, Has.Some.Contains("unknown command 'nosuchcmd'"));
    }

    [Test]
    public void Test_FollowsGrubsAlgorithm_NotShellIntuition()
    {
        // §2.8: [ ] is true; [ $unset = 1 ] is true; [ "$unset" = 1 ] is false.
        BootSelection s = Run("""
            if [ ]; then menuentry empty-true { linux /boot/vmlinuz-1; }; fi
            if [ $unset = 1 ]; then menuentry unquoted-true { linux /boot/vmlinuz-1; }; fi
            if [ "$unset" = 1 ]; then menuentry quoted-true { linux /boot/vmlinuz-1; }; fi
            if [ 010 -eq 8 -a 0x10 -gt 15 ]; then menuentry numbers { linux /boot/vmlinuz-1; }; fi
            if [ a = b -o ! x = y ]; then menuentry or-not { linux /boot/vmlinuz-1; }; fi
            if [ -f /boot/vmlinuz-1 ]; then menuentry file-there { linux /boot/vmlinuz-1; }; fi
            if [ -e /boot/nothing ]; then menuentry file-missing { linux /boot/vmlinuz-1; }; fi
            if [ -d /boot -a -s /boot/vmlinuz-1 -a -z "" -a -n x ]; then menuentry dir-size { linux /boot/vmlinuz-1; }; fi
            if test 5.10 -pgt 5.9; then menuentry prefix-compare { linux /boot/vmlinuz-1; }; fi
            """);
        Assert.That(Titles(s), Is.EqualTo(new[] { "empty-true", "unquoted-true", "numbers", "or-not", "file-there", "dir-size", "prefix-compare" }));
    }

    [Test]
    public void Submenu_Upstream_SeesOnlyExportedVariables()
    {
        const string config = """
            set plain=p
            set exported=e
            export exported
            submenu S { menuentry "in-$plain-$exported" { linux /boot/vmlinuz-1; } }
            """;
        Assert.That(Run(config).Menu[1].Title, Is.EqualTo("in--e"));
        Assert.That(Run(config, BootConfigOptions.Default with { GrubFlavour = "fedora" }).Menu[1].Title, Is.EqualTo("in-p-e"));
    }

    [Test]
    public void MenuEntry_OptionsAnywhere_IdDefaultsToTitle_BodyTakesFinalValues()
    {
        BootSelection s = Run("""
            for v in 1 2; do
              menuentry "K$v" --class os --unrestricted --users=a,b --hotkey x { linux /boot/vmlinuz-$v; }
            done
            menuentry --id=my-id 'With id' { linux /boot/vmlinuz-1; }
            """);
        Assert.That(Titles(s), Is.EqualTo(new[] { "K1", "K2", "With id" }));
        Assert.That(s.Menu[0].Id, Is.EqualTo("K1"));
        Assert.That(s.Menu[2].Id, Is.EqualTo("my-id"));
        Assert.That(s.Menu[0].Kernel?.Path, Is.EqualTo("/boot/vmlinuz-2"), "the body runs at boot, when $v holds its last value");
    }

    [Test]
    public void Functions_TakePositionalParameters_AndMayCreateEntries()
    {
        BootSelection s = Run("""
            function entry { menuentry "$1 ($#)" { linux /boot/vmlinuz-$2; }; }
            entry first 1
            entry second 2
            """);
        Assert.That(Titles(s), Is.EqualTo(new[] { "first (2)", "second (2)" }));
    }

    [Test]
    public void WhileLoop_WithBreak_AndUntil()
    {
        BootSelection s = Run("""
            while true; do menuentry w { linux /boot/vmlinuz-1; }; break; done
            until true; do menuentry never { linux /boot/vmlinuz-1; }; done
            """);
        Assert.That(Titles(s), Is.EqualTo(new[] { "w" }));
    }

    [Test]
    public void Source_RunsInTheSameContextAndMenu_Configfile_ReplacesTheMenu()
    {
        var h = new Grub2TestHarness("source").Kernels("1", "2")
            .File("/boot/grub/custom.cfg", "set fromsource=yes\nmenuentry sourced { linux /boot/vmlinuz-1; }\n");
        BootSelection s = h.Run("""
            menuentry first { linux /boot/vmlinuz-1; }
            if [ -f ${config_directory}/custom.cfg ]; then source ${config_directory}/custom.cfg; fi
            menuentry "after-$fromsource" { linux /boot/vmlinuz-1; }
            """);
        Assert.That(Titles(s), Is.EqualTo(new[] { "first", "sourced", "after-yes" }));

        h.File("/boot/grub/real.cfg", "set default=1\nmenuentry r0 { linux /boot/vmlinuz-1; }\nmenuentry r1 { linux /boot/vmlinuz-2; }\n");
        BootSelection c = h.Run("menuentry stub { linux /boot/vmlinuz-1; }\nconfigfile /boot/grub/real.cfg\nmenuentry never { linux /boot/vmlinuz-1; }\n");
        Assert.That(Titles(c), Is.EqualTo(new[] { "r0", "r1" }));
        Assert.That(c.Chosen?.Title, Is.EqualTo("r1"));
    }

    [Test]
    public void LoadEnv_Whitelist_And_File()
    {
        var h = new Grub2TestHarness("loadenv").Kernels("1")
            .File("/boot/grub/other.env", global::PvBoot.Grub2.Grubenv.Signature + "a=1\nb=2\n");
        BootSelection s = h.Run("load_env -f /boot/grub/other.env b\nmenuentry \"a=$a b=$b\" { linux /boot/vmlinuz-1; }\n");
        Assert.That(s.Menu[0].Title, Is.EqualTo("a= b=2"));
    }

    [Test]
    public void Search_SetsRootToTheDeviceWithThatUuid_LaterRelativePathsUseIt()
    {
        var h = new Grub2TestHarness("search").Kernels("1");
        string bootDir = HostDirectoryFileSystem.NewDirectory("bootpart");
        HostDirectoryFileSystem.Write(bootDir, "/vmlinuz-9", "k9");
        HostDirectoryFileSystem.Write(bootDir, "/initrd-9", "i9");
        var bootFs = new HostDirectoryFileSystem(bootDir, uuid: "1234-ABCD", label: "BOOT");
        h.Devices.Add("hd0,msdos2", bootFs);
        BootSelection s = h.Run("""
            menuentry uuid { search --no-floppy --fs-uuid --set=root 1234-abcd; linux /vmlinuz-9 ro; initrd /initrd-9; }
            menuentry label { search.fs_label BOOT bootdev; linux ($bootdev)/vmlinuz-9; }
            menuentry file { search -f /vmlinuz-9 --set; linux /vmlinuz-9; }
            menuentry prefix { linux (hd0,2)/vmlinuz-9; initrd (hd0,msdos2)/initrd-9 /boot/initrd.img-1; }
            menuentry missing { search --fs-uuid --set=root no-such-uuid; linux /vmlinuz-9; }
            """);
        Assert.That(s.Menu[0].Kernel, Is.EqualTo(new BootFile("hd0,msdos2", "/vmlinuz-9")), s.Menu[0].NotBootableReason + string.Join("\n", s.Explanation));
        Assert.That(s.Menu[0].Initrds, Is.EqualTo(new[] { new BootFile("hd0,msdos2", "/initrd-9") }));
        Assert.That(s.Menu[1].Kernel, Is.EqualTo(new BootFile("hd0,msdos2", "/vmlinuz-9")));
        Assert.That(s.Menu[2].Kernel, Is.EqualTo(new BootFile("hd0,msdos2", "/vmlinuz-9")));
        Assert.That(s.Menu[3].Kernel, Is.EqualTo(new BootFile("hd0,2", "/vmlinuz-9")));
        Assert.That(s.Menu[3].Initrds, Is.EqualTo(new[] { new BootFile("hd0,msdos2", "/initrd-9"), new BootFile(null, "/boot/initrd.img-1") }));
        Assert.That(s.Menu[4].NotBootableReason, Does.EndWith("(hd0,msdos1)/vmlinuz-9 not found"));
    }

    [Test]
    public void KernelArguments_PlainTextIsPygrubsRawText_OtherwiseGrubsRejoinedArgv()
    {
        BootSelection s = Run("""
            set extra="quiet  splash"
            menuentry plain { linux /boot/vmlinuz-1 root=/dev/xvda1 ro  quiet   }
            menuentry quoted { linux /boot/vmlinuz-1 acpi_osi="Windows 2009" 'x\y' $extra }
            menuentry semicolon { linux /boot/vmlinuz-1 ds=nocloud-net;s=http://10.0.0.1/ }
            menuentry comment { linux /boot/vmlinuz-1 ro #quiet
            }
            menuentry linux16 { linux16 /boot/vmlinuz-1 a; initrd16 /boot/initrd.img-1 /boot/initrd.img-2; }
            menuentry linuxefi { linuxefi /boot/vmlinuz-1 b; initrdefi /boot/initrd.img-1; }
            """);
        Assert.That(s.Menu[0].Arguments, Is.EqualTo("root=/dev/xvda1 ro  quiet"));
        Assert.That(s.Menu[1].Arguments, Is.EqualTo("\"acpi_osi=Windows 2009\" x\\\\y quiet splash"));
        Assert.That(s.Menu[2].Arguments, Is.EqualTo("ds=nocloud-net"), "';' ends the linux command; the rest is an assignment");
        Assert.That(s.Menu[3].Arguments, Is.EqualTo("ro"));
        Assert.That(s.Menu[4].Kernel?.Path, Is.EqualTo("/boot/vmlinuz-1"));
        Assert.That(s.Menu[4].Initrds.Select(i => i.Path), Is.EqualTo(new[] { "/boot/initrd.img-1", "/boot/initrd.img-2" }));
        Assert.That(s.Menu[5].Arguments, Is.EqualTo("b"));
    }

    [Test]
    public void XenDom0Entry_IsNotBootable_FallbackApplies()
    {
        BootSelection s = Run("""
            set default=0
            set fallback=1
            menuentry 'Debian GNU/Linux, with Xen hypervisor' {
                multiboot2 /boot/xen.gz placeholder dom0_mem=1024M
                module2 /boot/vmlinuz-1 placeholder root=/dev/xvda1 ro
                module2 --nounzip /boot/initrd.img-1
            }
            menuentry 'Debian GNU/Linux' { linux /boot/vmlinuz-1 root=/dev/xvda1 ro; initrd /boot/initrd.img-1; }
            """);
        Assert.That(s.Menu[0].NotBootableReason, Does.Contain("multiboot2 loads a hypervisor"));
        Assert.That(s.Chosen?.Title, Is.EqualTo("Debian GNU/Linux"));
    }

    [Test]
    public void GrubPlatform_IsXenByDefault_EfiOnlyEntriesAreAbsent()
    {
        const string config = """
            if [ "$grub_platform" = "efi" ]; then menuentry 'UEFI Firmware Settings' { fwsetup; }; fi
            menuentry "on $grub_platform" { linux /boot/vmlinuz-1; }
            """;
        Assert.That(Titles(Run(config)), Is.EqualTo(new[] { "on xen" }));
        Assert.That(Titles(Run(config, BootConfigOptions.Default with { GrubPlatform = "efi" })), Is.EqualTo(new[] { "UEFI Firmware Settings", "on efi" }));
    }

    [Test]
    public void SyntaxError_DiscardsTheUnit_RemainingBodyLinesRunAtTopLevel()
    {
        BootSelection s = Run("menuentry 'Broken' {\n  linux /boot/vmlinuz-1 $\n  menuentry 'Inner' { linux /boot/vmlinuz-1; }\n}\nmenuentry 'Good' { linux /boot/vmlinuz-2; }\n");
        Assert.That(Titles(s), Is.EqualTo(new[] { "Inner", "Good" }));
        Assert.That(s.Warnings, Has.Some.StartsWith("/boot/grub/grub.cfg:2:26: unexpected newline, expected \" or variable name"));
    }

    [Test]
    public void SyntaxError_MessageIsFileLineColumnUnexpectedExpected()
    {
        var ex = Assert.Throws<ConfigSyntaxException>(() => Grub2ScriptParser.ParseStrict("echo a\nfi\n", "/boot/grub/grub.cfg"));
        Assert.That(ex!.Message, Is.EqualTo("/boot/grub/grub.cfg:2:1: unexpected 'fi', expected command"));
        ex = Assert.Throws<ConfigSyntaxException>(() => Grub2ScriptParser.ParseStrict("menuentry a { echo; } echo\n", "/boot/grub/grub.cfg"));
        Assert.That(ex!.Message, Is.EqualTo("/boot/grub/grub.cfg:1:23: unexpected 'echo', expected ';' or newline"));
        ex = Assert.Throws<ConfigSyntaxException>(() => Grub2ScriptParser.ParseStrict("if true; then\n  echo\n", "/boot/grub/grub.cfg"));
        Assert.That(ex!.Message, Is.EqualTo("/boot/grub/grub.cfg:3:1: unexpected end of file, expected 'fi'"));
    }

    [Test]
    public void Crlf_Config_IsHarmless()
    {
        BootSelection s = Run("set default=1\r\nmenuentry 'a' {\r\n  linux /boot/vmlinuz-1 ro\r\n}\r\nmenuentry 'b' {\r\n  linux /boot/vmlinuz-2 ro quiet\r\n}\r\n");
        Assert.That(s.Chosen?.Title, Is.EqualTo("b"));
        Assert.That(s.Chosen?.Arguments, Is.EqualTo("ro quiet"));
    }
}

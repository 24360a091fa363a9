using PvBoot.Core.Boot;

namespace PvBoot.Grub2.Tests.Grub2;

/// <summary>Default-entry resolution (boot-config-semantics §3) on real configuration snippets.</summary>
public sealed class Grub2SelectionTests
{
    /// <summary>The menu of §3.3's table; the submenu's entries carry arguments and one an initrd.</summary>
    internal const string TableMenu = """
        menuentry 'A' --id ida { linux /boot/vmlinuz-a; }
        submenu 'Sub' --id idsub {
            menuentry 'S0' --id ids0 { linux /boot/vmlinuz-s0 s0; }
            menuentry 'S1' --id ids1 { linux /boot/vmlinuz-s1 s1; initrd /boot/initrd-s1; }
        }
        menuentry 'C' --id idc { linux /boot/vmlinuz-c; }
        menuentry '5.10 kernel' --id five { linux /boot/vmlinuz-5; }
        menuentry 'x>y' --id xy { linux /boot/vmlinuz-xy; }
        """;

    /// <summary>§3.4's example: default=0, fallback="3 2", entry 0 loads nothing, entry 3 fails -> entry 2 boots.</summary>
    internal const string FallbackExample = """
        set default=0
        set fallback="3 2"
        menuentry 'zero' { echo nothing; }
        menuentry 'one' { linux /boot/vmlinuz-2; }
        menuentry 'two' { linux /boot/vmlinuz-2; initrd /boot/initrd.img-2; }
        menuentry 'three' { linux /boot/vmlinuz-missing; }
        """;

    /// <summary>A guest with every file <see cref="TableMenu"/> loads.</summary>
    internal static Grub2TestHarness TableHarness(string name)
    {
        var h = new Grub2TestHarness(name);
        foreach (string k in (string[])["a", "s0", "s1", "c", "5", "xy"])
        {
            h.File($"/boot/vmlinuz-{k}", k);
        }

        return h.File("/boot/initrd-s1", "initrd s1");
    }

    private static BootSelection RunTable(string? defaultValue, string flavour)
    {
        string set = defaultValue is null ? string.Empty : $"set default='{defaultValue}'\n";
        return TableHarness("table").Run(set + TableMenu, BootConfigOptions.Default with { GrubFlavour = flavour });
    }

    // The rows of §3.3's table (upstream, confirmed with grub-emu in the reference).
    [TestCase(null, "A")]
    [TestCase("", "A")]
    [TestCase("bogus", "A")]
    [TestCase("-1", "A")]
    [TestCase("9", "A")]
    [TestCase("010", "A")]
    [TestCase("08", "A")]
    [TestCase("2", "C")]
    [TestCase(" 2", "C")]
    [TestCase("2 ", "C")]
    [TestCase("02", "C")]
    [TestCase("0x2", "C")]
    [TestCase("C", "C")]
    [TestCase("idc", "C")]
    [TestCase("1", "S0")]
    [TestCase("Sub", "S0")]
    [TestCase("idsub", "S0")]
    [TestCase("Sub>bogus", "S0")]
    [TestCase("1>5", "S0")]
    [TestCase("1>1", "S1")]
    [TestCase("Sub>S1", "S1")]
    [TestCase("idsub>ids1", "S1")]
    [TestCase("idsub>S1", "S1")]
    [TestCase("Sub>S1>x", "S1")]
    [TestCase("S1", "A")]
    [TestCase("5.10 kernel", "A")]
    [TestCase("x>>y", "x>y")]
    [TestCase("x>y", "A")]
    [TestCase("99999999999999999999", "A")]
    public void Upstream_DefaultTable(string? value, string expected)
    {
        BootSelection s = RunTable(value, "upstream");
        Assert.That(s.Chosen?.Title, Is.EqualTo(expected), string.Join("\n", s.Explanation));
    }

    // The rows that differ under Red Hat's id-first rules.
    [TestCase("2 ", "A")]
    [TestCase("1>1", "A")]
    [TestCase("1>5", "A")]
    [TestCase("5.10 kernel", "5.10 kernel")]
    [TestCase("idsub>ids1", "S1")]
    [TestCase("2", "C")]
    [TestCase("idc", "C")]
    public void El8_DefaultTable(string value, string expected)
    {
        BootSelection s = RunTable(value, "el8");
        Assert.That(s.Chosen?.Title, Is.EqualTo(expected), string.Join("\n", s.Explanation));
    }

    [Test]
    public void Menu_ListsSubmenuMembersAfterTheirSubmenu_WithPerMenuIndexAndPygrubFlatIndex()
    {
        BootSelection s = RunTable("0", "upstream");
        Assert.That(s.Menu.Select(e => $"{string.Join('/', e.SubmenuPath)}|{e.Title}|{e.Index}|{e.FlatIndex}"), Is.EqualTo(new[]
        {
            "|A|0|0", "|Sub|1|-1", "Sub|S0|0|1", "Sub|S1|1|2", "|C|2|3", "|5.10 kernel|3|4", "|x>y|4|5",
        }));
    }

    [Test]
    public void Fallback_DefaultLoadsNothing_NextFallbackFails_ThirdBoots()
    {
        BootSelection s = new Grub2TestHarness("fallback").Kernels("2").Run(FallbackExample);
        Assert.That(s.Chosen?.Title, Is.EqualTo("two"));
        Assert.That(s.Explanation, Has.Some.Contains("fallback '3' -> 'three' cannot boot either"));
        Assert.That(s.Menu[0].NotBootableReason, Is.EqualTo("the entry loads no kernel"));
        Assert.That(s.Menu[3].NotBootableReason, Does.EndWith("(hd0,msdos1)/boot/vmlinuz-missing not found"));
    }

    /// <summary>Ten top-level entries: 0 and 1 name a missing kernel, every other one boots.</summary>
    private static BootSelection RunFallback(string defaultValue, string fallback)
    {
        var h = new Grub2TestHarness("fallback-number").Kernels("2");
        var config = new System.Text.StringBuilder($"set default=\"{defaultValue}\"\nset fallback=\"{fallback}\"\n");
        config.Append("menuentry 'e0' { linux /boot/vmlinuz-missing; initrd /boot/initrd.img-2; }\n");
        config.Append("menuentry 'e1' { linux /boot/vmlinuz-gone; initrd /boot/initrd.img-2; }\n");
        for (int i = 2; i < 10; i++)
        {
            config.Append($"menuentry 'e{i}' {{ linux /boot/vmlinuz-2 n={i}; initrd /boot/initrd.img-2; }}\n");
        }

        return h.Run(config.ToString());
    }

    [Test]
    public void Fallback_TextGluedToANumber_EndsTheListAfterThatNumber()
    {
        // grub_strtoul("1x 3") stops at 'x'; the value becomes "x 3", which is no number: the list ends after entry 1.
        BootSelection s = RunFallback("0", "1x 3");
        Assert.That(s.Chosen, Is.Null, string.Join("\n", s.Explanation));
        Assert.That(s.Explanation, Has.Some.Contains("fallback '1' -> 'e1' cannot boot either"));
        Assert.That(s.Explanation, Has.Some.Contains("fallback value 'x 3' does not start with a number"));
        Assert.That(RunFallback("0", "1 3").Chosen?.Title, Is.EqualTo("e3"));
    }

    [Test]
    public void Fallback_UppercaseX_IsNotAHexPrefix()
    {
        // Only a lowercase "0x" selects base 16: "0X3" is 0 (entry 0 again), then "X3" ends the list.
        BootSelection s = RunFallback("0", "0X3");
        Assert.That(s.Chosen, Is.Null, string.Join("\n", s.Explanation));
        Assert.That(s.Explanation, Has.Some.Contains("fallback '0' -> 'e0' cannot boot either"));
        Assert.That(RunFallback("0", "0x3").Chosen?.Title, Is.EqualTo("e3"));
    }

    [Test]
    public void Fallback_HexPrefixWithoutDigits_EndsTheList()
    {
        // "0x" is consumed as the prefix and no hex digit follows: GRUB's "unrecognized number", not 0.
        BootSelection s = RunFallback("0", "0x 3");
        Assert.That(s.Chosen, Is.Null, string.Join("\n", s.Explanation));
        Assert.That(s.Explanation, Has.None.Contains("fallback '0'"));
    }

    [Test]
    public void Fallback_And_Default_ZeroThenNonOctalDigit_IsDecimal()
    {
        // A leading 0 selects base 8 only when an octal digit follows: "08" is eight, "010" is eight too.
        Assert.That(RunFallback("0", "08 3").Chosen?.Title, Is.EqualTo("e8"));
        Assert.That(RunFallback("0", "010 3").Chosen?.Title, Is.EqualTo("e8"));
        Assert.That(RunFallback("09", string.Empty).Chosen?.Title, Is.EqualTo("e9"));
        Assert.That(RunFallback("0X3", "5").Chosen?.Title, Is.EqualTo("e5"));
    }

    [Test]
    public void Fallback_PastTheLastEntry_EndsTheList()
    {
        BootSelection s = RunFallback("0", "1 10 3");
        Assert.That(s.Chosen, Is.Null, string.Join("\n", s.Explanation));
        Assert.That(s.Explanation, Has.Some.Contains("fallback '10' is past the last top-level entry (9)"));
    }

    [Test]
    public void Fallback_NumberWrapsToInt_AsGrubCastsIt()
    {
        // GRUB stores the unsigned long in an int: 2^32 + 4 is entry 4.
        Assert.That(RunFallback("0", "4294967300").Chosen?.Title, Is.EqualTo("e4"));
    }

    [Test]
    public void NextEntry_BeatsSavedEntry_AndTheExplanationSaysItIsOneShot()
    {
        var h = new Grub2TestHarness("next").Kernels("1", "2").Grubenv("saved_entry=one", "next_entry=two");
        BootSelection s = h.Run(Header + """
            menuentry 'one' { linux /boot/vmlinuz-1; }
            menuentry 'two' { linux /boot/vmlinuz-2; }
            """);
        Assert.That(s.Chosen?.Title, Is.EqualTo("two"));
        Assert.That(s.Explanation, Has.Some.StartsWith("next_entry='two' is a one-shot choice"));
    }

    [Test]
    public void NextEntry_NotHonouredByOption_SavedEntryWins()
    {
        var h = new Grub2TestHarness("next-off").Kernels("1", "2").Grubenv("saved_entry=one", "next_entry=two");
        BootSelection s = h.Run(Header + """
            menuentry 'one' { linux /boot/vmlinuz-1; }
            menuentry 'two' { linux /boot/vmlinuz-2; }
            """, BootConfigOptions.Default with { HonourNextEntry = false });
        Assert.That(s.Chosen?.Title, Is.EqualTo("one"));
    }

    [Test]
    public void El7SavedEntryTitle_MatchesByTitle()
    {
        var h = new Grub2TestHarness("el7").Kernels("3.10.0-1160.el7.x86_64", "3.10.0-957.el7.x86_64")
            .Grubenv("saved_entry=CentOS Linux (3.10.0-957.el7.x86_64) 7 (Core)");
        BootSelection s = h.Run(Header + """
            menuentry 'CentOS Linux (3.10.0-1160.el7.x86_64) 7 (Core)' --class centos --unrestricted {
                linux16 /boot/vmlinuz-3.10.0-1160.el7.x86_64 root=/dev/mapper/centos-root ro crashkernel=auto rhgb quiet
                initrd16 /boot/initrd.img-3.10.0-1160.el7.x86_64
            }
            menuentry 'CentOS Linux (3.10.0-957.el7.x86_64) 7 (Core)' --class centos --unrestricted {
                linux16 /boot/vmlinuz-3.10.0-957.el7.x86_64 root=/dev/mapper/centos-root ro crashkernel=auto rhgb quiet
                initrd16 /boot/initrd.img-3.10.0-957.el7.x86_64
            }
            """);
        Assert.That(s.Chosen?.Kernel?.Path, Is.EqualTo("/boot/vmlinuz-3.10.0-957.el7.x86_64"));
        Assert.That(s.Chosen?.Arguments, Is.EqualTo("root=/dev/mapper/centos-root ro crashkernel=auto rhgb quiet"));
        Assert.That(s.Explanation, Has.Some.Contains("the value of saved_entry from grubenv (hd0,msdos1)/boot/grub/grubenv"));
    }

    [Test]
    public void Timeout_UnsetWaitsForever_NegativeWaitsForever_ZeroIsImmediate()
    {
        var h = new Grub2TestHarness("timeout").Kernels("1");
        const string entry = "menuentry 'a' { linux /boot/vmlinuz-1; }\n";
        Assert.That(h.Run(entry).TimeoutSeconds, Is.Null);
        Assert.That(h.Run("set timeout=-1\n" + entry).TimeoutSeconds, Is.Null);
        Assert.That(h.Run("set timeout=0\n" + entry).TimeoutSeconds, Is.EqualTo(0));
        Assert.That(h.Run("set timeout=10\n" + entry).TimeoutSeconds, Is.EqualTo(10));
    }

    /// <summary>The default-setting part of Debian's 00_header.</summary>
    internal const string Header = """
        if [ -s $prefix/grubenv ]; then
          set have_grubenv=true
          load_env
        fi
        if [ "${next_entry}" ] ; then
           set default="${next_entry}"
           set next_entry=
           save_env next_entry
           set boot_once=true
        else
           set default="${saved_entry}"
        fi

        """;
}

using System.Diagnostics;
using System.Text;
using PvBoot.Core.Boot;
using PvBoot.Grub2.Legacy;
using PvBoot.Grub2.Lilo;
using PvBoot.Grub2.Syslinux;

namespace PvBoot.Grub2.Tests.Legacy;

/// <summary>The boot-configuration bad-input classes C1–C8 of the hostile-input guide, for GRUB legacy, syslinux and LILO.</summary>
[TestFixture]
public sealed class LegacyConfigHostileInputTests
{
    private const string Injection = "x\"; import os; os.system(\"touch {0}\"); x=\"";

    private static T Timed<T>(Func<T> action, double seconds = 10)
    {
        var clock = Stopwatch.StartNew();
        T result = action();
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(seconds)));
        return result;
    }

    [Test]
    public void C1_CodeInjectionInTitlesAndLabels_IsKeptAsData()
    {
        var tree = new LegacyTestTree("c1");
        string marker = Path.Combine(tree.Root, "pwned");
        string payload = string.Format(System.Globalization.CultureInfo.InvariantCulture, Injection, marker);
        tree.Write("/boot/grub/menu.lst", $"title {payload}\nkernel /vmlinuz {payload}\n")
            .Write("/extlinux.conf", $"LABEL l\n MENU LABEL {payload}\n KERNEL /vmlinuz\n APPEND {payload}\n")
            .Write("/etc/lilo.conf", $"image=/vmlinuz\n label=\"{payload.Replace("\"", "\\\"", StringComparison.Ordinal)}\"\n")
            .Files("/vmlinuz");

        BootSelection legacy = tree.Parse(new GrubLegacyConfigParser(), "/boot/grub/menu.lst");
        BootSelection syslinux = tree.Parse(new SyslinuxConfigParser(), "/extlinux.conf");
        BootSelection lilo = tree.Parse(new LiloConfigParser(), "/etc/lilo.conf");

        Assert.That(legacy.Chosen!.Title, Is.EqualTo(payload));
        Assert.That(legacy.Chosen.Arguments, Is.EqualTo(payload));
        Assert.That(syslinux.Chosen!.Title, Is.EqualTo(payload));
        Assert.That(lilo.Chosen!.Title, Is.EqualTo(payload));
        Assert.That(File.Exists(marker), Is.False);
    }

    [TestCase("/boot/grub/menu.lst")]
    [TestCase("/extlinux.conf")]
    [TestCase("/etc/lilo.conf")]
    public void C2_FiftyMegabyteConfig_IsTooLarge(string path)
    {
        var tree = new LegacyTestTree("c2-size");
        tree.Write(path, string.Empty);
        using (var stream = File.OpenWrite(tree.Host(path)))
        {
            stream.SetLength(50L * 1024 * 1024);
        }

        var error = Assert.Throws<ConfigSyntaxException>(() => tree.Parse(Parser(path), path));
        Assert.That(error!.Problem, Does.StartWith("too large"));
    }

    [TestCase("/boot/grub/menu.lst", 1_000_000)]
    [TestCase("/extlinux.conf", 1_000_000)]
    [TestCase("/etc/lilo.conf", 1_000_000)]
    [TestCase("/boot/grub/menu.lst", 70_000)]
    [TestCase("/extlinux.conf", 70_000)]
    [TestCase("/etc/lilo.conf", 70_000)]
    public void C2_HugeLineOrToken_IsTooLarge(string path, int length)
    {
        var tree = new LegacyTestTree("c2-line").Write(path, "title t\nkernel /vmlinuz " + new string('A', length));
        var error = Assert.Throws<ConfigSyntaxException>(() => Timed(() => tree.Parse(Parser(path), path)));
        Assert.That(error!.Problem, Does.StartWith("too large: a line of"));
        Assert.That(error.Location, Is.EqualTo(new SourceLocation(path, 2, 1)));
    }

    [Test]
    public void C3_SyslinuxIncludeOfItself_IsACycleError()
    {
        var tree = new LegacyTestTree("c3-include").Write("/boot/extlinux/extlinux.conf", "LABEL a\n KERNEL /v\nINCLUDE extlinux.conf\n");
        var error = Assert.Throws<ConfigSyntaxException>(() => tree.Parse(new SyslinuxConfigParser(), "/boot/extlinux/extlinux.conf"));
        Assert.That(error!.Location, Is.EqualTo(new SourceLocation("/boot/extlinux/extlinux.conf", 3, 1)));
        Assert.That(error.Problem, Does.Contain("INCLUDE cycle"));
    }

    [Test]
    public void C3_SyslinuxConfigOfItself_IsACycleError()
    {
        var tree = new LegacyTestTree("c3-config").Write("/extlinux.conf", "DEFAULT again\nLABEL again\n CONFIG /extlinux.conf\n");
        var error = Assert.Throws<ConfigSyntaxException>(() => tree.Parse(new SyslinuxConfigParser(), "/extlinux.conf"));
        Assert.That(error!.Problem, Does.Contain("CONFIG cycle"));
    }

    [Test]
    public void C3_TenThousandNestedSyslinuxMenus_AreReadWithoutRecursion()
    {
        var text = new StringBuilder();
        for (int i = 0; i < 10_000; i++)
        {
            text.Append("MENU BEGIN m").Append(i).Append('\n');
        }

        text.Append("LABEL deep\n KERNEL /vmlinuz\n");
        var tree = new LegacyTestTree("c3-menus").Write("/extlinux.conf", text.ToString()).Files("/vmlinuz");
        BootSelection selection = Timed(() => tree.Parse(new SyslinuxConfigParser(), "/extlinux.conf"));
        Assert.That(selection.Chosen!.SubmenuPath, Has.Count.EqualTo(10_000));
    }

    [Test]
    public void C3_GrubLegacyConfigfile_IsNotFollowed()
    {
        var tree = new LegacyTestTree("c3-configfile").Write("/boot/grub/menu.lst", "title loop\nconfigfile /boot/grub/menu.lst\n");
        BootSelection selection = tree.Parse(new GrubLegacyConfigParser(), "/boot/grub/menu.lst");
        Assert.That(selection.Chosen, Is.Null);
        Assert.That(selection.Menu[0].NotBootableReason, Does.Contain("another configuration file"));
    }

    [Test]
    public void C4_NoFormatExpandsVariables_DoublingLinesStayLiteral()
    {
        var doubling = new StringBuilder("a=xxxxxxxx\n");
        for (int i = 0; i < 40; i++)
        {
            doubling.Append("a=\"$a$a\"\n");
        }

        var tree = new LegacyTestTree("c4")
            .Write("/boot/grub/menu.lst", doubling + "title t\nkernel /vmlinuz $a$a\n")
            .Write("/extlinux.conf", doubling + "LABEL t\n KERNEL /vmlinuz\n APPEND $a$a ${a}\n")
            .Write("/etc/lilo.conf", "image=/vmlinuz\n append=\"$a$a\"\n")
            .Files("/vmlinuz");

        Assert.That(tree.Parse(new GrubLegacyConfigParser(), "/boot/grub/menu.lst").Chosen!.Arguments, Is.EqualTo("$a$a"));
        Assert.That(tree.Parse(new SyslinuxConfigParser(), "/extlinux.conf").Chosen!.Arguments, Is.EqualTo("$a$a ${a}"));
        BootSelection lilo = tree.Parse(new LiloConfigParser(), "/etc/lilo.conf");
        Assert.That(lilo.Chosen!.Arguments, Is.EqualTo("$a$a"));
        Assert.That(lilo.Warnings, Has.Some.Contains("installer variable"));
    }

    [TestCase("/boot/grub/menu.lst", "title t{0}\nkernel /vmlinuz\n")]
    [TestCase("/extlinux.conf", "LABEL t{0}\n KERNEL /vmlinuz\n")]
    [TestCase("/etc/lilo.conf", "image=/vmlinuz\n label=t{0}\n")]
    public void C5_TwoHundredThousandEntries_AreRejected(string path, string entry)
    {
        var text = new StringBuilder();
        for (int i = 0; i < 200_000; i++)
        {
            text.AppendFormat(System.Globalization.CultureInfo.InvariantCulture, entry, i);
        }

        var tree = new LegacyTestTree("c5-entries").Write(path, text.ToString()).Files("/vmlinuz");
        var error = Assert.Throws<ConfigSyntaxException>(() => Timed(() =>
            tree.Parse(Parser(path), path, BootConfigOptions.Default with { MaxConfigBytes = 16 * 1024 * 1024 }), 30));
        Assert.That(error!.Problem, Does.Contain("too many menu entries"));
    }

    [TestCase("default 99999999999999999999")]
    [TestCase("default -1")]
    [TestCase("default 0x10")]
    [TestCase("fallback 99999999999999999999 -1 0x10")]
    public void C5_HostileLegacyIndexes_FallBackToEntryZero(string line)
    {
        var tree = new LegacyTestTree("c5-index").Write("/boot/grub/menu.lst", $"{line}\ntitle a\nkernel /vmlinuz\ntitle b\nkernel /vmlinuz\n").Files("/vmlinuz");
        Assert.That(tree.Parse(new GrubLegacyConfigParser(), "/boot/grub/menu.lst").Chosen!.Index, Is.Zero);
    }

    [Test]
    public void C5_HostileSyslinuxAndLiloNumbers_AreReported()
    {
        var tree = new LegacyTestTree("c5-numbers")
            .Write("/extlinux.conf", "PROMPT 1\nTIMEOUT 99999999999999999999\nLABEL a\n KERNEL /vmlinuz\n")
            .Write("/etc/lilo.conf", "prompt\ntimeout=99999999999999999999\nimage=/vmlinuz\n")
            .Files("/vmlinuz");
        BootSelection syslinux = tree.Parse(new SyslinuxConfigParser(), "/extlinux.conf");
        BootSelection lilo = tree.Parse(new LiloConfigParser(), "/etc/lilo.conf");
        Assert.That(syslinux.TimeoutSeconds, Is.Null);
        Assert.That(syslinux.Warnings, Has.Some.Contains("too large a number"));
        Assert.That(lilo.TimeoutSeconds, Is.Null);
        Assert.That(lilo.Warnings, Has.Some.Contains("not a number"));
    }

    [Test]
    public void C6_ControlBytesInTitles_StayDataButNeverReachTheExplanation()
    {
        string title = "evil\0\u001b[2J\u009b31m\u00ff";
        var tree = new LegacyTestTree("c6")
            .Write("/boot/grub/menu.lst", $"default 1\ntitle {title}\nkernel /vmlinuz\r\n")
            .Write("/extlinux.conf", $"DEFAULT {title}\nLABEL {title}\n KERNEL /vmlinuz\n")
            .Files("/vmlinuz");

        BootSelection legacy = tree.Parse(new GrubLegacyConfigParser(), "/boot/grub/menu.lst");
        BootSelection syslinux = tree.Parse(new SyslinuxConfigParser(), "/extlinux.conf");

        Assert.That(legacy.Chosen!.Title, Is.EqualTo(title));
        Assert.That(syslinux.Chosen!.Id, Is.EqualTo(title));
        foreach (string line in legacy.Explanation.Concat(legacy.Warnings).Concat(syslinux.Explanation).Concat(syslinux.Warnings))
        {
            Assert.That(line.Any(c => c < ' ' || (c >= '\u007f' && c <= '\u009f')), Is.False, line);
        }

        Assert.That(legacy.Explanation, Has.Some.Contains("evil\\x00\\x1b[2J\\x9b31m\u00ff"));
    }

    [TestCase("/boot/grub/menu.lst")]
    [TestCase("/extlinux.conf")]
    [TestCase("/etc/lilo.conf")]
    public void C7_LongRunsOfQuotesBackslashesAndBlanks_ParseInBoundedTime(string path)
    {
        var text = new StringBuilder();
        foreach (string run in new[] { "\"", "\\", " ", "\t", "\\\"", "=" })
        {
            for (int i = 0; i < 15; i++)
            {
                text.Append("# ").Append(string.Concat(Enumerable.Repeat(run, 8000 / run.Length))).Append('\n');
            }
        }

        var tree = new LegacyTestTree("c7").Write(path, text.ToString());
        BootSelection selection = Timed(() => tree.Parse(Parser(path), path), 15);
        Assert.That(selection.Menu, Is.Empty);
    }

    [Test]
    public void C8_TenThousandInitrdFiles_AreCapped()
    {
        string list = string.Join(',', Enumerable.Range(0, 10_000).Select(i => $"i{i}"));
        var tree = new LegacyTestTree("c8-initrd");
        var text = new StringBuilder("LABEL a\n KERNEL /vmlinuz\n INITRD ");
        text.Append(list.AsSpan(0, 15_000)).Append('\n');
        tree.Write("/extlinux.conf", text.ToString()).Files("/vmlinuz");
        BootSelection selection = Timed(() => tree.Parse(new SyslinuxConfigParser(), "/extlinux.conf"));
        Assert.That(selection.Menu[0].NotBootableReason, Does.Contain("more than the cap of 256"));
        Assert.That(selection.Menu[0].Initrds, Is.Empty);
    }

    [Test]
    public void C8_ThousandsOfIncludedFiles_AreCapped()
    {
        var tree = new LegacyTestTree("c8-includes");
        tree.Write("/one.cfg", "LABEL x\n KERNEL /vmlinuz\n").Files("/vmlinuz");
        tree.Write("/extlinux.conf", string.Concat(Enumerable.Repeat("INCLUDE one.cfg\n", 20_000)));
        var error = Assert.Throws<ConfigSyntaxException>(() => Timed(() => tree.Parse(new SyslinuxConfigParser(), "/extlinux.conf")));
        Assert.That(error!.Problem, Does.Contain("more than 128 configuration files"));
    }

    private static IBootConfigParser Parser(string path) => path switch
    {
        "/etc/lilo.conf" => new LiloConfigParser(),
        "/boot/grub/menu.lst" => new GrubLegacyConfigParser(),
        _ => new SyslinuxConfigParser(),
    };
}

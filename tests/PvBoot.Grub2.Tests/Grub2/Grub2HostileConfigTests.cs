using System.Diagnostics;
using System.Text;
using PvBoot.Core.Boot;

namespace PvBoot.Grub2.Tests.Grub2;

/// <summary>The boot-config classes C1–C8 of hostile-input.md §4.</summary>
public sealed class Grub2HostileConfigTests
{
    private static Grub2TestHarness Guest(string name) => new Grub2TestHarness(name).Kernels("1");

    [Test]
    public void C1_CodeInjectionShapedTitle_IsData()
    {
        string marker = Path.Combine(HostDirectoryFileSystem.NewDirectory("c1"), "pwned");
        string title = $"x\"; import os; os.system(\"id>{marker}\"); x=\"";
        BootSelection s = Guest("c1").Run($"menuentry '{title}' {{ linux /boot/vmlinuz-1 `id` \\$(id); }}\n");
        Assert.That(s.Chosen?.Title, Is.EqualTo(title));
        Assert.That(File.Exists(marker), Is.False);
        Assert.That(s.Chosen?.Arguments, Is.EqualTo("`id` $(id)"), "no substitution of any kind");
    }

    [Test]
    public void C2_ConfigOverTheCap_IsTooLarge_NeverTruncated()
    {
        Grub2TestHarness h = Guest("c2");
        h.File("/boot/grub/grub.cfg", string.Empty);
        using (var stream = File.OpenWrite(Path.Combine(h.Root, "boot/grub/grub.cfg")))
        {
            stream.SetLength(50L * 1024 * 1024);
        }

        var ex = Assert.Throws<ConfigSyntaxException>(() => h.Parse(new Grub2ConfigParser(), "/boot/grub/grub.cfg"));
        Assert.That(ex!.Message, Is.EqualTo("/boot/grub/grub.cfg:1:1: too large: 52428800 bytes, at most 1048576 (never truncated)"));

        ex = Assert.Throws<ConfigSyntaxException>(() => h.Run(new string('a', 2000), BootConfigOptions.Default with { MaxConfigBytes = 1000 }));
        Assert.That(ex!.Problem, Does.StartWith("too large: 2000 bytes"));
    }

    [Test]
    public void C2_LongLineWithoutNewline_AndHugeToken_AreRejectedByName()
    {
        var ex = Assert.Throws<ConfigSyntaxException>(() => Guest("c2b").Run("menuentry 'x' { linux /boot/vmlinuz-1 " + new string('A', 70 * 1024) + "; }\n"));
        Assert.That(ex!.Message, Is.EqualTo("/boot/grub/grub.cfg:1:39: token too large (more than 16384 characters)"));
        ex = Assert.Throws<ConfigSyntaxException>(() => Guest("c2c").Run(new string('b', 1024 * 1000)));
        Assert.That(ex!.Problem, Does.StartWith("token too large"));
    }

    [TestCase("if true; then ", "fi; ")]
    [TestCase("submenu s { ", "} ")]
    [TestCase("menuentry m { ", "} ")]
    [TestCase("while false; do ", "done; ")]
    public void C3_TenThousandNestedBlocks_FailCleanly(string open, string close)
    {
        string config = string.Concat(Enumerable.Repeat(open, 10_000)) + "echo" + (close.StartsWith('}') ? " " : "; ") + string.Concat(Enumerable.Repeat(close, 10_000)) + "\n";
        var ex = Assert.Throws<ConfigSyntaxException>(() => Guest("c3").Run(config));
        Assert.That(ex!.Problem, Is.EqualTo("nesting too deep (more than 128 levels)"));
    }

    [Test]
    public void C3_SourceOrConfigfileOfItself_IsACycleError()
    {
        var ex = Assert.Throws<ConfigSyntaxException>(() => Guest("c3s").Run("source /boot/grub/grub.cfg\n"));
        Assert.That(ex!.Problem, Does.StartWith("source/configfile cycle: (hd0,msdos1)/boot/grub/grub.cfg is already being read"));
        ex = Assert.Throws<ConfigSyntaxException>(() => Guest("c3c").Run("menuentry a { linux /boot/vmlinuz-1; }\nconfigfile $prefix/grub.cfg\n"));
        Assert.That(ex!.Problem, Does.StartWith("source/configfile cycle"));
    }

    [Test]
    public void C3_DeepFunctionRecursion_HitsTheCallBudget()
    {
        var ex = Assert.Throws<ConfigSyntaxException>(() => Guest("c3f").Run("function f { f; }\nf\n"));
        Assert.That(ex!.Problem, Does.StartWith("nesting/recursion budget exhausted (64 levels"));
    }

    [Test]
    public void C4_ExpansionBomb_HitsTheExpansionBudget()
    {
        string config = "set a=xxxxxxxx\n" + string.Concat(Enumerable.Repeat("set a=\"$a$a\"\n", 40));
        var ex = Assert.Throws<ConfigSyntaxException>(() => Guest("c4").Run(config));
        Assert.That(ex!.Message, Does.StartWith("/boot/grub/grub.cfg:"));
        Assert.That(ex.Problem, Does.StartWith("expansion budget exhausted"));
    }

    [Test]
    public void C4_FunctionRedefinedWhileItRuns_IsBounded()
    {
        BootSelection s = Guest("c4f").Run("function f { eval 'function f { menuentry inner { linux /boot/vmlinuz-1; }; }'; f; }\nf\nf\n");
        Assert.That(s.Menu.Select(e => e.Title), Is.EqualTo(new[] { "inner", "inner" }));
    }

    [Test]
    public void C4_EndlessLoop_HitsTheIterationOrEntryBudget()
    {
        var ex = Assert.Throws<ConfigSyntaxException>(() => Guest("c4w").Run("while true; do echo; done\n"));
        Assert.That(ex!.Problem, Is.EqualTo("loop iteration budget exhausted (100000 iterations)"));
    }

    [TestCase("99999999999999999999")]
    [TestCase("-1")]
    [TestCase("0x10")]
    [TestCase("4294967296")]
    public void C5_HugeOrOddIndexes_GoToEntryZero(string value)
    {
        BootSelection s = Guest("c5").Run($"set default={value}\nmenuentry a {{ linux /boot/vmlinuz-1; }}\nmenuentry b {{ linux /boot/vmlinuz-1; }}\n");
        Assert.That(s.Chosen?.Title, Is.EqualTo("a"));
    }

    [Test]
    public void C5_TwoHundredThousandEntries_HitTheEntryBudget()
    {
        var ex = Assert.Throws<ConfigSyntaxException>(() => Guest("c5m").Run("while true; do menuentry x { linux /boot/vmlinuz-1; }; done\n"));
        Assert.That(ex!.Problem, Is.EqualTo("menu entry budget exhausted (20000 entries in one menu)"));
    }

    [Test]
    public void C5_SavedEntryFiftySubmenusDeep_IsFollowed()
    {
        var config = new StringBuilder("set default=\"" + string.Join('>', Enumerable.Repeat("s", 50)) + ">deep\"\n");
        for (int i = 0; i < 50; i++)
        {
            config.Append("submenu s { menuentry first { linux /boot/vmlinuz-1; }\n");
        }

        config.Append("menuentry deep { linux /boot/vmlinuz-1 deep; }\n").Append(string.Concat(Enumerable.Repeat("}\n", 50)));
        BootSelection s = Guest("c5d").Run(config.ToString());
        Assert.That(s.Chosen?.Title, Is.EqualTo("deep"));
        Assert.That(s.Chosen?.SubmenuPath, Has.Count.EqualTo(50));
    }

    [Test]
    public void C6_ControlBytesAndDelimitersInTitlesAndArgs_AreKeptAsData_AndEscapedInTheTrace()
    {
        string title = "t\u0000i\u001b[2Jt\u009bl\u00e9\u00ff'\"()";
        BootSelection s = Guest("c6").Run($"menuentry \"t\u0000i\u001b[2Jt\u009bl\u00e9\u00ff'\\\"()\" {{ linux /boot/vmlinuz-1 \"a\nb\" \u001b; }}\n");
        Assert.That(s.Chosen?.Title, Is.EqualTo(title));
        Assert.That(s.Chosen?.Arguments, Is.EqualTo("a\nb \u001b"));
        Assert.That(string.Concat(s.Explanation).Any(c => c < ' ' || c is >= '\u007f' and <= '\u009f'), Is.False);
        Assert.That(s.Explanation, Has.Some.Contains("t\\x00i\\x1b[2Jt\\x9bl"));
    }

    [TestCase('\'')]
    [TestCase('"')]
    [TestCase('\\')]
    [TestCase(' ')]
    [TestCase('\t')]
    public void C7_LongRunsOfQuotesBackslashesOrBlanks_AreLinear(char c)
    {
        string run = new(c, 900_000);
        var watch = Stopwatch.StartNew();
        try
        {
            Guest("c7").Run("menuentry " + run + " x { linux /boot/vmlinuz-1; }\n");
        }
        catch (ConfigSyntaxException)
        {
            // Runs of quotes or backslashes make an over-long token; that is the expected, named rejection.
        }

        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(20)));
    }

    [Test]
    public void C8_TwentyThousandBlsFiles_HitTheEntryBudget()
    {
        var h = new Grub2TestHarness("c8");
        string dir = Path.Combine(h.Root, "loader", "entries");
        Directory.CreateDirectory(dir);
        for (int i = 0; i < 20_000; i++)
        {
            File.WriteAllText(Path.Combine(dir, $"e-{i}.conf"), "linux /vmlinuz\n");
        }

        var ex = Assert.Throws<ConfigSyntaxException>(() => h.Parse(new BlsConfigParser(), "/loader/entries"));
        Assert.That(ex!.Problem, Is.EqualTo("BLS entry budget exhausted: more than 4096 files in (hd0,msdos1)/loader/entries"));
    }

    [Test]
    public void C8_TenThousandInitrdLines_AndAHundredThousandDigitVersion_AreCapped()
    {
        var h = new Grub2TestHarness("c8b");
        h.File("/vmlinuz", "k").File("/initrd", "i");
        h.File("/loader/entries/many.conf", "linux /vmlinuz\n" + string.Concat(Enumerable.Repeat("initrd /initrd\n", 10_000)));
        h.File("/loader/entries/huge.conf", "linux /vmlinuz\nversion " + new string('9', 100_000) + "\n");
        BootSelection s = h.Parse(new BlsConfigParser(), "/loader/entries");
        Assert.That(s.Menu.Select(e => e.Id), Is.EqualTo(new[] { "many" }));
        Assert.That(s.Chosen?.Initrds, Has.Count.EqualTo(256));
        Assert.That(s.Warnings, Has.Some.Contains("more than 256 'initrd' lines"));
        Assert.That(s.Warnings, Has.Some.Contains("version of 100000 characters; skipped"));
    }
}

using System.Text;
using System.Text.RegularExpressions;
using PvBoot.Core.Boot;
using PvBoot.Testing;

namespace PvBoot.Grub2.Tests.Grub2;

/// <summary>
/// <see cref="BootConfigOptions.ListEveryEntry"/> off: only what GRUB runs at boot is run (the chosen entry, the
/// fallbacks it tries, the submenus on the default's path), and the chosen entry is the one the full listing chooses,
/// field for field.
/// </summary>
public sealed class ChosenEntryOnlyTests
{
    private static (BootSelection Every, BootSelection ChosenOnly) RunBoth(
        Func<Grub2TestHarness> harness, string config, BootConfigOptions? options = null, string configPath = "/boot/grub/grub.cfg")
    {
        BootConfigOptions every = options ?? BootConfigOptions.Default;
        return (harness().Run(config, every, configPath), harness().Run(config, every with { ListEveryEntry = false }, configPath));
    }

    /// <summary>The chosen entries agree on everything a caller reads, and the short menu holds that entry alone.</summary>
    private static void AssertSameChoice(BootSelection every, BootSelection chosenOnly)
    {
        string why = string.Join("\n", every.Explanation);
        if (every.Chosen is null)
        {
            Assert.That((chosenOnly.Chosen, chosenOnly.Menu.Count), Is.EqualTo(((BootEntry?)null, 0)), why);
            return;
        }

        BootEntry a = every.Chosen;
        BootEntry b = chosenOnly.Chosen ?? throw new AssertionException("nothing chosen without the full listing; with it: " + a.Title + "\n" + why);
        Assert.Multiple(() =>
        {
            Assert.That(
                (b.Title, b.Id, string.Join(">", b.SubmenuPath), b.Index, b.FlatIndex, b.Kernel, b.Arguments, b.NotBootableReason, b.Location, b.InitrdAlignment),
                Is.EqualTo((a.Title, a.Id, string.Join(">", a.SubmenuPath), a.Index, a.FlatIndex, a.Kernel, a.Arguments, a.NotBootableReason, a.Location, a.InitrdAlignment)),
                why);
            Assert.That(b.Initrds, Is.EqualTo(a.Initrds));
            Assert.That(b.Lines, Is.EqualTo(a.Lines));
            Assert.That(chosenOnly.Menu, Is.EqualTo(new[] { b }));
            Assert.That(every.Menu, Has.Member(a));
            Assert.That(chosenOnly.TimeoutSeconds, Is.EqualTo(every.TimeoutSeconds));
        });
    }

    [TestCase("upstream", null)]
    [TestCase("upstream", "2")]
    [TestCase("upstream", "idc")]
    [TestCase("upstream", "1")]
    [TestCase("upstream", "1>1")]
    [TestCase("upstream", "idsub>ids1")]
    [TestCase("upstream", "Sub>S1>x")]
    [TestCase("upstream", "x>>y")]
    [TestCase("upstream", "bogus")]
    [TestCase("el8", "5.10 kernel")]
    [TestCase("el8", "idsub>ids1")]
    [TestCase("el8", "1>1")]
    public void DefaultTable_ChoosesTheSameEntry_AndListsOnlyIt(string flavour, string? defaultValue)
    {
        string set = defaultValue is null ? string.Empty : $"set default='{defaultValue}'\n";
        (BootSelection every, BootSelection chosenOnly) = RunBoth(() => Grub2SelectionTests.TableHarness("chosen-only-table"), set + Grub2SelectionTests.TableMenu, BootConfigOptions.Default with { GrubFlavour = flavour });
        Assert.That(every.Menu, Has.Count.EqualTo(7), "the full listing has every entry and the submenu");
        AssertSameChoice(every, chosenOnly);
    }

    [Test]
    public void Fallback_IsStillWalked_AndTheEntryItReachesIsListed()
    {
        (BootSelection every, BootSelection chosenOnly) = RunBoth(
            () => new Grub2TestHarness("chosen-only-fallback").Kernels("2"), Grub2SelectionTests.FallbackExample);
        Assert.That(chosenOnly.Chosen?.Title, Is.EqualTo("two"));
        Assert.That(chosenOnly.Explanation, Has.Some.Contains("fallback '3' -> 'three' cannot boot either"));
        AssertSameChoice(every, chosenOnly);
    }

    [Test]
    public void NoEntryCanBoot_ListsNothing()
    {
        const string config = """
            menuentry 'zero' { echo nothing; }
            menuentry 'one' { linux /boot/vmlinuz-missing; }
            """;
        (BootSelection every, BootSelection chosenOnly) = RunBoth(() => new Grub2TestHarness("chosen-only-none"), config);
        Assert.That(every.Menu, Has.Count.EqualTo(2));
        AssertSameChoice(every, chosenOnly);
    }

    [Test]
    public void OtherEntriesBodies_AreNotRun()
    {
        // 'other' probes hardware in its body: running it adds a warning, as GRUB would run it only if it were booted.
        const string config = """
            menuentry 'chosen' { linux /boot/vmlinuz-1 quiet; }
            menuentry 'other' { cpuid -l; linux /boot/vmlinuz-1; }
            submenu 'more' { menuentry 'inner' { cpuid -p; linux /boot/vmlinuz-1; } }
            """;
        (BootSelection every, BootSelection chosenOnly) = RunBoth(() => new Grub2TestHarness("chosen-only-bodies").Kernels("1"), config);
        Assert.That(every.Warnings.Count(w => w.Contains("'cpuid' probes hardware")), Is.EqualTo(2), string.Join("\n", every.Warnings));
        Assert.That(chosenOnly.Warnings, Has.None.Contains("cpuid"));
        AssertSameChoice(every, chosenOnly);
    }

    [TestCase(null, "4.18.0-477.el8.x86_64")]
    [TestCase("4.18.0-372.el8.x86_64", "4.18.0-372.el8.x86_64")]
    public void El8BlsEntries_ChooseTheSameEntry(string? saved, string expected)
    {
        Grub2TestHarness Harness()
        {
            Grub2TestHarness h = BlsTests.El8Guest("chosen-only-bls");
            return saved is null ? h : h.File("/boot/grub2/grubenv", global::PvBoot.Grub2.Grubenv.Signature
                + $"saved_entry={BlsTests.MachineId}-{saved}\nkernelopts=root=/dev/mapper/rhel-root ro\n".PadRight(1000, '#'));
        }

        (BootSelection every, BootSelection chosenOnly) = RunBoth(Harness, BlsTests.El8Config, configPath: "/boot/grub2/grub.cfg");
        Assert.That(chosenOnly.Chosen?.Id, Is.EqualTo($"{BlsTests.MachineId}-{expected}"));
        AssertSameChoice(every, chosenOnly);

        BootSelection configless = BlsTests.El8Guest("chosen-only-bls-configless")
            .Parse(new BlsConfigParser(), "/boot/loader/entries", BootConfigOptions.Default with { ListEveryEntry = false });
        Assert.That(configless.Menu.Select(e => e.Id), Is.EqualTo(new[] { $"{BlsTests.MachineId}-4.18.0-477.el8.x86_64" }));
    }

    private static IEnumerable<string> GeneratedConfigs() =>
        ((string[])["generated", "generated-xen"])
            .SelectMany(d => Directory.GetFiles(Path.Combine(Fixtures.RepositoryRoot, "fuzz-corpus", "grub2-cfg", d), "*.cfg"))
            .Select(p => Path.GetRelativePath(Path.Combine(Fixtures.RepositoryRoot, "fuzz-corpus", "grub2-cfg"), p))
            .Order(StringComparer.Ordinal);

    /// <summary>The configurations Debian's and Ubuntu's grub-mkconfig wrote, with every file they load present.</summary>
    [TestCaseSource(nameof(GeneratedConfigs))]
    public void GeneratedConfig_ChoosesTheSameEntry(string name)
    {
        string config = Encoding.Latin1.GetString(File.ReadAllBytes(Path.Combine(Fixtures.RepositoryRoot, "fuzz-corpus", "grub2-cfg", name)));
        Grub2TestHarness Harness()
        {
            var h = new Grub2TestHarness("chosen-only-generated");
            // Every absolute path a loading command names (its first word, and each further initrd or module path).
            foreach (Match line in Regex.Matches(config, @"(?m)^\s*(?:linux|initrd|multiboot2?|module2?)\s+(.*)$"))
            {
                foreach (string word in line.Groups[1].Value.Split(' ', '\t').Where(w => w.StartsWith('/')))
                {
                    h.File(word.StartsWith("/@/", StringComparison.Ordinal) ? word[2..] : word, "bytes of " + word);
                }
            }

            return h;
        }

        (BootSelection every, BootSelection chosenOnly) = RunBoth(Harness, config, BootConfigOptions.Default with { XenModuleAsKernel = name.Contains("xen", StringComparison.Ordinal) });
        Assert.That(every.Chosen, Is.Not.Null, string.Join("\n", every.Explanation.Concat(every.Warnings)));
        Assert.That(every.Menu, Has.Count.GreaterThan(1));
        AssertSameChoice(every, chosenOnly);
    }
}

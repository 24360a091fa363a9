using System.Text;
using System.Text.RegularExpressions;
using PvBoot.Core.Boot;
using PvBoot.Grub2.Evaluation;
using PvBoot.Testing;

namespace PvBoot.Grub2.Tests.Grub2;

/// <summary>
/// PvBoot's choice, kernel, initrds and command line equal what GRUB itself (grub-emu) loads, for the default and for
/// every bootable entry of the generated Debian/Ubuntu configurations and of hand-written tricky ones.
/// </summary>
public sealed partial class GrubEmuDifferentialTests
{
    private static readonly BootConfigOptions EmuOptions = BootConfigOptions.Default with { GrubPlatform = "emu" };

    public static IEnumerable<TestCaseData> GeneratedConfigs() =>
        Directory.EnumerateFiles(Path.Combine(Fixtures.RepositoryRoot, "fuzz-corpus", "grub2-cfg", "generated"), "*.cfg")
            .Order(StringComparer.Ordinal)
            .Select(f => new TestCaseData(Path.GetFileNameWithoutExtension(f)).SetName($"Generated_DefaultAndEveryEntry_MatchGrubEmu({Path.GetFileNameWithoutExtension(f)})"));

    [TestCaseSource(nameof(GeneratedConfigs))]
    public void Generated_DefaultAndEveryEntry_MatchGrubEmu(string name)
    {
        string config = Encoding.Latin1.GetString(File.ReadAllBytes(Path.Combine(Fixtures.RepositoryRoot, "fuzz-corpus", "grub2-cfg", "generated", name + ".cfg")));
        CompareAll(name, config, grubenv: null);
    }

    [TestCase("gnulinux-advanced-0a1b2c3d-1111-2222-3333-444455556666>gnulinux-5.10.0-26-amd64-advanced-0a1b2c3d-1111-2222-3333-444455556666", null)]
    [TestCase("gnulinux-simple-0a1b2c3d-1111-2222-3333-444455556666", "1>3")]
    [TestCase("Advanced options for Debian GNU/Linux>Debian GNU/Linux, with Linux 5.10.0-26-amd64", null)]
    public void SavedAndNextEntry_FromGrubEditenv_MatchGrubEmu(string saved, string? next)
    {
        string config = Encoding.Latin1.GetString(File.ReadAllBytes(Path.Combine(Fixtures.RepositoryRoot, "fuzz-corpus", "grub2-cfg", "generated", "debian-saved-default.cfg")));
        string envFile = Path.Combine(HostDirectoryFileSystem.NewDirectory("editenv"), "grubenv");
        Assert.That(Tool.Run("grub-editenv", [envFile, "create"]).ExitCode, Is.Zero);
        Assert.That(Tool.Run("grub-editenv", [envFile, "set", $"saved_entry={saved}", .. next is null ? Array.Empty<string>() : [$"next_entry={next}"]]).ExitCode, Is.Zero);
        CompareAll("saved", config, Encoding.Latin1.GetString(File.ReadAllBytes(envFile)), defaultOnly: true);
    }

    /// <summary>Ubuntu's recordfail / hwmatch / vt_handoff logic (boot-config-semantics §10).</summary>
    internal const string UbuntuRecordfail = """
        if [ -s $prefix/grubenv ]; then
          set have_grubenv=true
          load_env
        fi
        function recordfail {
          set recordfail=1
          if [ -n "${have_grubenv}" ]; then if [ -z "${boot_once}" ]; then save_env recordfail; fi; fi
        }
        if [ "${recordfail}" = 1 ] ; then
          set timeout=30
        else
          set timeout=0
        fi
        function gfxmode {
          set gfxpayload="${1}"
          if [ "${1}" = "keep" ]; then
            set vt_handoff=vt.handoff=7
          else
            set vt_handoff=
          fi
        }
        if [ "${recordfail}" != 1 ]; then
          if [ -e ${prefix}/grubenv ]; then
            if hwmatch ${prefix}/gfxblacklist.txt 3; then
              if [ ${match} = 0 ]; then
                set linux_gfx_mode=keep
              else
                set linux_gfx_mode=text
              fi
            else
              set linux_gfx_mode=text
            fi
          else
            set linux_gfx_mode=keep
          fi
        else
          set linux_gfx_mode=text
        fi
        export linux_gfx_mode
        menuentry 'Ubuntu' --class ubuntu {
          recordfail
          gfxmode $linux_gfx_mode
          linux /boot/vmlinuz-1 root=UUID=1f2e ro quiet splash $vt_handoff
          initrd /boot/initrd.img-1
        }
        """;

    [TestCase(false)]
    [TestCase(true)]
    public void UbuntuRecordfail_MatchesGrubEmu(bool failedBefore)
    {
        string env = global::PvBoot.Grub2.Grubenv.Signature + (failedBefore ? "recordfail=1\n" : string.Empty);
        CompareAll("recordfail", UbuntuRecordfail, env.PadRight(1024, '#'));
    }

    [TestCase("")]
    [TestCase("bogus")]
    [TestCase("-1")]
    [TestCase("9")]
    [TestCase("010")]
    [TestCase("08")]
    [TestCase(" 2")]
    [TestCase("2 ")]
    [TestCase("0x2")]
    [TestCase("0X3")]
    [TestCase("03")]
    [TestCase("0x")]
    [TestCase("idc")]
    [TestCase("Sub")]
    [TestCase("Sub>bogus")]
    [TestCase("1>5")]
    [TestCase("1>1")]
    [TestCase("idsub>S1")]
    [TestCase("Sub>S1>x")]
    [TestCase("S1")]
    [TestCase("5.10 kernel")]
    [TestCase("x>>y")]
    [TestCase("99999999999999999999")]
    public void DefaultValue_MatchesGrubEmu(string value)
    {
        const string menu = """
            menuentry 'A' --id ida { linux /boot/vmlinuz-1 a; initrd /boot/initrd.img-1; }
            submenu 'Sub' --id idsub {
                menuentry 'S0' --id ids0 { linux /boot/vmlinuz-1 s0; initrd /boot/initrd.img-1; }
                menuentry 'S1' --id ids1 { linux /boot/vmlinuz-1 s1; initrd /boot/initrd.img-1; }
            }
            menuentry 'C' --id idc { linux /boot/vmlinuz-1 c; initrd /boot/initrd.img-1; }
            menuentry '5.10 kernel' --id five { linux /boot/vmlinuz-1 five; initrd /boot/initrd.img-1; }
            menuentry 'x>y' --id xy { linux /boot/vmlinuz-1 xy; initrd /boot/initrd.img-1; }
            """;
        CompareAll("default-value", $"set default='{value}'\n" + menu, grubenv: null, defaultOnly: true);
    }

    [Test]
    public void HandWrittenTrickyConfig_MatchesGrubEmu()
    {
        const string config = """
            set timeout=5
            set default="idsub>1"
            set opts="quiet  splash"
            set plain=notexported
            set exp=exported
            export exp
            function entry {
              menuentry "fn $1" --id "fn-$1" { linux /boot/vmlinuz-1 "$2" x=$plain y=$exp; initrd /boot/initrd.img-1; }
            }
            if nosuchcommand; then entry unknown-is-true; fi
            if [ $unset = 1 ]; then entry unset-equals-true; fi
            menuentry 'A' --id ida { linux /boot/vmlinuz-1 root=/dev/xvda1 ro  acpi_osi="Windows 2009" $opts 'single quoted' a\ b; initrd /boot/initrd.img-1 /boot/initrd.img-2; }
            submenu 'Sub' --id idsub {
              menuentry 'S0' { linux /boot/vmlinuz-2 s0 plain=$plain exp=$exp; initrd /boot/initrd.img-2; }
              menuentry 'S1' { linux /boot/vmlinuz-2 s1 "$opts" ds=nocloud;s=http://x/; initrd /boot/initrd.img-2; }
            }
            for v in 1 2; do
              menuentry "loop $v" { linux /boot/vmlinuz-$v v=$v; initrd /boot/initrd.img-$v; }
            done
            """;
        CompareAll("tricky", config, grubenv: null);
    }

    [Test]
    public void EntriesWithoutInitrd_MatchGrubEmu()
    {
        const string config = """
            set x="two words"
            menuentry 'Plain' --id plain { linux /boot/vmlinuz-1 root=/dev/xvda1 ro; }
            menuentry 'Quoted' { linux /boot/vmlinuz-2 "a  b" c=$x 'd'; }
            submenu 'Sub' {
              menuentry 'Inner' { linux /boot/vmlinuz-1 inner; }
              menuentry 'Inner with initrd' { linux /boot/vmlinuz-1 inner2; initrd /boot/initrd.img-1; }
            }
            menuentry 'Initrd in a false branch' { linux /boot/vmlinuz-2 cond; if [ a = b ]; then initrd /boot/initrd.img-2; fi; }
            """;
        CompareAll("no-initrd", config, grubenv: null);
    }

    [Test]
    public void GeneratedKernelWithoutInitrdImg_PvBootAndGrubLoadNoInitrd()
    {
        string config = Encoding.Latin1.GetString(File.ReadAllBytes(Path.Combine(Fixtures.RepositoryRoot, "fuzz-corpus", "grub2-cfg", "generated", "debian-no-initrd.cfg")));
        var h = new Grub2TestHarness("gen-no-initrd");
        h.File("/boot/vmlinuz-6.1.0-18-amd64", "kernel 18\n").File("/boot/vmlinuz-6.1.0-13-amd64", "kernel 13\n").File("/boot/initrd.img-6.1.0-13-amd64", "initrd 13\n");
        BootSelection pv = h.Run(config, EmuOptions);
        GrubEmuBoot grub = GrubEmu.Boot(config, string.Empty, null, h.Root);
        Assert.That(pv.Chosen, Is.Not.Null, string.Join("\n", pv.Explanation));
        Assert.That(pv.Chosen!.Title, Is.EqualTo("Debian GNU/Linux").And.EqualTo(grub.Title));
        Assert.That(pv.Chosen.Kernel!.Path, Is.EqualTo("/boot/vmlinuz-6.1.0-18-amd64").And.EqualTo(grub.Kernel));
        Assert.That(pv.Chosen.Initrds, Is.Empty);
        Assert.That(grub.Initrds, Is.Empty);
        Assert.That(pv.Chosen.Arguments, Is.EqualTo("root=/dev/xvda1 ro console=hvc0 quiet").And.EqualTo(Grub2Evaluator.CreateLoaderCommandLine(grub.Arguments)));
        BootEntry older = pv.Menu.Single(e => e.Title == "Debian GNU/Linux, with Linux 6.1.0-13-amd64");
        Assert.That(older.Initrds.Select(i => i.Path), Is.EqualTo(new[] { "/boot/initrd.img-6.1.0-13-amd64" }));
    }

    /// <summary>
    /// The menu the fallback cases share: entries 0 and 1 name kernels missing from the image, entry 2 is a submenu whose
    /// own default is its entry 1, entry 3 boots with an initrd, entry 4 without one, entry 5 only chainloads (grub-emu
    /// has no <c>chainloader</c>, nor has GRUB's Xen platform, so it fails there as it does in a PV guest), entry 6 is a
    /// hypervisor <c>multiboot</c> + <c>module</c> entry (no such commands in grub-emu; on GRUB's Xen platform
    /// <c>multiboot</c> loads its file as a PV kernel, which a hypervisor image is not), so it fails as well.
    /// </summary>
    private const string FallbackMenu = """
        menuentry 'A' --id ida { linux /boot/vmlinuz-missing a; initrd /boot/initrd.img-1; }
        menuentry 'B' --id idb { linux /boot/vmlinuz-gone b; initrd /boot/initrd.img-1; }
        submenu 'Sub' --id idsub {
          set default=1
          menuentry 'S0' { linux /boot/vmlinuz-1 s0; initrd /boot/initrd.img-1; }
          menuentry 'S1' { linux /boot/vmlinuz-1 s1; initrd /boot/initrd.img-1; }
        }
        menuentry 'C' --id idc { linux /boot/vmlinuz-1 c; initrd /boot/initrd.img-1; }
        menuentry 'D' --id idd { linux /boot/vmlinuz-2 d; }
        menuentry 'Chain' --id idchain { chainloader +1; }
        menuentry 'Xen' --id idxen { multiboot /boot/vmlinuz-1 dom0_mem=1G; module /boot/vmlinuz-2 root=/dev/xvda1; module /boot/initrd.img-1; }
        """;

    private static readonly string[] FallbackMissing = ["/boot/vmlinuz-missing", "/boot/vmlinuz-gone"];

    /// <summary>
    /// Fallback values: numbers, lists, blanks, text glued to numbers, bases, and ids/titles (Debian's GRUB 2.06 is the
    /// upstream flavour, where a non-number ends the list; the Red Hat flavour's id/title fallback has no emulator here).
    /// </summary>
    private static readonly string[] FallbackValues =
    [
        "3", "4", "2", "1 3", "1 4 3", "1 2", "1\t3", " 1  3 ", "0 3", "1 1 3", "", "1", "3x", "1x 3", "1 x 3", "0x3", "0X3",
        "0x 3", "0x", "03", "-1 3", "4294967299", "idc", "C", "1 idc", "5 3", "5", "6 5 4",
    ];

    private static readonly string[] FallbackDefaults = ["ida", "Sub>S0", "idsub>1", "bogus", "idchain", "5", "idxen", "Xen"];

    private static readonly string[] PastTheEndValues = ["9", "08 3", "010 3", "1 7"];

    /// <summary>
    /// Every fallback configuration runs in grub-emu at once, the first time a case needs one: GRUB waits 2.5 s before each
    /// fallback entry, so one after another they would take minutes; together they take the longest chain's time.
    /// </summary>
    private static readonly Lazy<(string Root, Dictionary<string, GrubEmuBoot> Boots)> FallbackRuns = new(() =>
    {
        string[] configs =
        [
            .. FallbackValues.Select(v => FallbackConfig("0", v)),
            .. FallbackDefaults.Select(d => FallbackConfig(d, "1 4")),
            .. PastTheEndValues.Select(v => FallbackConfig("0", v)),
        ];
        var h = FallbackTree("fallback-grub");
        IReadOnlyList<GrubEmuBoot> boots = GrubEmu.BootAll([.. configs.Select(c => (c, string.Empty, (string?)null))], h.Root);
        return (h.Root, configs.Zip(boots).ToDictionary(p => p.First, p => p.Second));
    });

    private static string FallbackConfig(string defaultValue, string fallback) =>
        $"set default=\"{defaultValue}\"\nset fallback=\"{fallback}\"\n" + FallbackMenu;

    private static Grub2TestHarness FallbackTree(string name)
    {
        var h = new Grub2TestHarness(name);
        foreach (Match m in BootFilePath().Matches(FallbackMenu))
        {
            if (!FallbackMissing.Contains(m.Value))
            {
                h.File(m.Value, m.Value);
            }
        }

        return h;
    }

    private static void CompareFallback(string config)
    {
        GrubEmuBoot grub = FallbackRuns.Value.Boots[config];
        BootSelection pv = FallbackTree("fallback-pv").Run(config, EmuOptions);
        var failures = new List<string>();
        Compare("default", pv.Chosen, grub, failures);
        Assert.That(grub.Attempts, Is.Not.Empty, grub.Output);

        // The entry both tried first: PvBoot names the default it gave up on, GRUB printed "Booting `T'" for it.
        string? gaveUp = pv.Explanation.FirstOrDefault(l => l.Contains("' cannot boot: ", StringComparison.Ordinal));
        if (gaveUp is not null)
        {
            Assert.That(gaveUp, Does.StartWith($"'{grub.Attempts[0]}' cannot boot: "), grub.Output);
        }
        else
        {
            Assert.That(grub.Title, Is.EqualTo(grub.Attempts[^1]), "GRUB fell back where PvBoot did not:\n" + grub.Output);
        }
        Assert.That(failures, Is.Empty, string.Join("\n", failures.Append("PvBoot: " + string.Join(" | ", pv.Explanation))));
    }

    public static IEnumerable<TestCaseData> FallbackValueCases() =>
        FallbackValues.Select(v => new TestCaseData(v).SetName($"Fallback_DefaultKernelMissing_MatchesGrubEmu(\"{v.Replace("\t", "\\t", StringComparison.Ordinal)}\")"));

    [TestCaseSource(nameof(FallbackValueCases))]
    public void Fallback_DefaultKernelMissing_MatchesGrubEmu(string fallback) => CompareFallback(FallbackConfig("0", fallback));

    [TestCaseSource(nameof(FallbackDefaults))]
    public void Fallback_DefaultByIdOrPath_MatchesGrubEmu(string defaultValue) => CompareFallback(FallbackConfig(defaultValue, "1 4"));

    /// <summary>
    /// A fallback number past the last top-level entry: grub-emu 2.06 passes the missing entry on unchecked and dies
    /// (SIGSEGV) before trying anything else, so no GRUB choice exists to copy; PvBoot ends the list there and boots
    /// nothing. (The test asserts GRUB crashed right after the entries before that number, so that a GRUB which handled
    /// the case would make it fail and be compared instead.)
    /// </summary>
    [TestCaseSource(nameof(PastTheEndValues))]
    public void Fallback_PastTheLastEntry_GrubEmuCrashes_PvBootBootsNothing(string fallback)
    {
        string config = FallbackConfig("0", fallback);
        GrubEmuBoot grub = FallbackRuns.Value.Boots[config];
        BootSelection pv = FallbackTree("fallback-past").Run(config, EmuOptions);
        Assert.That(grub.Crashed, Is.True, grub.Output);
        Assert.That(grub.Kernel, Is.Empty, grub.Output);
        Assert.That(pv.Chosen, Is.Null, string.Join("\n", pv.Explanation));
        Assert.That(pv.Explanation, Has.Some.Contains("past the last top-level entry"));
    }

    /// <summary>
    /// A default entry whose initrd is missing. GRUB's <c>initrd</c> then fails as a whole but leaves the kernel's loader
    /// in place (<c>loader/i386/xen.c</c> and <c>linux.c</c> only return the error), so after its error prompt GRUB boots
    /// the kernel with no initrd and never reaches <c>fallback</c>. PvBoot departs from that on purpose: the behavioural
    /// spec (boot-config-semantics §2.9, §3.4) counts a missing initrd as an entry that cannot boot, because a
    /// distribution kernel started without its initrd cannot mount its root file system, so PvBoot moves on to the
    /// fallback entry and explains why. Both halves are asserted, so a change on either side shows up here.
    /// </summary>
    [Test]
    public void MissingInitrd_GrubBootsTheKernelAlone_PvBootAppliesFallback()
    {
        const string config = """
            set default=0
            set fallback=1
            menuentry 'A' { linux /boot/vmlinuz-1 a; initrd /boot/initrd.img-1 /boot/initrd-missing.img; }
            menuentry 'B' { linux /boot/vmlinuz-2 b; initrd /boot/initrd.img-2; }
            """;
        var h = new Grub2TestHarness("missing-initrd").Kernels("1", "2");
        GrubEmuBoot grub = GrubEmu.Boot(config, string.Empty, null, h.Root);
        Assert.That(grub.Title, Is.EqualTo("A"), grub.Output);
        Assert.That(grub.Initrds, Is.Empty);
        Assert.That(grub.MissingInitrds, Is.EqualTo(new[] { "/boot/initrd-missing.img" }));
        Assert.That(grub.Attempts, Is.EqualTo(new[] { "A" }));

        BootSelection pv = h.Run(config, EmuOptions);
        Assert.That(pv.Chosen?.Title, Is.EqualTo("B"), string.Join("\n", pv.Explanation));
        Assert.That(pv.Explanation, Has.Some.Contains("'A' cannot boot").And.Contains("initrd-missing.img not found"));
    }

    [TestCase("debian-no-submenu", "6.1.0-18-amd64", "1")]
    [TestCase("debian-no-initrd", "6.1.0-18-amd64", "1")]
    public void GeneratedDefaultKernelMissing_FallbackMatchesGrubEmu(string name, string removed, string fallback)
    {
        string config = Encoding.Latin1.GetString(File.ReadAllBytes(Path.Combine(Fixtures.RepositoryRoot, "fuzz-corpus", "grub2-cfg", "generated", name + ".cfg")));
        CompareAll("gen-fallback", config + $"\nset fallback=\"{fallback}\"\n", grubenv: null, missing: [$"/boot/vmlinuz-{removed}"]);
    }

    private static void CompareAll(string name, string config, string? grubenv, bool defaultOnly = false, IReadOnlyCollection<string>? missing = null)
    {
        var h = new Grub2TestHarness("diff-" + name);
        foreach (Match m in BootFilePath().Matches(config))
        {
            if (missing is null || !missing.Contains(m.Value))
            {
                h.File(m.Value, m.Value);
            }
        }

        if (missing is null)
        {
            h.Kernels("1", "2");
        }

        // An empty block when the test gives none: both sides read the same file, and grub-emu's save_env finds one.
        grubenv ??= global::PvBoot.Grub2.Grubenv.Signature.PadRight(1024, '#');
        h.File("/boot/grub/grubenv", grubenv);

        var cases = new List<(string What, BootSelection PvBoot)> { ("default", h.Run(config, EmuOptions)) };
        var runs = new List<(string Config, string Epilogue, string? Grubenv)> { (config, string.Empty, grubenv) };
        if (!defaultOnly)
        {
            foreach (BootEntry entry in cases[0].PvBoot.Menu.Where(e => e.IsBootable))
            {
                string path = PathTo(cases[0].PvBoot, entry);
                runs.Add((config, $"set default=\"{path}\"", grubenv));
                cases.Add(($"default={path}", h.Run(config + $"\nset default=\"{path}\"\n", EmuOptions)));
            }
        }

        IReadOnlyList<GrubEmuBoot> grub = GrubEmu.BootAll(runs, h.Root);
        var failures = new List<string>();
        for (int i = 0; i < cases.Count; i++)
        {
            Compare(cases[i].What, cases[i].PvBoot.Chosen, grub[i], failures);
        }

        Assert.That(failures, Is.Empty, string.Join("\n", failures));
    }

    private static string PathTo(BootSelection selection, BootEntry entry)
    {
        var parts = new List<int>();
        for (int depth = 0; depth < entry.SubmenuPath.Count; depth++)
        {
            BootEntry submenu = selection.Menu.First(e => e.Title == entry.SubmenuPath[depth] && e.SubmenuPath.SequenceEqual(entry.SubmenuPath.Take(depth)));
            parts.Add(submenu.Index);
        }

        parts.Add(entry.Index);
        return string.Join('>', parts);
    }

    private static void Compare(string what, BootEntry? pv, GrubEmuBoot grub, List<string> failures)
    {
        if (pv is null || grub.Kernel.Length == 0)
        {
            if (pv is not null || grub.Kernel.Length != 0)
            {
                failures.Add($"{what}: PvBoot chose '{pv?.Title}', GRUB booted '{grub.Title}' (GRUB tried {string.Join(", ", grub.Attempts)})");
            }

            return;
        }

        string grubArgs = Grub2Evaluator.CreateLoaderCommandLine(grub.Arguments);
        // Where the entry's argument text is plain, PvBoot passes it raw (pygrub's bytes, blank runs kept); GRUB collapses them.
        string? linuxLine = pv.Lines.FirstOrDefault(l => l.StartsWith("linux", StringComparison.Ordinal));
        bool raw = linuxLine is not null && linuxLine.IndexOfAny(['"', '\'', '\\', '$', ';', '#']) < 0;
        string pvArgs = raw ? Blanks().Replace(pv.Arguments, " ") : pv.Arguments;
        string pvKernel = pv.Kernel!.Path;
        string grubKernel = DevicePrefix().Replace(grub.Kernel, string.Empty);
        var grubInitrds = grub.Initrds.Select(i => DevicePrefix().Replace(i, string.Empty)).ToList();
        if (pv.Title != grub.Title || pvKernel != grubKernel || pvArgs != grubArgs || !pv.Initrds.Select(i => i.Path).SequenceEqual(grubInitrds))
        {
            failures.Add($"{what}: PvBoot '{pv.Title}' {pvKernel} [{pvArgs}] {string.Join(' ', pv.Initrds)}; GRUB '{grub.Title}' {grubKernel} [{grubArgs}] {string.Join(' ', grubInitrds)} (GRUB tried {string.Join(", ", grub.Attempts)})");
        }
    }

    [GeneratedRegex(@"/[A-Za-z0-9@._+/-]*(?:vmlinuz|initrd)[A-Za-z0-9._+-]*")]
    private static partial Regex BootFilePath();

    [GeneratedRegex(@"^\([^)]*\)")]
    private static partial Regex DevicePrefix();

    [GeneratedRegex(@"[ \t]+")]
    private static partial Regex Blanks();
}

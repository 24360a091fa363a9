using System.Text;
using PvBoot.Core.Boot;
using PvBoot.Grub2.Evaluation;
using PvBoot.Testing;

namespace PvBoot.Grub2.Tests.Grub2;

/// <summary>
/// Xen dom0 entries written by Debian's real <c>/etc/grub.d/20_linux_xen</c> (fuzz-corpus/grub2-cfg/generate.sh,
/// <c>generated-xen/</c>): not bootable by default, so the fallback applies; with
/// <see cref="BootConfigOptions.XenModuleAsKernel"/> module 1 is the kernel and module 2 the initrd (boot-config-semantics §4.5).
/// </summary>
public sealed class XenDom0KernelTests
{
    private const string Version = "6.1.0-18-amd64";
    private const string XenTitle = "Debian GNU/Linux, with Xen hypervisor";

    private static readonly BootConfigOptions XenOn = BootConfigOptions.Default with { XenModuleAsKernel = true };

    /// <summary>grub-emu has no multiboot loader: these functions print what <c>multiboot*</c>/<c>module*</c> get and halt after module 2.</summary>
    private const string EmuXenPrelude = """
        function multiboot2 { echo "PVB-HYPERVISOR [$1]"; set pvb_modules=0; }
        function multiboot { multiboot2 "$@"; }
        function module2 {
          if [ "$1" = "--nounzip" ]; then shift; fi
          echo "PVB-MODULE [$1]"; shift
          while [ "$#" != 0 ]; do echo "PVB-MODARG [$1]"; shift; done
          echo PVB-MODEND
          if [ "$pvb_modules" = 1 ]; then halt; fi
          set pvb_modules=1
        }
        function module { module2 "$@"; }

        """;

    private static string Generated(string name) =>
        Encoding.Latin1.GetString(File.ReadAllBytes(Path.Combine(Fixtures.RepositoryRoot, "fuzz-corpus", "grub2-cfg", "generated-xen", name + ".cfg")));

    private static Grub2TestHarness Guest(string name) =>
        new Grub2TestHarness(name).Kernels(Version).File("/boot/xen-4.17-amd64.gz", "xen 4.17\n");

    [TestCase("debian-xen-multiboot2", "multiboot2")]
    [TestCase("debian-xen-multiboot", "multiboot")]
    public void GeneratedXenDefault_OptionOff_IsNotBootableAndNothingIsChosenWithoutFallback(string name, string loader)
    {
        string config = Generated(name);
        Assert.That(config, Does.Contain($"\t{loader}\t/boot/xen-4.17-amd64.gz placeholder"), "20_linux_xen chose the loader from the hypervisor's header");

        BootSelection s = Guest("xen-off-" + name).Run(config);

        BootEntry xen = s.Menu.Single(e => e.Title == XenTitle);
        Assert.Multiple(() =>
        {
            Assert.That(xen.IsBootable, Is.False);
            Assert.That(xen.NotBootableReason, Does.Contain($"{loader} loads a hypervisor (a Xen dom0 entry)"));
            Assert.That(s.Chosen, Is.Null);
            Assert.That(s.Explanation, Has.Some.Contains($"'{XenTitle}' cannot boot"));
            Assert.That(s.Explanation, Has.Some.Contains("no fallback is set"));
        });
    }

    [Test]
    public void GeneratedXenDefault_OptionOff_FallbackBootsTheFirstLinuxEntry()
    {
        BootSelection s = Guest("xen-off-fallback").Run(Generated("debian-xen-multiboot2") + "\nset fallback=0\n");

        Assert.That(s.Chosen, Is.Not.Null, string.Join("\n", s.Explanation));
        Assert.Multiple(() =>
        {
            Assert.That(s.Chosen!.Title, Is.EqualTo("Debian GNU/Linux"));
            Assert.That(s.Chosen.Kernel, Is.EqualTo(new BootFile(null, $"/boot/vmlinuz-{Version}")));
            Assert.That(s.Explanation, Has.Some.Contains("fallback '0' -> 'Debian GNU/Linux' boots"));
        });
    }

    [TestCase("debian-xen-multiboot2", "root=/dev/xvda1 ro quiet")]
    [TestCase("debian-xen-multiboot", "root=/dev/xvda1 ro console=hvc0 quiet")]
    public void GeneratedXenDefault_OptionOn_BootsModuleOneAsKernelWithoutTheNameAndModuleTwoAsInitrd(string name, string arguments)
    {
        BootSelection s = Guest("xen-on-" + name).Run(Generated(name), XenOn);

        Assert.That(s.Chosen, Is.Not.Null, string.Join("\n", s.Explanation));
        Assert.Multiple(() =>
        {
            Assert.That(s.Chosen!.Title, Is.EqualTo(XenTitle));
            Assert.That(s.Chosen.Kernel, Is.EqualTo(new BootFile(null, $"/boot/vmlinuz-{Version}")));
            Assert.That(s.Chosen.Arguments, Is.EqualTo(arguments));
            Assert.That(s.Chosen.Initrds, Is.EqualTo(new[] { new BootFile(null, $"/boot/initrd.img-{Version}") }));
            Assert.That(s.Explanation, Has.Some.Contains($"'{XenTitle}' is a Xen hypervisor entry").And.Contains("booted through its dom0 kernel because option XenModuleAsKernel is on"));
            Assert.That(s.Explanation, Has.Some.Contains("'placeholder', is the module's name, not a kernel argument"));
        });
    }

    [TestCase("debian-xen-multiboot2")]
    [TestCase("debian-xen-multiboot")]
    public void GeneratedXenEntries_OptionOn_MatchWhatGrubEmuPassesToTheModules(string name)
    {
        string config = Generated(name);
        Grub2TestHarness h = Guest("xen-emu-" + name);
        BootSelection menu = h.Run(config, XenOn);
        var xenEntries = menu.Menu.Where(e => e.IsBootable && e.Lines.Any(l => l.TrimStart().StartsWith("multiboot", StringComparison.Ordinal))).ToList();
        Assert.That(xenEntries, Has.Count.EqualTo(2), "the simple entry and the one in the Xen submenu");

        var failures = new List<string>();
        foreach (BootEntry entry in xenEntries)
        {
            string path = string.Join('>', PathIndexes(menu, entry));
            GrubEmuBoot grub = GrubEmu.Boot(config, $"set default=\"{path}\"", null, h.Root, EmuXenPrelude);
            List<(string File, List<string> Arguments)> modules = Modules(grub.Output);
            BootEntry pv = h.Run(config + $"\nset default=\"{path}\"\n", XenOn).Chosen!;
            if (modules.Count != 2)
            {
                failures.Add($"{path}: grub-emu loaded {modules.Count} modules:\n{grub.Output}");
                continue;
            }

            // Module 1's command line as GRUB builds it, minus its first word (the name); module 2's file.
            string grubArguments = Grub2Evaluator.CreateLoaderCommandLine(modules[0].Arguments.Skip(1));
            // The stand-in module functions load no Linux kernel, so GRUB's entry is the last one it started to boot.
            string grubTitle = grub.Attempts.LastOrDefault() ?? string.Empty;
            if (pv.Title != grubTitle || pv.Kernel!.Path != modules[0].File || pv.Arguments != grubArguments
                || pv.Initrds.Single().Path != modules[1].File || modules[0].Arguments.FirstOrDefault() != "placeholder")
            {
                failures.Add($"{path}: PvBoot '{pv.Title}' {pv.Kernel} [{pv.Arguments}] {string.Join(' ', pv.Initrds)}; " +
                    $"GRUB '{grubTitle}' {modules[0].File} [{string.Join(' ', modules[0].Arguments)}] {modules[1].File}");
            }
        }

        Assert.That(failures, Is.Empty, string.Join("\n", failures));
    }

    [Test]
    public void HandWritten_NounzipOnlyAsFirstArgument_QuotedArguments_AndAnUnusedThirdModule()
    {
        const string config = """
            set default=0
            menuentry 'xen' {
              multiboot2 /boot/xen-4.17-amd64.gz placeholder dom0_mem=512M
              module2 --nounzip /boot/vmlinuz-6.1.0-18-amd64 dom0 root=/dev/xvda1 "acpi_osi=Windows 2009" ro
              module2 /boot/initrd.img-6.1.0-18-amd64
              module2 /boot/xenpolicy-4.17
            }
            """;
        BootSelection s = Guest("xen-hand").Run(config, XenOn);

        Assert.That(s.Chosen, Is.Not.Null, string.Join("\n", s.Explanation));
        Assert.Multiple(() =>
        {
            Assert.That(s.Chosen!.Kernel, Is.EqualTo(new BootFile(null, $"/boot/vmlinuz-{Version}")));
            Assert.That(s.Chosen.Arguments, Is.EqualTo("root=/dev/xvda1 \"acpi_osi=Windows 2009\" ro"));
            Assert.That(s.Chosen.Initrds, Is.EqualTo(new[] { new BootFile(null, $"/boot/initrd.img-{Version}") }));
            Assert.That(s.Explanation, Has.Some.Contains("module 3 (/boot/xenpolicy-4.17) and any later module are not used"));
        });
    }

    [Test]
    public void HandWritten_ModuleWithoutHypervisor_LinuxAfterMultiboot_AndMissingPieces()
    {
        const string config = """
            set default=0
            menuentry 'no module' { multiboot2 /boot/xen-4.17-amd64.gz placeholder; }
            menuentry 'missing initrd' {
              multiboot2 /boot/xen-4.17-amd64.gz placeholder
              module2 /boot/vmlinuz-6.1.0-18-amd64 placeholder ro
              module2 --nounzip /boot/initrd.img-missing
            }
            menuentry 'missing hypervisor' { multiboot2 /boot/xen-missing.gz; module2 /boot/vmlinuz-6.1.0-18-amd64 placeholder ro; }
            menuentry 'linux wins' {
              multiboot2 /boot/xen-4.17-amd64.gz placeholder
              module2 /boot/vmlinuz-6.1.0-18-amd64 placeholder xen
              linux /boot/vmlinuz-6.1.0-18-amd64 root=/dev/xvda1 plain
              module2 /boot/initrd.img-6.1.0-18-amd64
              initrd /boot/initrd.img-6.1.0-18-amd64
            }
            """;
        BootSelection s = Guest("xen-edges").Run(config, XenOn);

        Assert.Multiple(() =>
        {
            Assert.That(s.Menu[0].NotBootableReason, Does.Contain("loads no module to boot as the dom0 kernel"));
            Assert.That(s.Menu[1].NotBootableReason, Does.Contain("initrd (module 2) (hd0,msdos1)/boot/initrd.img-missing not found"));
            Assert.That(s.Menu[2].NotBootableReason, Does.Contain("hypervisor (hd0,msdos1)/boot/xen-missing.gz not found"));
            Assert.That(s.Menu[3].IsBootable, Is.True);
            Assert.That(s.Menu[3].Arguments, Is.EqualTo("root=/dev/xvda1 plain"), "linux replaces the multiboot loader; a later module2 fails");
            Assert.That(s.Menu[3].Initrds, Is.EqualTo(new[] { new BootFile(null, $"/boot/initrd.img-{Version}") }));
        });
    }

    private static List<int> PathIndexes(BootSelection selection, BootEntry entry)
    {
        var parts = new List<int>();
        for (int depth = 0; depth < entry.SubmenuPath.Count; depth++)
        {
            BootEntry submenu = selection.Menu.First(e => e.Title == entry.SubmenuPath[depth] && e.SubmenuPath.SequenceEqual(entry.SubmenuPath.Take(depth)));
            parts.Add(submenu.Index);
        }

        parts.Add(entry.Index);
        return parts;
    }

    private static List<(string File, List<string> Arguments)> Modules(string output)
    {
        var modules = new List<(string, List<string>)>();
        foreach (string line in output.Split('\n'))
        {
            if (line.StartsWith("PVB-MODULE [", StringComparison.Ordinal) && line.EndsWith(']'))
            {
                modules.Add((line["PVB-MODULE [".Length..^1], []));
            }
            else if (line.StartsWith("PVB-MODARG [", StringComparison.Ordinal) && line.EndsWith(']') && modules.Count > 0)
            {
                modules[^1].Item2.Add(line["PVB-MODARG [".Length..^1]);
            }
        }

        return modules;
    }
}

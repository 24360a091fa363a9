using PvBoot.Core.Boot;
using PvBoot.Grub2.Bls;
using PvBoot.Grub2.Evaluation;

namespace PvBoot.Grub2.Tests.Grub2;

/// <summary>BootLoaderSpec entries and <c>blscfg</c> (boot-config-semantics §6, §10).</summary>
public sealed class BlsTests
{
    internal const string MachineId = "6a9857a393724b7a981ebb5b8495b9ea";

    [TestCase("5.14.0-162.el9", "5.14.0-70.el9", 1)]
    [TestCase("1.0", "1.0", 0)]
    [TestCase("1.0~rc1", "1.0", -1)]
    [TestCase("1.0", "1.0a", -1)]
    [TestCase("1.0010", "1.9", 1)]
    [TestCase("2.0", "2_0", 0)]
    [TestCase("1.0.x86_64+debug", "1.0.x86_64", 1)]
    [TestCase("a", "1", -1)]
    [TestCase("1.0", "1.0.1", -1)]
    public void RpmVersionCompare(string a, string b, int expected)
    {
        Assert.That(RpmVersion.Compare(a, b), Is.EqualTo(expected));
        Assert.That(RpmVersion.Compare(b, a), Is.EqualTo(-expected));
    }

    [Test]
    public void FedoraOrder_NewestFirst_DebugBeforePlain_RescueLast()
    {
        var explanation = new List<string>();
        var entries = new[] { "0-rescue", "5.14.0-70.el9.x86_64", "5.14.0-162.el9.x86_64", "5.14.0-162.el9.x86_64+debug" }
            .Select(v => BlsEntry.Parse($"{MachineId}-{v}", $"/loader/entries/{MachineId}-{v}.conf", "linux /vmlinuz\n", 10, []))
            .ToList();
        List<BlsEntry> ordered = BlsOrdering.Sort(entries, Grub2Flavour.Fedora, explanation);
        Assert.That(ordered.Select(e => e.Id[(MachineId.Length + 1)..]), Is.EqualTo(new[]
        {
            "5.14.0-162.el9.x86_64+debug", "5.14.0-162.el9.x86_64", "5.14.0-70.el9.x86_64", "0-rescue",
        }));
    }

    [Test]
    public void BlsExpander_ValuePlusOneSpace_UnsetVanishes_BracesNotUnderstood()
    {
        var vars = new Dictionary<string, string> { ["kernelopts"] = "root=/dev/mapper/rhel-root ro", ["x"] = "X" };
        string? Lookup(string n) => vars.TryGetValue(n, out string? v) ? v : null;
        Assert.That(Grub2Evaluator.ExpandBlsValue("$kernelopts $tuned_params", Lookup), Is.EqualTo("root=/dev/mapper/rhel-root ro "));
        Assert.That(Grub2Evaluator.ExpandBlsValue("a=1 $x b=2", Lookup), Is.EqualTo("a=1 X b=2"));
        Assert.That(Grub2Evaluator.ExpandBlsValue("${x} c", Lookup), Is.EqualTo("{x} c"));
    }

    [Test]
    public void BlankLine_EndsTheEntryFile()
    {
        BlsEntry e = BlsEntry.Parse("id", "/x.conf", "title T\r\nlinux /vmlinuz\noptions a\n\noptions b\ninitrd /late\n", 10, []);
        Assert.That(e.All("options"), Is.EqualTo(new[] { "a" }));
        Assert.That(e.First("initrd"), Is.Null);
        Assert.That(BlsEntry.Parse("id", "/x.conf", "  linux\t/vmlinuz\n", 10, []).First("linux"), Is.EqualTo("/vmlinuz"));
        Assert.That(BlsEntry.Parse("id", "/x.conf", "linux\t/v mm\n", 10, []).First("linux\t/v"), Is.EqualTo("mm"), "the key ends at the first space of the line");
    }

    internal static Grub2TestHarness El8Guest(string name)
    {
        var h = new Grub2TestHarness(name);
        foreach (string v in (string[])["4.18.0-372.el8.x86_64", "4.18.0-477.el8.x86_64"])
        {
            h.File($"/boot/vmlinuz-{v}", v).File($"/boot/initramfs-{v}.img", v);
            h.File($"/boot/loader/entries/{MachineId}-{v}.conf", $"""
                title Red Hat Enterprise Linux ({v}) 8.8 (Ootpa)
                version {v}
                linux /boot/vmlinuz-{v}
                initrd /boot/initramfs-{v}.img $tuned_initrd
                options $kernelopts $tuned_params
                id rhel-20230101-{v}
                grub_users $grub_users
                grub_arg --unrestricted
                grub_class kernel

                """);
        }

        return h.File("/etc/os-release", "NAME=\"Red Hat Enterprise Linux\"\nID=\"rhel\"\nVERSION_ID=\"8.8\"\n");
    }

    internal const string El8Config = """
        set pager=1
        if [ -f ${config_directory}/grubenv ]; then
          load_env -f ${config_directory}/grubenv
        elif [ -s $prefix/grubenv ]; then
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
        set root='hd0,msdos1'
        if [ -z "${kernelopts}" ]; then
          set kernelopts="root=/dev/mapper/rhel-root ro crashkernel=auto rhgb quiet "
        fi
        insmod blscfg
        blscfg

        """;

    [Test]
    public void El8_SavedEntryIsABlsId_KerneloptsFromGrubenv()
    {
        Grub2TestHarness h = El8Guest("el8");
        h.File("/boot/grub2/grubenv", global::PvBoot.Grub2.Grubenv.Signature
            + $"saved_entry={MachineId}-4.18.0-372.el8.x86_64\nkernelopts=root=/dev/mapper/rhel-root ro resume=/dev/mapper/rhel-swap\n".PadRight(1000, '#'));
        BootSelection s = h.Run(El8Config, configPath: "/boot/grub2/grub.cfg");
        Assert.That(s.Explanation, Has.Some.StartsWith("flavour el8"));
        Assert.That(s.Menu.Select(e => e.Id), Is.EqualTo(new[] { $"{MachineId}-4.18.0-477.el8.x86_64", $"{MachineId}-4.18.0-372.el8.x86_64" }));
        Assert.That(s.Chosen?.Id, Is.EqualTo($"{MachineId}-4.18.0-372.el8.x86_64"), "upstream would read the id as the number 6; EL8 matches ids first");
        Assert.That(s.Chosen?.Kernel, Is.EqualTo(new BootFile(null, "/boot/vmlinuz-4.18.0-372.el8.x86_64")));
        Assert.That(s.Chosen?.Initrds, Is.EqualTo(new[] { new BootFile(null, "/boot/initramfs-4.18.0-372.el8.x86_64.img") }));
        Assert.That(s.Chosen?.Arguments, Is.EqualTo("root=/dev/mapper/rhel-root ro resume=/dev/mapper/rhel-swap"));
        Assert.That(s.Chosen?.FlatIndex, Is.EqualTo(-1), "pygrub lists no BLS entries");
    }

    [Test]
    public void El8_NoGrubenv_FallbackKerneloptsFromTheConfig()
    {
        BootSelection s = El8Guest("el8-nogrubenv").Run(El8Config, configPath: "/boot/grub2/grub.cfg");
        Assert.That(s.Chosen?.Title, Is.EqualTo("Red Hat Enterprise Linux (4.18.0-477.el8.x86_64) 8.8 (Ootpa)"));
        Assert.That(s.Chosen?.Arguments, Is.EqualTo("root=/dev/mapper/rhel-root ro crashkernel=auto rhgb quiet"));
    }

    [Test]
    public void BlscfgArguments_SelectEntries_AndAddEachEntryOnce()
    {
        string older = $"{MachineId}-4.18.0-372.el8.x86_64", newer = $"{MachineId}-4.18.0-477.el8.x86_64";
        BootSelection s = El8Guest("bls-args").Run(
            "set root='hd0,msdos1'\n"
            + $"set default={older}\n"
            + "blscfg default\n"
            + "menuentry middle { linux /boot/vmlinuz-4.18.0-372.el8.x86_64; }\n"
            + "blscfg non-default\nblscfg\nblscfg (hd0,msdos1)/boot/loader/entries\n",
            BootConfigOptions.Default with { GrubFlavour = "el8" });
        Assert.That(s.Menu.Select(e => e.Id), Is.EqualTo(new[] { older, "middle", newer }));
    }

    [Test]
    public void ConfiglessBls_SavedEntryFromGrubenv_ElseFirst()
    {
        Grub2TestHarness h = El8Guest("bls-only");
        BootSelection first = h.Parse(new BlsConfigParser(), "/boot/loader/entries");
        Assert.That(first.ConfigFormat, Is.EqualTo("bls"));
        Assert.That(first.Chosen?.Id, Is.EqualTo($"{MachineId}-4.18.0-477.el8.x86_64"));
        Assert.That(first.Chosen?.Arguments, Is.Empty, "without kernelopts the kernel gets no root=");

        h.File("/boot/grub2/grubenv", global::PvBoot.Grub2.Grubenv.Signature + $"saved_entry={MachineId}-4.18.0-372.el8.x86_64\nkernelopts=root=UUID=abc ro\n");
        BootSelection saved = h.Parse(new BlsConfigParser(), "/boot/loader/entries");
        Assert.That(saved.Chosen?.Id, Is.EqualTo($"{MachineId}-4.18.0-372.el8.x86_64"));
        Assert.That(saved.Chosen?.Arguments, Is.EqualTo("root=UUID=abc ro"));
    }
}

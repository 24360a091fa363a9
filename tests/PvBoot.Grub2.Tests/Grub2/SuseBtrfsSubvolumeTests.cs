using System.Security.Cryptography;
using PvBoot.Core.BlockSources;
using PvBoot.Core.Boot;
using PvBoot.Core.FileSystems;
using PvBoot.FileSystems;
using PvBoot.Testing;

namespace PvBoot.Grub2.Tests.Grub2;

/// <summary>
/// SUSE's btrfs variables (boot-config-semantics §2.5, §10) against the btrfs-suse image: subvolume @ with the snapper
/// snapshot @/.snapshots/1/snapshot as the default subvolume, an older snapshot 2, and decoy /boot files at the top
/// level. SUSE's GRUB (grub2-btrfs-*.patch, grub-core/fs/btrfs.c) resolves paths in the default subvolume when
/// btrfs_relative_path starts with y or 1, in the subvolume btrfs_subvol/btrfs_subvolid select when set; upstream GRUB
/// always starts at the top level (id 5), which grub-fstest, an upstream build, shows.
/// </summary>
public sealed class SuseBtrfsSubvolumeTests
{
    private const string Uuid = "5e3a1f00-0000-4000-8000-00000000b103";
    private const string BtrfsDevice = "hd1,gpt2";
    private const string Current = "6.4.0-150600.23-default";
    private const string Older = "6.4.0-150600.21-default";
    private const string SuseHeader = """
        set btrfs_relative_path="y"
        export btrfs_relative_path
        search --no-floppy --fs-uuid --set=root 5e3a1f00-0000-4000-8000-00000000b103

        """;

    private static ManifestEntry Manifest(string path) => Fixtures.Manifest("btrfs-suse").Single(m => m.Path == path);

    private static string Snapshot(int number, string file) => $"/@/.snapshots/{number}/snapshot{file}";

    private static IFileSystemReader OpenImage()
    {
        var source = new FileBlockSource(Fixtures.Image("btrfs-suse"));
        return FileSystemProbes.TryOpen(source) ?? throw new AssertionException("btrfs-suse holds no file system PvBoot reads");
    }

    /// <summary>Evaluates a configuration held on a separate device, with the btrfs image as (hd1,gpt2).</summary>
    private static (BootSelection Selection, IFileSystemReader Btrfs) Run(string config, string name)
    {
        IFileSystemReader btrfs = OpenImage();
        var harness = new Grub2TestHarness(name);
        harness.Devices.Add(BtrfsDevice, btrfs);
        return (harness.Run(config), btrfs);
    }

    private static string Sha256Of(IFileSystemReader fs, string path)
    {
        FileSystemEntry entry = fs.Lookup(PathBytes.FromConfigText(path)) ?? throw new AssertionException($"{path} is missing");
        using var buffer = new MemoryStream();
        fs.CopyTo(entry, buffer);
        return Convert.ToHexStringLower(SHA256.HashData(buffer.ToArray()));
    }

    private static void AssertLoads(BootEntry entry, IFileSystemReader btrfs, string kernelPath, string initrdPath)
    {
        Assert.That(entry.NotBootableReason, Is.Null);
        Assert.That(entry.Kernel, Is.EqualTo(new BootFile(BtrfsDevice, kernelPath)));
        Assert.That(entry.Initrds, Is.EqualTo(new[] { new BootFile(BtrfsDevice, initrdPath) }));
        Assert.That(Sha256Of(btrfs, entry.Kernel!.Path), Is.EqualTo(Manifest(kernelPath).Sha256));
        Assert.That(Sha256Of(btrfs, entry.Initrds[0].Path), Is.EqualTo(Manifest(initrdPath).Sha256));
    }

    private static ulong SubvolumeOf(IFileSystemReader btrfs, string path)
        => ((ISubvolumeFileSystem)btrfs).FindSubvolume(PathBytes.FromConfigText(path)) ?? throw new AssertionException($"{path} is not a subvolume");

    [Test]
    public void Image_DefaultSubvolumeIsSnapshotOne_AsBtrfsProgsSetIt()
    {
        // The fixture's premise, checked with the reader's public view of it and against btrfs-progs' own answer.
        IFileSystemReader btrfs = OpenImage();
        var subvolumes = (ISubvolumeFileSystem)btrfs;
        ulong snapshot1 = SubvolumeOf(btrfs, "/@/.snapshots/1/snapshot");
        Assert.That(subvolumes.SubvolumeId, Is.EqualTo(5UL));
        Assert.That(subvolumes.DefaultSubvolumeId, Is.EqualTo(snapshot1));
        Assert.That(PathBytes.ToDisplayString(subvolumes.SubvolumePath(snapshot1)), Is.EqualTo("/@/.snapshots/1/snapshot"));
        Assert.That(PathBytes.ToDisplayString(subvolumes.SubvolumePath(5)), Is.EqualTo("/"));
        Assert.That(subvolumes.SubvolumePath(4242), Is.Null);
        Assert.That(subvolumes.OpenSubvolume(4242), Is.Null);
        Assert.That(subvolumes.FindSubvolume("/@/.snapshots"u8), Is.Null, "a plain directory is no subvolume");
        if (Tool.Exists("btrfs"))
        {
            ToolResult list = Tool.Run("btrfs", ["inspect-internal", "dump-tree", "-t", "root", Fixtures.Image("btrfs-suse")]);
            string dump = System.Text.Encoding.UTF8.GetString(list.Stdout);
            Assert.That(dump, Does.Contain($"location key ({snapshot1} ROOT_ITEM"), "the root tree's 'default' entry names snapshot 1");
        }
    }

    [Test]
    public void SuseHeader_RelativePath_KernelAndInitrdComeFromTheDefaultSubvolume()
    {
        (BootSelection s, IFileSystemReader btrfs) = Run(SuseHeader + $$"""
            menuentry 'openSUSE Leap 15.6' --class opensuse {
              insmod btrfs
              search --no-floppy --fs-uuid --set=root {{Uuid}}
              linux /boot/vmlinuz-{{Current}} root=UUID={{Uuid}} ${extra_cmdline} splash=silent quiet
              initrd /boot/initrd-{{Current}}
            }
            """, "suse-relative");
        BootEntry chosen = s.Chosen!;
        AssertLoads(chosen, btrfs, Snapshot(1, $"/boot/vmlinuz-{Current}"), Snapshot(1, $"/boot/initrd-{Current}"));
        Assert.That(chosen.Arguments, Is.EqualTo($"root=UUID={Uuid} splash=silent quiet"), "${extra_cmdline} is empty");
        ulong id = SubvolumeOf(btrfs, "/@/.snapshots/1/snapshot");
        Assert.That(s.Explanation, Has.Some.Contains($"kernel /boot/vmlinuz-{Current} read from btrfs subvolume {id} (/@/.snapshots/1/snapshot;")
            .And.Some.Contains("the default subvolume"));
    }

    [Test]
    public void SuseHeader_SymlinkedKernel_IsNamedByItsResolvedPathFromTheTopLevel()
    {
        (BootSelection s, IFileSystemReader btrfs) = Run(SuseHeader + """
            menuentry 'symlinks' { linux /boot/vmlinuz; initrd /boot/initrd; }
            """, "suse-symlink");
        AssertLoads(s.Chosen!, btrfs, Snapshot(1, $"/boot/vmlinuz-{Current}"), Snapshot(1, $"/boot/initrd-{Current}"));
    }

    [Test]
    public void WithoutRelativePath_SlashBootIsTheTopLevel_AsUpstreamGrubFstestReadsIt()
    {
        (BootSelection s, IFileSystemReader btrfs) = Run($$"""
            search --no-floppy --fs-uuid --set=root {{Uuid}}
            menuentry 'top level' { linux /boot/vmlinuz-{{Current}}; initrd /boot/initrd-{{Current}}; }
            """, "upstream-toplevel");
        AssertLoads(s.Chosen!, btrfs, $"/boot/vmlinuz-{Current}", $"/boot/initrd-{Current}");
        Assert.That(s.Explanation, Has.None.Contains("btrfs subvolume"));
        if (Tool.Exists("grub-fstest"))
        {
            // grub-fstest is upstream GRUB: /boot/... is the top level's decoy, the snapshot is reached by its full path.
            string image = Fixtures.Image("btrfs-suse");
            byte[] top = Tool.Run("grub-fstest", [image, "cat", $"/boot/vmlinuz-{Current}"]).Stdout;
            byte[] snapshot = Tool.Run("grub-fstest", [image, "cat", Snapshot(1, $"/boot/vmlinuz-{Current}")]).Stdout;
            Assert.That(Convert.ToHexStringLower(SHA256.HashData(top)), Is.EqualTo(Sha256Of(btrfs, s.Chosen!.Kernel!.Path)));
            Assert.That(Convert.ToHexStringLower(SHA256.HashData(snapshot)), Is.EqualTo(Manifest(Snapshot(1, $"/boot/vmlinuz-{Current}")).Sha256));
        }
    }

    [Test]
    public void UpstreamStyleConfig_FullSubvolumePaths_ReadFromTheTopLevelUnchanged()
    {
        (BootSelection s, IFileSystemReader btrfs) = Run($$"""
            search --no-floppy --fs-uuid --set=root {{Uuid}}
            menuentry 'Ubuntu-style' {
              linux /@/.snapshots/1/snapshot/boot/vmlinuz-{{Current}} root=UUID={{Uuid}} rootflags=subvol=@/.snapshots/1/snapshot
              initrd /@/.snapshots/1/snapshot/boot/initrd-{{Current}}
            }
            """, "upstream-fullpath");
        AssertLoads(s.Chosen!, btrfs, Snapshot(1, $"/boot/vmlinuz-{Current}"), Snapshot(1, $"/boot/initrd-{Current}"));
    }

    [Test]
    public void RelativePath_FullSubvolumePath_IsLookedUpInsideTheDefaultSubvolume_AndMissing()
    {
        // With btrfs_relative_path the upstream-style path starts inside snapshot 1, which has no /@ directory.
        (BootSelection s, _) = Run(SuseHeader + $$"""
            menuentry 'mixed' { linux /@/.snapshots/1/snapshot/boot/vmlinuz-{{Current}}; }
            """, "relative-fullpath");
        BootEntry entry = s.Menu.Single();
        Assert.That(entry.IsBootable, Is.False);
        Assert.That(entry.NotBootableReason, Does.Contain("not found in btrfs subvolume"));
    }

    [Test]
    public void BtrfsSubvol_SelectsThatSubvolume_AndReadsBackThroughTheHooks()
    {
        (BootSelection s, IFileSystemReader btrfs) = Run(SuseHeader + """
            btrfs_subvol=/@/.snapshots/2/snapshot
            if [ "$btrfs_subvolid" = "subvol:/@/.snapshots/2/snapshot" ]; then
              menuentry 'snapshot 2' { linux /boot/vmlinuz; initrd /boot/initrd; }
            fi
            """, "subvol-path");
        AssertLoads(s.Chosen!, btrfs, Snapshot(2, $"/boot/vmlinuz-{Older}"), Snapshot(2, $"/boot/initrd-{Older}"));
        Assert.That(s.Explanation, Has.Some.Contains("btrfs_subvol=/@/.snapshots/2/snapshot (subvolume"));
    }

    [Test]
    public void BtrfsSubvolid_SelectsThatSubvolume_AndClearsBtrfsSubvol()
    {
        IFileSystemReader probe = OpenImage();
        ulong id = SubvolumeOf(probe, "/@/.snapshots/2/snapshot");
        (BootSelection s, IFileSystemReader btrfs) = Run(SuseHeader + $$"""
            btrfs_subvol=/@/.snapshots/1/snapshot
            set btrfs_subvolid={{id}}
            if [ "$btrfs_subvol" = "subvolid:{{id}}" ]; then
              menuentry 'by id' { linux /boot/vmlinuz; initrd /boot/initrd; }
            fi
            """, "subvol-id");
        AssertLoads(s.Chosen!, btrfs, Snapshot(2, $"/boot/vmlinuz-{Older}"), Snapshot(2, $"/boot/initrd-{Older}"));
        Assert.That(s.Explanation, Has.Some.Contains($"btrfs_subvolid={id}"));
    }

    [Test]
    public void BtrfsSubvol_Slash_IsTheTopLevelSubvolume()
    {
        // lookup_root_by_name("/") finds the top level's own top directory: subvolume 5, where the decoys are.
        (BootSelection s, IFileSystemReader btrfs) = Run(SuseHeader + $$"""
            btrfs_subvol=/
            menuentry 'top level' { linux /boot/vmlinuz-{{Current}}; initrd /boot/initrd-{{Current}}; }
            """, "subvol-slash");
        AssertLoads(s.Chosen!, btrfs, $"/boot/vmlinuz-{Current}", $"/boot/initrd-{Current}");
    }

    [Test]
    public void BtrfsSubvol_WithoutRelativePath_ChangesNothing()
    {
        (BootSelection s, IFileSystemReader btrfs) = Run($$"""
            btrfs_subvol=/@/.snapshots/2/snapshot
            search --no-floppy --fs-uuid --set=root {{Uuid}}
            menuentry 'top level' { linux /boot/vmlinuz-{{Current}}; initrd /boot/initrd-{{Current}}; }
            """, "subvol-norelative");
        AssertLoads(s.Chosen!, btrfs, $"/boot/vmlinuz-{Current}", $"/boot/initrd-{Current}");
    }

    [TestCase("btrfs_subvol=/@/no-such-snapshot", "exists neither from the top level nor in the default subvolume")]
    [TestCase("btrfs_subvol=/@/.snapshots", "is not the top directory of a subvolume")]
    [TestCase("btrfs_subvolid=4242", "has no btrfs subvolume 4242")]
    [TestCase("btrfs_subvol=/etc-release", "/etc-release (found from the default subvolume) is not the top directory of a subvolume")]
    public void UnknownSubvolume_EntryIsNotBootable_FallbackBoots(string selection, string because)
    {
        (BootSelection s, IFileSystemReader btrfs) = Run(SuseHeader + $$"""
            set fallback=1
            menuentry 'broken' { {{selection}}; linux /boot/vmlinuz; initrd /boot/initrd; }
            menuentry 'default subvolume' { linux /boot/vmlinuz; initrd /boot/initrd; }
            """, "subvol-unknown-" + because.Length);
        Assert.That(s.Menu[0].IsBootable, Is.False);
        Assert.That(s.Menu[0].NotBootableReason, Does.Contain(because).And.Contain("no file of (hd1,gpt2) can be read"));
        Assert.That(s.Chosen!.Title, Is.EqualTo("default subvolume"), "the entry's btrfs_subvol does not leak into the next entry evaluated");
        AssertLoads(s.Chosen!, btrfs, Snapshot(1, $"/boot/vmlinuz-{Current}"), Snapshot(1, $"/boot/initrd-{Current}"));
    }

    [Test]
    public void BtrfsSubvolid_NotANumber_IsRefusedAsTheHookRefusesIt()
    {
        (BootSelection s, IFileSystemReader btrfs) = Run(SuseHeader + """
            btrfs_subvolid=snapshot
            menuentry 'default subvolume' { linux /boot/vmlinuz; initrd /boot/initrd; }
            """, "subvolid-nan");
        Assert.That(s.Warnings, Has.Some.Contains("btrfs_subvolid=snapshot is not a number"));
        AssertLoads(s.Chosen!, btrfs, Snapshot(1, $"/boot/vmlinuz-{Current}"), Snapshot(1, $"/boot/initrd-{Current}"));
    }

    [Test]
    public void RelativePath_TestSearchSourceAndConfigfile_LookInTheSelectedSubvolume()
    {
        // etc-release exists only in snapshot 1; snapshot 2's grub.cfg loads the older kernel (snapper's snapshot
        // entries select the snapshot with btrfs_subvol and hand over to its own grub.cfg).
        (BootSelection s, IFileSystemReader btrfs) = Run("""
            if search --no-floppy --file --set=found /etc-release; then set before=found; else set before=missing; fi
            set btrfs_relative_path=y
            export btrfs_relative_path
            search --no-floppy --file --set=root /etc-release
            if [ -f /boot/grub2/grub.cfg -a "$before" = missing ]; then
              btrfs_subvol=/@/.snapshots/2/snapshot
              configfile /boot/grub2/grub.cfg
            fi
            """, "relative-commands");
        Assert.That(s.Explanation, Has.Some.Contains("search --file /etc-release: found on (hd1,gpt2) in btrfs subvolume"));
        Assert.That(s.Explanation, Has.Some.Contains("configfile (hd1,gpt2)/@/.snapshots/2/snapshot/boot/grub2/grub.cfg"));
        Assert.That(s.Menu.Select(e => e.Title), Does.Contain("openSUSE Leap 15.6"));
        AssertLoads(s.Chosen!, btrfs, Snapshot(2, $"/boot/vmlinuz-{Older}"), Snapshot(2, $"/boot/initrd-{Older}"));
    }

    [Test]
    public void SubmenuEntry_SeesTheExportedRelativePath_AndEmptyBtrfsSubvolPrefix()
    {
        (BootSelection s, IFileSystemReader btrfs) = Run(SuseHeader + $$"""
            set default="advanced>recovery"
            submenu 'Advanced options' --id advanced {
              menuentry 'recovery mode' --id recovery {
                search --no-floppy --fs-uuid --set=root {{Uuid}}
                linux ${btrfs_subvol}/boot/vmlinuz-{{Current}} root=UUID={{Uuid}} ${extra_cmdline} single
                initrd ${btrfs_subvol}/boot/initrd-{{Current}}
              }
            }
            """, "submenu-relative");
        Assert.That(s.Chosen?.Title, Is.EqualTo("recovery mode"), string.Join("\n", s.Explanation));
        AssertLoads(s.Chosen!, btrfs, Snapshot(1, $"/boot/vmlinuz-{Current}"), Snapshot(1, $"/boot/initrd-{Current}"));
        Assert.That(s.Chosen!.Arguments, Is.EqualTo($"root=UUID={Uuid} single"));
    }

    [Test]
    public void UnknownSubvolume_MountFails_SoSearchByUuidMissesTheDevice()
    {
        // grub_btrfs_uuid mounts the file system too; with btrfs_subvol naming nothing the mount, and the search, fail.
        (BootSelection s, _) = Run($$"""
            set btrfs_relative_path=y
            btrfs_subvol=/@/no-such-snapshot
            if search --no-floppy --fs-uuid --set=root {{Uuid}}; then set found=yes; else set found=no; fi
            btrfs_subvol=
            if search --no-floppy --fs-uuid --set=root {{Uuid}}; then set again=yes; else set again=no; fi
            menuentry "$found $again" { linux /boot/vmlinuz; }
            """, "search-uuid-unknown");
        Assert.That(s.Menu.Single().Title, Is.EqualTo("no yes"));
    }

    [Test]
    public void GuestBoot_SuseImage_FindsGrubCfgInTheDefaultSubvolume_AndStreamsItsKernelAndInitrd()
    {
        using GuestBoot boot = GuestBoot.Open(Fixtures.Image("btrfs-suse"), GuestBootOptions.Default);
        BootEntry chosen = boot.Selection.Chosen!;
        Assert.That(chosen.Title, Is.EqualTo("openSUSE Leap 15.6"));
        Assert.That(boot.Selection.ConfigPath, Is.EqualTo("/boot/grub2/grub.cfg"));
        Assert.That(chosen.Kernel, Is.EqualTo(new BootFile(null, Snapshot(1, $"/boot/vmlinuz-{Current}"))));
        Assert.That(chosen.Initrds, Is.EqualTo(new[] { new BootFile(null, Snapshot(1, $"/boot/initrd-{Current}")) }));
        Assert.That(chosen.Arguments, Is.EqualTo($"root=UUID={Uuid} splash=silent mitigations=auto quiet"));

        using var kernel = new MemoryStream();
        boot.CopyKernel(chosen, kernel);
        using var initrd = new MemoryStream();
        boot.CopyInitrd(chosen, initrd);
        Assert.That(Convert.ToHexStringLower(SHA256.HashData(kernel.ToArray())), Is.EqualTo(Manifest(Snapshot(1, $"/boot/vmlinuz-{Current}")).Sha256));
        Assert.That(Convert.ToHexStringLower(SHA256.HashData(initrd.ToArray())), Is.EqualTo(Manifest(Snapshot(1, $"/boot/initrd-{Current}")).Sha256));

        IFileSystemReader probe = OpenImage();
        ulong id = SubvolumeOf(probe, "/@/.snapshots/1/snapshot");
        Assert.That(boot.Explanation, Has.Some.Contains($"configuration /boot/grub2/grub.cfg in the btrfs default subvolume {id} (/@/.snapshots/1/snapshot)"));
        Assert.That(boot.Explanation, Has.Some.Contains($"kernel /boot/vmlinuz-{Current} read from btrfs subvolume {id} (/@/.snapshots/1/snapshot;"));
    }

    [Test]
    public void GuestBoot_SuseImage_RecoveryEntryInTheSubmenu_ReadsTheSameSubvolume()
    {
        using GuestBoot boot = GuestBoot.Open(Fixtures.Image("btrfs-suse"), GuestBootOptions.Default);
        BootEntry recovery = boot.FindEntry($"Advanced options for openSUSE Leap 15.6>openSUSE Leap 15.6, with Linux {Current} (recovery mode)")!;
        Assert.That(recovery, Is.Not.Null);
        Assert.That(recovery.Kernel, Is.EqualTo(new BootFile(null, Snapshot(1, $"/boot/vmlinuz-{Current}"))));
        using var kernel = new MemoryStream();
        boot.CopyKernel(recovery, kernel);
        Assert.That(Convert.ToHexStringLower(SHA256.HashData(kernel.ToArray())), Is.EqualTo(Manifest(Snapshot(1, $"/boot/vmlinuz-{Current}")).Sha256));
    }
}

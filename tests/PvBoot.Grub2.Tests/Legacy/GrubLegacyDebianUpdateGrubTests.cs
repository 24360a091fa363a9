using PvBoot.Core.Boot;
using PvBoot.Grub2.Legacy;
using PvBoot.Testing;

namespace PvBoot.Grub2.Tests.Legacy;

/// <summary>
/// Menus written by Debian's GRUB legacy <c>update-grub</c> (package grub-legacy) for a fake /boot with a Xen
/// hypervisor, a dom0-capable kernel and a plain kernel (the squeeze-era layout of many PV guests).
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class GrubLegacyDebianUpdateGrubTests
{
    private static readonly Lazy<string> Generated = new(Generate);

    private static string Generate()
    {
        string output = Path.Combine(Fixtures.WorkDirectory, "legacy-configs", "debian-update-grub");
        string script = Path.Combine(Fixtures.RepositoryRoot, "tests", "PvBoot.Grub2.Tests", "Legacy", "debian-update-grub.sh");
        ToolResult result = Tool.Run("bash", [script, output], timeoutSeconds: 60);
        Assert.That(result.ExitCode, Is.Zero, result.Stderr);
        return output;
    }

    private static LegacyTestTree Copy(string name)
    {
        Assert.That(Environment.UserName, Is.EqualTo("root"), "update-grub needs a private mount namespace (root) to see the fake /boot; eng/test.sh runs as root");

        var tree = new LegacyTestTree(name);
        foreach (string file in Directory.EnumerateFiles(Path.Combine(Generated.Value, "boot"), "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(Generated.Value, file);
            Directory.CreateDirectory(Path.GetDirectoryName(tree.Host(relative))!);
            File.Copy(file, tree.Host(relative));
        }

        return tree;
    }

    private static string MenuLst(LegacyTestTree tree) => File.ReadAllText(tree.Host("boot/grub/menu.lst"));

    [Test]
    public void UpdateGrub_Menu_HasFiveEntriesAndTheDefaultOptionsBlockIsOnlyComments()
    {
        var tree = Copy("ug-menu");
        string text = MenuLst(tree);
        Assert.That(text, Does.Contain("## ## End Default Options ##"));
        Assert.That(text, Does.Contain("# kopt=root=/dev/xvda1 ro"));

        BootSelection selection = tree.Parse(new GrubLegacyConfigParser(), "/boot/grub/menu.lst");

        Assert.That(selection.Menu.Select(e => e.Title), Is.EqualTo(new[]
        {
            "Xen 4.0-amd64 / Debian GNU/Linux, kernel 2.6.32-5-xen-amd64",
            "Debian GNU/Linux, kernel 2.6.32-5-xen-amd64",
            "Debian GNU/Linux, kernel 2.6.32-5-xen-amd64 (single-user mode)",
            "Debian GNU/Linux, kernel 2.6.26-2-amd64",
            "Debian GNU/Linux, kernel 2.6.26-2-amd64 (single-user mode)",
        }));
        Assert.That(selection.Menu.Select(e => e.FlatIndex), Is.EqualTo(new[] { 0, 1, 2, 3, 4 }));
        Assert.That(selection.TimeoutSeconds, Is.EqualTo(5));
        Assert.That(selection.Warnings, Has.None.Contains("kopt"), "commented update-grub options must not be read as commands");
        Assert.That(selection.Menu[1].Lines, Is.EqualTo(new[]
        {
            "root\t\t(hd0,0)",
            "kernel\t\t/boot/vmlinuz-2.6.32-5-xen-amd64 root=/dev/xvda1 ro ",
            "initrd\t\t/boot/initrd.img-2.6.32-5-xen-amd64",
        }).Using<string>((a, b) => string.CompareOrdinal(a.Replace('\t', ' '), b.Replace('\t', ' '))));
    }

    [Test]
    public void UpdateGrub_XenDefaultWithoutFallback_IsNotBootableAndNothingIsChosen()
    {
        var tree = Copy("ug-xen");
        BootSelection selection = tree.Parse(new GrubLegacyConfigParser(), "/boot/grub/menu.lst");

        BootEntry xen = selection.Menu[0];
        Assert.That(xen.IsBootable, Is.False);
        Assert.That(xen.NotBootableReason, Does.Contain("Xen hypervisor"));
        Assert.That(xen.Kernel, Is.EqualTo(new BootFile("hd0,msdos1", "/boot/xen-4.0-amd64.gz")));
        Assert.That(selection.Chosen, Is.Null);
        Assert.That(selection.Explanation, Has.Some.Contains("no fallback is configured"));
    }

    [Test]
    public void UpdateGrub_XenDefaultWithFallback_BootsTheFallbackKernelWithItsVerbatimArguments()
    {
        var tree = Copy("ug-fallback");
        tree.Write("/boot/grub/menu.lst", MenuLst(tree).Replace("default\t\t0\n", "default\t\t0\nfallback\t1\n", StringComparison.Ordinal));
        BootSelection selection = tree.Parse(new GrubLegacyConfigParser(), "/boot/grub/menu.lst");

        Assert.That(selection.Chosen, Is.Not.Null);
        Assert.That(selection.Chosen!.Index, Is.EqualTo(1));
        Assert.That(selection.Chosen.Kernel, Is.EqualTo(new BootFile("hd0,msdos1", "/boot/vmlinuz-2.6.32-5-xen-amd64")));
        Assert.That(selection.Chosen.Initrds, Is.EqualTo(new[] { new BootFile("hd0,msdos1", "/boot/initrd.img-2.6.32-5-xen-amd64") }));
        Assert.That(selection.Chosen.Arguments, Is.EqualTo("root=/dev/xvda1 ro "), "GRUB legacy passes the text after the file name verbatim");
        Assert.That(selection.Explanation, Has.Some.Contains("fallback to entry 1"));
    }

    [Test]
    public void UpdateGrub_XenDefault_XenModuleAsKernel_BootsModuleOneWithItsArgumentsAndModuleTwoAsInitrd()
    {
        var tree = Copy("ug-xen-dom0");
        BootSelection selection = tree.Parse(new GrubLegacyConfigParser(), "/boot/grub/menu.lst", BootConfigOptions.Default with { XenModuleAsKernel = true });

        Assert.That(selection.Chosen, Is.Not.Null, string.Join("\n", selection.Explanation));
        Assert.Multiple(() =>
        {
            Assert.That(selection.Chosen!.Index, Is.EqualTo(0));
            Assert.That(selection.Chosen.Title, Is.EqualTo("Xen 4.0-amd64 / Debian GNU/Linux, kernel 2.6.32-5-xen-amd64"));
            Assert.That(selection.Chosen.Kernel, Is.EqualTo(new BootFile("hd0,msdos1", "/boot/vmlinuz-2.6.32-5-xen-amd64")));
            Assert.That(selection.Chosen.Arguments, Is.EqualTo("root=/dev/xvda1 ro console=tty0"), "a GRUB legacy module line's first word is its file");
            Assert.That(selection.Chosen.Initrds, Is.EqualTo(new[] { new BootFile("hd0,msdos1", "/boot/initrd.img-2.6.32-5-xen-amd64") }));
            Assert.That(selection.Explanation, Has.Some.Contains("a Xen hypervisor entry (kernel /boot/xen-4.0-amd64.gz) booted through its dom0 kernel because option XenModuleAsKernel is on"));
            Assert.That(selection.Menu.Skip(1).Select(e => e.Kernel!.Path), Has.None.Contains("xen-4.0"), "the other entries are unchanged");
        });
    }

    [Test]
    public void UpdateGrub_DefaultSaved_ReadsTheNumberGrubSetDefaultWrote()
    {
        var tree = Copy("ug-saved");
        tree.Write("/boot/grub/menu.lst", MenuLst(tree).Replace("default\t\t0\n", "default\t\tsaved\n", StringComparison.Ordinal));
        ToolResult set = Tool.Run("/usr/sbin/grub-set-default", [$"--root-directory={tree.Root}", "3"]);
        Assert.That(set.ExitCode, Is.Zero, set.Stderr);
        Assert.That(File.ReadAllText(tree.Host("boot/grub/default")), Does.StartWith("3\n"));

        BootSelection selection = tree.Parse(new GrubLegacyConfigParser(), "/boot/grub/menu.lst");

        Assert.That(selection.Chosen?.Title, Is.EqualTo("Debian GNU/Linux, kernel 2.6.26-2-amd64"));
        Assert.That(selection.Explanation, Has.Some.Contains("default saved → 3"));
    }
}

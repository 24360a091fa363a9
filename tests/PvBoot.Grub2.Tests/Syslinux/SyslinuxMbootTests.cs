using PvBoot.Core.Boot;
using PvBoot.Grub2.Syslinux;
using PvBoot.Grub2.Tests.Legacy;

namespace PvBoot.Grub2.Tests.Syslinux;

/// <summary>
/// <c>KERNEL mboot.c32</c> + <c>APPEND xen.gz ARGS --- vmlinuz ARGS --- initrd</c> (syslinux doc/mboot.txt): a Xen hypervisor
/// entry, bootable only with <see cref="BootConfigOptions.XenModuleAsKernel"/>, as GRUB's multiboot entries are.
/// </summary>
[TestFixture]
public sealed class SyslinuxMbootTests
{
    private static readonly BootConfigOptions XenOn = BootConfigOptions.Default with { XenModuleAsKernel = true };

    private const string Config =
        "DEFAULT xen\n" +
        "LABEL xen\n KERNEL mboot.c32\n APPEND ../xen.gz dom0_mem=1G --- ../vmlinuz root=/dev/xvda1  console=hvc0 --- ../initrd.img --- ../xenpolicy\n" +
        "LABEL one\n KERNEL mboot.c32\n APPEND ../xen.gz --- ../vmlinuz ro a---b\n" +
        "LABEL nomodule\n COM32 mboot.c32\n APPEND ../xen.gz dom0_mem=1G\n" +
        "LABEL linux\n LINUX ../vmlinuz\n APPEND root=/dev/xvda1\n";

    private static LegacyTestTree Tree(string name, bool withMboot = true)
    {
        var tree = new LegacyTestTree(name).Write("/boot/extlinux/extlinux.conf", Config).Files("/boot/xen.gz", "/boot/vmlinuz", "/boot/initrd.img");
        return withMboot ? tree.Files("/boot/extlinux/mboot.c32") : tree;
    }

    [Test]
    public void Mboot_OptionOff_StaysAHypervisorEntry()
    {
        BootSelection selection = Tree("mb-off").Parse(new SyslinuxConfigParser(), "/boot/extlinux/extlinux.conf");
        Assert.Multiple(() =>
        {
            Assert.That(selection.Menu[0].NotBootableReason, Does.Contain("a Xen hypervisor entry (mboot.c32 ../xen.gz dom0_mem=1G"));
            Assert.That(selection.Chosen, Is.Null);
        });
    }

    [Test]
    public void Mboot_OptionOn_BootsModuleOneWithTheWordsAfterItsFileAndModuleTwoAsInitrd()
    {
        BootSelection selection = Tree("mb-on").Parse(new SyslinuxConfigParser(), "/boot/extlinux/extlinux.conf", XenOn);

        Assert.That(selection.Chosen, Is.Not.Null, string.Join("\n", selection.Explanation));
        Assert.Multiple(() =>
        {
            Assert.That(selection.Chosen!.Id, Is.EqualTo("xen"));
            Assert.That(selection.Chosen.Kernel, Is.EqualTo(new BootFile(null, "/boot/vmlinuz")));
            Assert.That(selection.Chosen.Arguments, Is.EqualTo("root=/dev/xvda1 console=hvc0"), "mboot.c32 joins a module's words with single spaces");
            Assert.That(selection.Chosen.Initrds, Is.EqualTo(new[] { new BootFile(null, "/boot/initrd.img") }));
            Assert.That(selection.Explanation, Has.Some.Contains("label xen is a Xen hypervisor entry (mboot.c32 ../xen.gz) booted through its dom0 kernel because option XenModuleAsKernel is on")
                .And.Contains("1 further module(s) are not used"));

            BootEntry one = selection.Menu[1];
            Assert.That((one.IsBootable, one.Arguments, one.Initrds.Count), Is.EqualTo((true, "ro a---b", 0)), "only a whole word --- separates modules");
            Assert.That(selection.Menu[2].NotBootableReason, Does.Contain("loads no module to boot as the dom0 kernel"));
            Assert.That(selection.Menu[3].Arguments, Is.EqualTo("root=/dev/xvda1"));
        });
    }

    [Test]
    public void Mboot_OptionOn_WithoutTheComModule_IsNotBootable()
    {
        BootSelection selection = Tree("mb-nocom", withMboot: false).Parse(new SyslinuxConfigParser(), "/boot/extlinux/extlinux.conf", XenOn);
        Assert.Multiple(() =>
        {
            Assert.That(selection.Menu[0].NotBootableReason, Does.Contain("the COM32 module /boot/extlinux/mboot.c32 does not exist"));
            Assert.That(selection.Chosen, Is.Null);
        });
    }
}

using PvBoot.Core.Boot;
using PvBoot.Grub2.Legacy;

namespace PvBoot.Grub2.Tests.Legacy;

/// <summary>
/// GRUB legacy Xen entries (<c>kernel /xen.gz</c> + <c>module</c> lines, CentOS 5 with a separate /boot) with
/// <see cref="BootConfigOptions.XenModuleAsKernel"/>: a module line's first word is its file, the rest its command line.
/// </summary>
[TestFixture]
public sealed class GrubLegacyXenDom0Tests
{
    private const string CentOs5Xen =
        "default=0\n" +
        "fallback=2\n" +
        "timeout=5\n" +
        "title CentOS (2.6.18-398.el5xen)\n" +
        "\troot (hd0,0)\n" +
        "\tkernel /xen.gz-2.6.18-398.el5 dom0_mem=512M\n" +
        "\tmodule (hd0,0)/vmlinuz-2.6.18-398.el5xen ro root=/dev/VolGroup00/LogVol00  console=xvc0\n" +
        "\tmodulenounzip /initrd-2.6.18-398.el5xen.img\n" +
        "\tmodule /xenpolicy.bin\n" +
        "title CentOS Xen, missing dom0 kernel\n" +
        "\troot (hd0,0)\n" +
        "\tkernel /xen.gz-2.6.18-398.el5\n" +
        "\tmodule /vmlinuz-missing ro\n" +
        "title CentOS (2.6.18-398.el5)\n" +
        "\troot (hd0,0)\n" +
        "\tkernel /vmlinuz-2.6.18-398.el5 ro root=/dev/VolGroup00/LogVol00\n" +
        "\tinitrd /initrd-2.6.18-398.el5.img\n";

    private static LegacyTestTree Boot(string name) =>
        new LegacyTestTree(name)
            .Write("/grub/grub.conf", CentOs5Xen)
            .Files("/xen.gz-2.6.18-398.el5", "/vmlinuz-2.6.18-398.el5xen", "/initrd-2.6.18-398.el5xen.img", "/xenpolicy.bin",
                "/vmlinuz-2.6.18-398.el5", "/initrd-2.6.18-398.el5.img");

    [Test]
    public void XenEntry_OptionOff_FallsBackToThePlainKernel()
    {
        BootSelection selection = Boot("lx-off").Parse(new GrubLegacyConfigParser(), "/grub/grub.conf");

        Assert.Multiple(() =>
        {
            Assert.That(selection.Menu[0].IsBootable, Is.False);
            Assert.That(selection.Menu[0].NotBootableReason, Does.Contain("a Xen hypervisor (dom0) entry"));
            Assert.That(selection.Chosen?.Index, Is.EqualTo(2));
            Assert.That(selection.Explanation, Has.Some.Contains("fallback to entry 2"));
        });
    }

    [Test]
    public void XenEntry_OptionOn_BootsModuleOneVerbatimAndModuleTwo_AndAMissingModuleIsNotBootable()
    {
        BootSelection selection = Boot("lx-on").Parse(new GrubLegacyConfigParser(), "/grub/grub.conf", BootConfigOptions.Default with { XenModuleAsKernel = true });

        Assert.That(selection.Chosen, Is.Not.Null, string.Join("\n", selection.Explanation));
        Assert.Multiple(() =>
        {
            Assert.That(selection.Chosen!.Index, Is.EqualTo(0));
            Assert.That(selection.Chosen.Kernel, Is.EqualTo(new BootFile("hd0,msdos1", "/vmlinuz-2.6.18-398.el5xen")));
            Assert.That(selection.Chosen.Arguments, Is.EqualTo("ro root=/dev/VolGroup00/LogVol00  console=xvc0"), "GRUB legacy passes the text after the file name verbatim");
            Assert.That(selection.Chosen.Initrds, Is.EqualTo(new[] { new BootFile("hd0,msdos1", "/initrd-2.6.18-398.el5xen.img") }));
            Assert.That(selection.Explanation, Has.Some.Contains("1 further module line(s)"));
            Assert.That(selection.Menu[1].NotBootableReason, Does.Contain("dom0 kernel (module 1)").And.Contains("/vmlinuz-missing does not exist"));
        });
    }
}

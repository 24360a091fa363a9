using PvBoot.Core.Boot;

namespace PvBoot.Grub2.Syslinux;

/// <summary>
/// Reads syslinux, extlinux and isolinux configurations: <c>LABEL</c> blocks with <c>KERNEL</c>/<c>LINUX</c>,
/// <c>INITRD</c>, <c>APPEND</c> and <c>MENU</c> directives, <c>INCLUDE</c>, <c>CONFIG</c>, and the default as
/// syslinux resolves it (<c>MENU DEFAULT</c> under a menu UI, <c>DEFAULT</c>, <c>ONTIMEOUT</c>, the first label).
/// Timeouts are converted from tenths of a second.
/// </summary>
public sealed class SyslinuxConfigParser : IBootConfigParser
{
    /// <inheritdoc />
    public string Format => "syslinux";

    /// <inheritdoc />
    public IReadOnlyList<string> ConfigPaths { get; } =
    [
        "/boot/isolinux/isolinux.cfg",
        "/boot/extlinux/extlinux.conf",
        "/boot/extlinux.conf",
        "/extlinux/extlinux.conf",
        "/extlinux.conf",
        "/isolinux/isolinux.cfg",
        "/boot/isolinux/syslinux.cfg",
        "/isolinux/syslinux.cfg",
        "/boot/syslinux/extlinux.conf",
        "/boot/syslinux/syslinux.cfg",
        "/syslinux/extlinux.conf",
        "/syslinux/syslinux.cfg",
        "/syslinux.cfg",
    ];

    /// <inheritdoc />
    public BootSelection Parse(BootConfigContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return SyslinuxEvaluator.Evaluate(context);
    }
}

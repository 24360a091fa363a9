using PvBoot.Core.Boot;

namespace PvBoot.Grub2.Legacy;

/// <summary>
/// Reads GRUB legacy (0.97) <c>menu.lst</c>/<c>grub.conf</c> files: <c>title</c> entries with <c>root</c>,
/// <c>kernel</c>, <c>initrd</c>, <c>module</c> and <c>chainloader</c>, and the menu commands <c>default</c>
/// (a number or <c>saved</c>), <c>fallback</c>, <c>timeout</c>, <c>hiddenmenu</c> and <c>password</c>.
/// Legacy device names such as <c>(hd0,0)</c> (0-based partitions) are reported as GRUB 2 names (<c>hd0,msdos1</c>).
/// </summary>
public sealed class GrubLegacyConfigParser : IBootConfigParser
{
    /// <inheritdoc />
    public string Format => "grub-legacy";

    /// <inheritdoc />
    public IReadOnlyList<string> ConfigPaths { get; } =
        ["/boot/grub/menu.lst", "/boot/grub/grub.conf", "/grub/menu.lst", "/grub/grub.conf"];

    /// <inheritdoc />
    public BootSelection Parse(BootConfigContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return GrubLegacyEvaluator.Evaluate(context);
    }
}

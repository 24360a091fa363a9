using PvBoot.Core.Boot;

namespace PvBoot.Grub2.Lilo;

/// <summary>
/// Reads LILO's <c>/etc/lilo.conf</c>: global options and <c>image=</c>/<c>other=</c> sections with <c>label</c>,
/// <c>alias</c>, <c>append</c>, <c>addappend</c>, <c>literal</c>, <c>initrd</c>, <c>root</c>, <c>read-only</c>/<c>read-write</c>;
/// the default is the <c>default=</c> label or alias, else the first section. Image paths are absolute in the file
/// system holding <c>lilo.conf</c>.
/// </summary>
public sealed class LiloConfigParser : IBootConfigParser
{
    /// <inheritdoc />
    public string Format => "lilo";

    /// <inheritdoc />
    public IReadOnlyList<string> ConfigPaths { get; } = ["/etc/lilo.conf"];

    /// <inheritdoc />
    public BootSelection Parse(BootConfigContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return LiloEvaluator.Evaluate(context);
    }
}

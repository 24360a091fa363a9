using PvBoot.Core.Boot;

namespace PvBoot.Grub2;

/// <summary>Decides between configurations of different boot loaders found on the same guest.</summary>
internal static class ConfigPrecedence
{
    /// <summary>
    /// When a guest has both a GRUB 2 <c>grub.cfg</c> and a GRUB legacy <c>menu.lst</c>, an installed GRUB 2 boots
    /// <c>grub.cfg</c> (a stale <c>menu.lst</c> is common after an upgrade), so its selection wins. If the two would boot
    /// different things, the result says so in its explanation.
    /// </summary>
    /// <param name="grubCfg">The selection read from <c>grub.cfg</c>.</param>
    /// <param name="menuLst">The selection read from <c>menu.lst</c> (or <c>grub.conf</c>).</param>
    /// <returns><paramref name="grubCfg"/>'s selection, with an explanation line when <paramref name="menuLst"/> disagrees.</returns>
    public static BootSelection PreferGrub2(BootSelection grubCfg, BootSelection menuLst)
    {
        ArgumentNullException.ThrowIfNull(grubCfg);
        ArgumentNullException.ThrowIfNull(menuLst);
        if (Agree(grubCfg.Chosen, menuLst.Chosen))
        {
            return grubCfg;
        }

        string theirs = menuLst.Chosen is { } other
            ? $"'{Common.DisplayText.Escape(other.Title)}' ({other.Kernel}{(other.Arguments.Length > 0 ? " " + Common.DisplayText.Escape(other.Arguments) : string.Empty)})"
            : "nothing";
        string ours = grubCfg.Chosen is { } mine ? $"'{Common.DisplayText.Escape(mine.Title)}'" : "nothing";
        string line = $"{menuLst.ConfigPath} disagreed: it would boot {theirs}; followed {grubCfg.ConfigPath}, which boots {ours}, " +
            "because an installed GRUB 2 reads grub.cfg";
        return new BootSelection
        {
            ConfigFormat = grubCfg.ConfigFormat,
            ConfigPath = grubCfg.ConfigPath,
            Menu = grubCfg.Menu,
            Chosen = grubCfg.Chosen,
            TimeoutSeconds = grubCfg.TimeoutSeconds,
            Explanation = [.. grubCfg.Explanation, line],
            Warnings = grubCfg.Warnings,
        };
    }

    private static bool Agree(BootEntry? a, BootEntry? b)
    {
        if (a is null || b is null)
        {
            return a is null && b is null;
        }

        return string.Equals(a.Kernel?.Path, b.Kernel?.Path, StringComparison.Ordinal)
            && string.Equals(a.Arguments.Trim(), b.Arguments.Trim(), StringComparison.Ordinal)
            && a.Initrds.Select(i => i.Path).SequenceEqual(b.Initrds.Select(i => i.Path), StringComparer.Ordinal);
    }
}

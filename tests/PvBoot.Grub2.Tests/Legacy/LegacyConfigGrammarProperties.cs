using System.Diagnostics;
using FsCheck;
using FsCheck.Fluent;
using PvBoot.Core.Boot;
using PvBoot.Grub2.Legacy;
using PvBoot.Grub2.Lilo;
using PvBoot.Grub2.Syslinux;

namespace PvBoot.Grub2.Tests.Legacy;

/// <summary>
/// Grammar properties for the GRUB legacy, syslinux and LILO readers: any text gives a menu or a
/// <see cref="ConfigSyntaxException"/> with a position inside the file, never another exception, in bounded time.
/// </summary>
[TestFixture]
public sealed class LegacyConfigGrammarProperties
{
    private static readonly string[] Tokens =
    [
        "title", "title=", "root", "rootnoverify", "kernel", "initrd", "module", "chainloader", "default", "fallback",
        "timeout", "password --md5", "lock", "saved", "(hd0,0)", "(hd0,", "(0x80)", "/vmlinuz", "/xen.gz", "+1",
        "LABEL", "label", "KERNEL", "LINUX", "INITRD", "APPEND", "APPEND -", "INCLUDE", "include x.cfg", "MENU DEFAULT",
        "MENU LABEL", "MENU HIDE", "MENU BEGIN", "MENU END", "UI menu.c32", "DEFAULT", "ONTIMEOUT", "TIMEOUT",
        "TOTALTIMEOUT", "PROMPT", "CONFIG", "COM32 mboot.c32", "text help", "endtext", "---", "initrd=", "a,b",
        "image=", "other=", "label=", "alias=", "append=", "addappend=", "read-only", "read-write", "literal=",
        "\"", "\\", "\\\n", "=", "#", "##", "\n", "\r\n", "\r", " ", "\t", "  ", ",", "(", ")", "$x", "${x}", "'",
        "0", "1", "99999999999999999999", "-1", "0x10", "\0", "\u001b[2J", "\u00e9", "\u00ff",
    ];

    private static readonly Gen<string> ConfigLike =
        Gen.Frequency(
                (6, Gen.Elements(Tokens)),
                (2, Gen.Choose(0x20, 0x7E).Select(c => ((char)c).ToString())),
                (1, Gen.Choose(0, 0xFF).Select(c => ((char)c).ToString())))
            .ListOf()
            .Select(parts => string.Concat(parts));

    private static readonly Gen<string> AnyLatin1 =
        Gen.Choose(0, 0xFF).Select(c => (char)c).ArrayOf().Select(chars => new string(chars));

    private static bool Holds(IBootConfigParser parser, string path, string text)
    {
        var tree = new LegacyTestTree("property").Write(path, text).Files("/vmlinuz", "/xen.gz", "/boot/vmlinuz");
        var clock = Stopwatch.StartNew();
        try
        {
            BootSelection selection = tree.Parse(parser, path);
            return selection.Menu.All(e => e.Title is not null && e.Location is { Line: >= 1, Column: >= 1 })
                && (selection.Chosen is null || selection.Chosen.IsBootable)
                && clock.Elapsed < TimeSpan.FromSeconds(5);
        }
        catch (ConfigSyntaxException error)
        {
            int lines = text.Count(c => c == '\n') + 1;
            return error.Location.Line >= 1 && error.Location.Column >= 1 && error.Location.File.Length > 0
                && (error.Location.File != path || error.Location.Line <= lines)
                && clock.Elapsed < TimeSpan.FromSeconds(5);
        }
    }

    [FsCheck.NUnit.Property(MaxTest = 300)]
    public Property GrubLegacy_ConfigLikeText_GivesAMenuOrAPositionedSyntaxError() =>
        Prop.ForAll(ConfigLike.ToArbitrary(), text => Holds(new GrubLegacyConfigParser(), "/boot/grub/menu.lst", text));

    [FsCheck.NUnit.Property(MaxTest = 300)]
    public Property Syslinux_ConfigLikeText_GivesAMenuOrAPositionedSyntaxError() =>
        Prop.ForAll(ConfigLike.ToArbitrary(), text => Holds(new SyslinuxConfigParser(), "/boot/syslinux/syslinux.cfg", text));

    [FsCheck.NUnit.Property(MaxTest = 300)]
    public Property Lilo_ConfigLikeText_GivesAMenuOrAPositionedSyntaxError() =>
        Prop.ForAll(ConfigLike.ToArbitrary(), text => Holds(new LiloConfigParser(), "/etc/lilo.conf", text));

    [FsCheck.NUnit.Property(MaxTest = 100)]
    public Property AllThree_AnyBytes_GiveAMenuOrAPositionedSyntaxError() =>
        Prop.ForAll(AnyLatin1.ToArbitrary(), text =>
            Holds(new GrubLegacyConfigParser(), "/boot/grub/menu.lst", text)
            && Holds(new SyslinuxConfigParser(), "/extlinux.conf", text)
            && Holds(new LiloConfigParser(), "/etc/lilo.conf", text));
}

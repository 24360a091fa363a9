using PvBoot.Core.Boot;
using PvBoot.Core.FileSystems;
using PvBoot.Grub2.Ast;
using PvBoot.Grub2.Bls;
using PvBoot.Grub2.Evaluation;
using PvBoot.Grub2.Selection;

namespace PvBoot.Grub2;

/// <summary>
/// Boots a BootLoaderSpec system that has no <c>grub.cfg</c>: emulates <c>blscfg</c> over the entry directory with
/// <c>root</c> = the file system holding it, variables from a grubenv if one exists, Fedora ordering, and default =
/// <c>saved_entry</c> when it names an entry id, else entry 0.
/// </summary>
public sealed class BlsConfigParser : IBootConfigParser
{
    private static readonly string[] GrubenvPaths = ["/grub2/grubenv", "/boot/grub2/grubenv", "/grub/grubenv", "/boot/grub/grubenv"];

    /// <inheritdoc />
    public string Format => "bls";

    /// <inheritdoc />
    public IReadOnlyList<string> ConfigPaths { get; } = ["/loader/entries", "/boot/loader/entries"];

    /// <inheritdoc />
    public BootSelection Parse(BootConfigContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        Grub2Flavour flavour = Grub2ConfigParser.DetectFlavour(context, configText: null, out string why, out _);
        var evaluator = new Grub2Evaluator(context, flavour);
        evaluator.Explanation.Add($"no grub.cfg: BootLoaderSpec entries in {context.ConfigPath} are read as blscfg would; flavour {Grub2Evaluator.FlavourName(flavour)}: {why}");
        foreach (string path in GrubenvPaths)
        {
            if (context.FileSystem.Lookup(PathBytes.FromConfigText(path)) is not null)
            {
                evaluator.RunConfiguration($"load_env -f ({context.DeviceName}){path}\n");
                break;
            }
        }

        List<BlsEntry> entries = evaluator.ReadBlsDirectory(context.FileSystem, context.DeviceName, context.ConfigPath)
            ?? throw new ConfigSyntaxException(new SourceLocation(context.ConfigPath, 1, 1), "not a readable directory");
        evaluator.AddBlsEntries(entries, new TextPosition(1, 1, 0));
        Grub2Context top = evaluator.TopContext;
        string? saved = top.Get("saved_entry");
        if (saved is not null && top.Menu.Any(m => m.Id == saved))
        {
            top.Set("default", saved, "saved_entry from grubenv");
        }
        else
        {
            top.Set("default", "0", saved is null ? "no saved_entry: the first entry" : $"saved_entry '{saved}' names no entry: the first entry");
        }

        return new Grub2MenuSelector(evaluator, context, configText: null).Select(Format);
    }
}

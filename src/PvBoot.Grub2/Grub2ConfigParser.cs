using System.Text;
using PvBoot.Core.Boot;
using PvBoot.Core.FileSystems;
using PvBoot.Grub2.Ast;
using PvBoot.Grub2.Common;
using PvBoot.Grub2.Evaluation;
using PvBoot.Grub2.Selection;

namespace PvBoot.Grub2;

/// <summary>
/// Reads a GRUB 2 <c>grub.cfg</c> and chooses what GRUB itself would boot: the script is parsed and run as GRUB's
/// normal mode runs it (variables, conditions, functions, <c>load_env</c>, <c>search</c>, <c>source</c>,
/// <c>configfile</c>, <c>blscfg</c>), <c>default</c> is resolved per the upstream or Red Hat rules, and the chosen entry's
/// body runs with a recording loader to find its kernel, initrds and command line.
/// </summary>
public sealed class Grub2ConfigParser : IBootConfigParser
{
    /// <inheritdoc />
    public string Format => "grub2";

    /// <inheritdoc />
    public IReadOnlyList<string> ConfigPaths { get; } = ["/boot/grub/grub.cfg", "/grub/grub.cfg", "/boot/grub2/grub.cfg", "/grub2/grub.cfg"];

    /// <inheritdoc />
    public BootSelection Parse(BootConfigContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        string text = ReadConfig(context, context.ConfigPath);
        Grub2Flavour flavour = DetectFlavour(context, text, out string why, out ParsedFile? parsed);
        var evaluator = new Grub2Evaluator(context, flavour);
        evaluator.Explanation.Add($"flavour {Grub2Evaluator.FlavourName(flavour)}: {why}");
        evaluator.RunConfiguration(text, parsed);
        return new Grub2MenuSelector(evaluator, context, evaluator.MenuFile == context.ConfigPath ? text : null).Select(Format);
    }

    /// <summary>Reads a configuration file whole, refusing one over <see cref="BootConfigOptions.MaxConfigBytes"/>.</summary>
    internal static string ReadConfig(BootConfigContext context, string path)
    {
        IFileSystemReader fs = context.FileSystem;
        FileSystemEntry? entry = fs.Lookup(PathBytes.FromConfigText(path));
        if (entry is null || entry.Type != FileSystemEntryType.Regular)
        {
            throw new ConfigSyntaxException(new SourceLocation(path, 1, 1), "file not found");
        }

        if (entry.Size > context.Options.MaxConfigBytes)
        {
            throw new ConfigSyntaxException(
                new SourceLocation(path, 1, 1),
                $"too large: {entry.Size} bytes, at most {context.Options.MaxConfigBytes} (never truncated)");
        }

        return ConfigFileText.ReadAll(fs, entry);
    }

    /// <summary>Picks the flavour: the option, else Red Hat's when the config runs <c>blscfg</c> (EL8 or Fedora by os-release), else upstream.</summary>
    /// <param name="context">The configuration's file system and options.</param>
    /// <param name="configText">The configuration's text, or <see langword="null"/> when there is none (BootLoaderSpec entries only).</param>
    /// <param name="why">The reason, for the explanation.</param>
    /// <param name="parsed">The configuration's parse when deciding needed one (it names <c>blscfg</c>), for the evaluator to run.</param>
    internal static Grub2Flavour DetectFlavour(BootConfigContext context, string? configText, out string why, out ParsedFile? parsed)
    {
        parsed = null;
        switch (context.Options.GrubFlavour?.ToLowerInvariant())
        {
            case "upstream":
                why = "forced by option";
                return Grub2Flavour.Upstream;
            case "el8":
                why = "forced by option";
                return Grub2Flavour.El8;
            case "fedora":
                why = "forced by option";
                return Grub2Flavour.Fedora;
        }

        if (configText is not null && !UsesBlscfg(configText, context.ConfigPath, out parsed))
        {
            why = "the configuration does not use blscfg";
            return Grub2Flavour.Upstream;
        }

        foreach (string osRelease in (string[])["/etc/os-release", "/usr/lib/os-release"])
        {
            IFileSystemReader? fs = context.FileSystem;
            FileSystemEntry? entry = fs.Lookup(PathBytes.FromConfigText(osRelease));
            foreach (string device in context.Devices.DeviceNames)
            {
                if (entry is not null)
                {
                    break;
                }

                fs = context.Devices.Open(device);
                entry = fs?.Lookup(PathBytes.FromConfigText(osRelease));
            }

            if (entry is null || fs is null || entry.Type != FileSystemEntryType.Regular || entry.Size > 65536)
            {
                continue;
            }

            byte[] bytes = new byte[entry.Size];
            int read = fs.Read(entry, 0, bytes);
            string text = Encoding.Latin1.GetString(bytes, 0, read);
            string id = OsReleaseValue(text, "ID");
            string version = OsReleaseValue(text, "VERSION_ID");
            bool el8 = id is "rhel" or "centos" or "rocky" or "almalinux" or "ol" && version.StartsWith('8');
            why = $"blscfg is used and {osRelease} says ID={id} VERSION_ID={version}";
            return el8 ? Grub2Flavour.El8 : Grub2Flavour.Fedora;
        }

        why = "blscfg is used and no os-release was readable; Fedora/EL9 rules assumed";
        return Grub2Flavour.Fedora;
    }

    private static string OsReleaseValue(string text, string key)
    {
        foreach (string line in text.Split('\n'))
        {
            if (line.StartsWith(key + "=", StringComparison.Ordinal))
            {
                return line[(key.Length + 1)..].Trim().Trim('"', '\'');
            }
        }

        return string.Empty;
    }

    private static bool UsesBlscfg(string text, string file, out ParsedFile? parsed)
    {
        if (!text.Contains("blscfg", StringComparison.Ordinal))
        {
            parsed = null;
            return false;
        }

        parsed = ParsedFile.Of(text, file);
        return parsed.Script.Commands.Any(Uses);

        static bool Uses(Command command) => command switch
        {
            SimpleCommand simple => simple.Words[0].Raw == "blscfg" || (simple.Block?.Commands.Any(Uses) ?? false),
            IfCommand conditional => conditional.Condition.Concat(conditional.Then).Concat(conditional.Else).Any(Uses),
            ForCommand loop => loop.Body.Any(Uses),
            WhileCommand loop => loop.Condition.Concat(loop.Body).Any(Uses),
            FunctionDefinition function => function.Body.Commands.Any(Uses),
            _ => false,
        };
    }
}

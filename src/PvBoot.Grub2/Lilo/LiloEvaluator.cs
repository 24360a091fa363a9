using PvBoot.Core.Boot;
using PvBoot.Core.FileSystems;
using PvBoot.Grub2.Common;

namespace PvBoot.Grub2.Lilo;

/// <summary>
/// Evaluates <c>lilo.conf</c>: global defaults, then <c>image=</c>/<c>other=</c> sections, the command line as
/// LILO's <c>bsect.c</c> assembles it, and the default (<c>default=</c> label or alias, else the first section).
/// </summary>
internal static class LiloEvaluator
{
    /// <summary>LILO rejects labels longer than this.</summary>
    private const int MaxLabelLength = 15;

    /// <summary>Evaluates the configuration at <see cref="BootConfigContext.ConfigPath"/>.</summary>
    /// <param name="context">Where the configuration is.</param>
    /// <returns>The menu and the chosen entry.</returns>
    public static BootSelection Evaluate(BootConfigContext context)
    {
        string file = context.ConfigPath;
        string text = ConfigFileText.Read(context.FileSystem, file, context.Options.MaxConfigBytes);
        ConfigLimits.CheckLineLengths(text, file);
        ConfigLimits.PreScanEntries(text, file, line => ConfigLimits.Occurrences(line, "image", StringComparison.Ordinal) + ConfigLimits.Occurrences(line, "other", StringComparison.Ordinal));
        IReadOnlyList<LiloItem> items = GrammarRunner.Run(LiloGrammar.ConfigFile, text, file);
        var explanation = new List<string> { $"read {file} ({text.Length} bytes) as a LILO configuration" };
        var warnings = new List<string>();

        var global = new Dictionary<string, LiloItem>(StringComparer.Ordinal);
        var sections = new List<Section>();
        Section? section = null;
        foreach (LiloItem item in items)
        {
            if (item.Value is { } value && value.Text.Contains('$', StringComparison.Ordinal))
            {
                warnings.Add($"{item.Span.In(file)}: '{DisplayText.Escape(value.Text)}' uses an installer variable; it is kept as written, not expanded");
            }

            if (item.Name is "image" or "other")
            {
                ConfigLimits.CheckEntryCount(sections.Count + 1, item.Span.In(file));
                section = new Section(item);
                sections.Add(section);
            }

            string raw = text.Substring(item.Span.Offset, item.Span.Length);
            if (section is null)
            {
                global[item.Name] = item;
            }
            else
            {
                section.Options[item.Name] = item;
                section.Lines.Add(raw);
            }
        }

        var entries = new List<BootEntry>();
        foreach (Section s in sections)
        {
            entries.Add(Build(context, s, global, entries.Count, warnings));
        }

        explanation.Add("LILO puts BOOT_IMAGE=<label> in front of the command line at boot; it is left out here, as for every PV kernel");
        double? timeout = Timeout(global, warnings, file);
        BootEntry? chosen = Choose(global, sections, entries, explanation, warnings);
        if (chosen is not null && !chosen.IsBootable)
        {
            explanation.Add($"'{DisplayText.Escape(chosen.Title)}' cannot boot: {chosen.NotBootableReason}");
            chosen = null;
        }

        return new BootSelection
        {
            ConfigFormat = "lilo",
            ConfigPath = file,
            Menu = entries,
            Chosen = chosen,
            TimeoutSeconds = timeout,
            Explanation = explanation,
            Warnings = warnings,
        };
    }

    private static double? Timeout(Dictionary<string, LiloItem> global, List<string> warnings, string file)
    {
        if (!global.ContainsKey("prompt"))
        {
            return 0;
        }

        if (global.TryGetValue("timeout", out LiloItem? item) && item.Value is { } value)
        {
            if (int.TryParse(value.Text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int tenths))
            {
                return tenths / 10.0;
            }

            warnings.Add($"{item.Span.In(file)}: timeout '{DisplayText.Escape(value.Text)}' is not a number");
        }

        return null;
    }

    private static BootEntry? Choose(Dictionary<string, LiloItem> global, List<Section> sections, List<BootEntry> entries, List<string> explanation, List<string> warnings)
    {
        if (entries.Count == 0)
        {
            explanation.Add("no image= or other= section: nothing to boot");
            return null;
        }

        if (global.TryGetValue("default", out LiloItem? item) && item.Value is { } value)
        {
            for (int i = 0; i < sections.Count; i++)
            {
                if (string.Equals(entries[i].Id, value.Text, StringComparison.OrdinalIgnoreCase)
                    || (sections[i].Options.TryGetValue("alias", out LiloItem? alias) && string.Equals(alias.Value?.Text, value.Text, StringComparison.OrdinalIgnoreCase)))
                {
                    explanation.Add($"default={DisplayText.Escape(value.Text)} names '{DisplayText.Escape(entries[i].Title)}'");
                    return entries[i];
                }
            }

            warnings.Add($"default={DisplayText.Escape(value.Text)} names no label or alias (the lilo installer would refuse this); the first image is used");
        }

        explanation.Add($"no usable default=: the first section, '{DisplayText.Escape(entries[0].Title)}'");
        return entries[0];
    }

    private static BootEntry Build(BootConfigContext context, Section section, Dictionary<string, LiloItem> global, int index, List<string> warnings)
    {
        string file = context.ConfigPath;
        string path = section.Head.Value?.Text ?? string.Empty;
        string? Option(string name, bool inherit) =>
            section.Options.TryGetValue(name, out LiloItem? own) ? own.Value?.Text ?? string.Empty
            : inherit && global.TryGetValue(name, out LiloItem? shared) ? shared.Value?.Text ?? string.Empty
            : null;
        bool Flag(string name, bool inherit) => section.Options.ContainsKey(name) || (inherit && global.ContainsKey(name));

        string label = Option("label", inherit: false) ?? path[(path.LastIndexOf('/') + 1)..].Replace(' ', '_');
        if (label.Length > MaxLabelLength)
        {
            warnings.Add($"{section.Head.Span.In(file)}: label '{DisplayText.Escape(label)}' is longer than LILO's {MaxLabelLength} characters");
        }

        var lines = section.Lines;
        SourceLocation at = section.Head.Span.In(file);
        if (section.Head.Name == "other")
        {
            return new BootEntry
            {
                Title = label,
                Id = label,
                Index = index,
                NotBootableReason = $"other={DisplayText.Escape(path)} chainloads another operating system, which a PV guest cannot run",
                Location = at,
                Lines = lines,
            };
        }

        // bsect.c: "ro "/"rw ", "root=X ", "ramdisk=N ", the append text, then addappend; literal replaces it all.
        var parts = new List<string>();
        // Each flag counts from the image or the global section; a global read-only and an image read-write give both.
        if (Flag("read-only", inherit: true))
        {
            parts.Add("ro");
        }

        if (Flag("read-write", inherit: true))
        {
            parts.Add("rw");
        }

        if (Option("root", inherit: true) is { Length: > 0 } root)
        {
            parts.Add($"root={root}");
        }

        if (Option("ramdisk", inherit: true) is { Length: > 0 } ramdisk)
        {
            parts.Add($"ramdisk={ramdisk}");
        }

        if (Option("append", inherit: true) is { Length: > 0 } append)
        {
            parts.Add(append);
        }

        if (Option("addappend", inherit: false) is { Length: > 0 } addAppend)
        {
            parts.Add(addAppend);
        }

        string arguments = Option("literal", inherit: false) ?? string.Join(' ', parts);
        string? reason = path.StartsWith('/') ? CheckExists(context.FileSystem, path, "kernel") : $"image={DisplayText.Escape(path)} is not an absolute path";
        var initrds = new List<BootFile>();
        if (Option("initrd", inherit: true) is { Length: > 0 } initrd)
        {
            initrds.Add(new BootFile(null, initrd));
            reason ??= initrd.StartsWith('/') ? CheckExists(context.FileSystem, initrd, "initrd") : $"initrd={DisplayText.Escape(initrd)} is not an absolute path";
        }

        return new BootEntry
        {
            Title = label,
            Id = label,
            Index = index,
            Kernel = new BootFile(null, path),
            Initrds = initrds,
            Arguments = arguments,
            NotBootableReason = reason,
            Location = at,
            Lines = lines,
        };
    }

    private static string? CheckExists(IFileSystemReader fileSystem, string path, string what)
    {
        FileSystemEntry? entry = fileSystem.Lookup(PathBytes.FromConfigText(path));
        return entry switch
        {
            null => $"the {what} {DisplayText.Escape(path)} does not exist in the file system holding lilo.conf (a separate /boot is not mapped)",
            { Type: FileSystemEntryType.Regular } => null,
            _ => $"the {what} {DisplayText.Escape(path)} is not a regular file",
        };
    }

    private sealed class Section(LiloItem head)
    {
        public LiloItem Head { get; } = head;

        public Dictionary<string, LiloItem> Options { get; } = new(StringComparer.Ordinal);

        public List<string> Lines { get; } = [];
    }
}

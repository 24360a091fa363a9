using PvBoot.Core.Boot;
using PvBoot.Core.FileSystems;
using PvBoot.Grub2.Common;
using Sprache;

namespace PvBoot.Grub2.Legacy;

/// <summary>
/// Builds the menu of a GRUB legacy configuration as <c>stage2.c</c> does (entries without a recognised command are
/// dropped and not numbered), evaluates each entry with a recording loader, and resolves <c>default</c>/<c>fallback</c>.
/// </summary>
internal static class GrubLegacyEvaluator
{
    /// <summary>The largest saved-default file read; GRUB reads the first 10 bytes.</summary>
    private const int SavedDefaultBytes = 10;

    /// <summary>GRUB legacy keeps at most this many fallback entries.</summary>
    private const int MaxFallbackEntries = 8;

    /// <summary>The commands GRUB legacy 0.97 (with the Debian and Red Hat patches) knows; any other line is skipped.</summary>
    private static readonly HashSet<string> KnownCommands = new(StringComparer.Ordinal)
    {
        "background", "blocklist", "boot", "bootp", "cat", "chainloader", "clear", "cmp", "color", "configfile",
        "debug", "default", "device", "dhcp", "displayapm", "displaymem", "embed", "fallback", "find", "foreground",
        "fstest", "geometry", "gfxmenu", "halt", "help", "hiddenmenu", "hide", "ifconfig", "impsprobe", "initrd",
        "install", "ioprobe", "kernel", "lock", "makeactive", "map", "md5crypt", "module", "modulenounzip", "pager",
        "partnew", "parttype", "password", "pause", "quit", "rarp", "read", "reboot", "root", "rootnoverify",
        "savedefault", "serial", "setkey", "setup", "shade", "splashimage", "terminal", "terminfo", "testload",
        "testvbe", "tftpserver", "timeout", "title", "unhide", "uppermem", "vbeprobe", "viewport",
    };

    /// <summary>Evaluates the configuration at <see cref="BootConfigContext.ConfigPath"/>.</summary>
    /// <param name="context">Where the configuration is.</param>
    /// <returns>The menu and the chosen entry.</returns>
    public static BootSelection Evaluate(BootConfigContext context)
    {
        string file = context.ConfigPath;
        string text = ConfigFileText.Read(context.FileSystem, file, context.Options.MaxConfigBytes);
        ConfigLimits.CheckLineLengths(text, file);
        ConfigLimits.PreScanEntries(text, file, line => line.StartsWith("title", StringComparison.Ordinal) ? 1 : 0);
        IReadOnlyList<GrubLegacyLine> lines = GrammarRunner.Run(GrubLegacyGrammar.ConfigFile, text, file);

        var explanation = new List<string> { $"read {file} ({text.Length} bytes) as a GRUB legacy menu" };
        var warnings = new List<string>();
        var menu = BuildMenu(context, lines, explanation, warnings);
        double? timeout = menu.Timeout;
        explanation.Add(timeout is null
            ? "no timeout: GRUB legacy waits for a key; the default entry is what it highlights"
            : $"timeout {timeout} s{(menu.HiddenMenu ? " with a hidden menu" : string.Empty)}");
        if (menu.Password is not null)
        {
            explanation.Add($"a menu password is set ({(menu.Password.StartsWith("--md5", StringComparison.Ordinal) ? "MD5" : "plain text")}): " +
                "it guards interactive editing and locked entries, not the automatic boot of the default");
        }

        int count = menu.Entries.Count;
        var entries = new List<BootEntry>(count);
        var notes = new Dictionary<BootEntry, string>();
        foreach (PendingEntry pending in menu.Entries)
        {
            entries.Add(EvaluateEntry(context, pending, warnings, notes));
        }

        BootEntry? chosen = Choose(menu, entries, explanation);
        if (chosen is not null && notes.TryGetValue(chosen, out string? note))
        {
            explanation.Add(note);
        }

        return new BootSelection
        {
            ConfigFormat = "grub-legacy",
            ConfigPath = file,
            Menu = entries,
            Chosen = chosen,
            TimeoutSeconds = timeout,
            Explanation = explanation,
            Warnings = warnings,
        };
    }

    private static MenuState BuildMenu(BootConfigContext context, IReadOnlyList<GrubLegacyLine> lines, List<string> explanation, List<string> warnings)
    {
        var state = new MenuState();
        PendingEntry? current = null;
        int pygrubImages = 0;
        int pygrubLinesInLast = 0;
        foreach (GrubLegacyLine line in lines)
        {
            if (line is not GrubLegacyCommand command)
            {
                continue;
            }

            // pygrub starts an image at every stripped line beginning with "title" and counts every other line in it.
            bool pygrubTitle = command.Raw.StartsWith("title", StringComparison.Ordinal);
            if (pygrubTitle)
            {
                pygrubImages++;
                pygrubLinesInLast = 0;
            }
            else if (pygrubImages > 0)
            {
                pygrubLinesInLast++;
            }

            bool known = KnownCommands.Contains(command.Name);
            if (command.Name == "title")
            {
                if (current is not null && current.Commands.Count > 0)
                {
                    state.Add(current);
                }
                else if (current is not null)
                {
                    explanation.Add($"entry '{DisplayText.Escape(current.Title)}' at line {current.Span.Line} has no command GRUB knows: dropped and not numbered");
                }

                ConfigLimits.CheckEntryCount(state.Entries.Count + 1, command.Span.In(context.ConfigPath));
                current = new PendingEntry(command.Argument, command.Span, pygrubTitle ? pygrubImages - 1 : -1);
                continue;
            }

            if (current is not null)
            {
                current.Lines.Add(command.Raw);
                if (known)
                {
                    current.Commands.Add(command);
                }
                else
                {
                    warnings.Add($"{command.Span.In(context.ConfigPath)}: unknown command '{DisplayText.Escape(command.Name)}' skipped, as GRUB legacy does");
                }

                continue;
            }

            ApplyMenuCommand(context, state, command, known, explanation, warnings);
        }

        if (current is not null && current.Commands.Count > 0)
        {
            state.Add(current);
        }
        else if (current is not null)
        {
            explanation.Add($"entry '{DisplayText.Escape(current.Title)}' at line {current.Span.Line} has no command GRUB knows: dropped and not numbered");
        }

        // pygrub drops only a trailing image without any line.
        if (pygrubImages > 0 && pygrubLinesInLast == 0)
        {
            foreach (PendingEntry entry in state.Entries.Where(e => e.PygrubIndex == pygrubImages - 1))
            {
                entry.PygrubIndex = -1;
            }
        }

        return state;
    }

    private static void ApplyMenuCommand(BootConfigContext context, MenuState state, GrubLegacyCommand command, bool known, List<string> explanation, List<string> warnings)
    {
        SourceLocation at = command.Span.In(context.ConfigPath);
        switch (command.Name)
        {
            case "default":
                ApplyDefault(context, state, command, explanation, warnings);
                break;
            case "fallback":
                state.Fallbacks.Clear();
                foreach (string word in command.Argument.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                {
                    if (state.Fallbacks.Count == MaxFallbackEntries || !TryParseLeadingNumber(word, out int number))
                    {
                        break;
                    }

                    state.Fallbacks.Add(number);
                }

                explanation.Add($"{at}: fallback {string.Join(' ', state.Fallbacks)}");
                break;
            case "timeout":
                if (TryParseLeadingNumber(command.Argument, out int seconds))
                {
                    state.Timeout = seconds;
                }
                else
                {
                    warnings.Add($"{at}: timeout '{DisplayText.Escape(command.Argument)}' is not a number; GRUB ignores it");
                }

                break;
            case "hiddenmenu":
                state.HiddenMenu = true;
                break;
            case "password":
                state.Password = command.Argument;
                break;
            case "splashimage":
            case "gfxmenu":
            case "color":
            case "serial":
            case "terminal":
            case "foreground":
            case "background":
                break;
            default:
                if (!known)
                {
                    warnings.Add($"{at}: unknown command '{DisplayText.Escape(command.Name)}' skipped, as GRUB legacy does");
                }

                break;
        }
    }

    private static void ApplyDefault(BootConfigContext context, MenuState state, GrubLegacyCommand command, List<string> explanation, List<string> warnings)
    {
        SourceLocation at = command.Span.In(context.ConfigPath);
        string argument = command.Argument.TrimEnd(' ');
        if (argument.StartsWith("saved", StringComparison.Ordinal))
        {
            string savedPath = ConfigPaths.Resolve(ConfigPaths.DirectoryOf(context.ConfigPath), "default");
            int saved = ReadSavedDefault(context.FileSystem, savedPath, out string how);
            state.Default = saved;
            explanation.Add($"{at}: default saved → {saved} ({how})");
            return;
        }

        if (TryParseLeadingNumber(argument, out int number))
        {
            state.Default = number;
            explanation.Add($"{at}: default {number}");
        }
        else
        {
            warnings.Add($"{at}: default '{DisplayText.Escape(argument)}' is not a number GRUB can read (negative, overflowing or text); the default stays {state.Default}");
        }
    }

    private static int ReadSavedDefault(IFileSystemReader fileSystem, string path, out string how)
    {
        FileSystemEntry? entry = fileSystem.Lookup(PathBytes.FromConfigText(path));
        if (entry is null || entry.Type != FileSystemEntryType.Regular)
        {
            how = $"{path} does not exist";
            return 0;
        }

        Span<byte> buffer = stackalloc byte[SavedDefaultBytes];
        int read = fileSystem.Read(entry, 0, buffer);

        // GRUB terminates the 10-byte buffer at its last byte, so at most 9 characters count.
        string text = System.Text.Encoding.Latin1.GetString(buffer[..Math.Min(read, SavedDefaultBytes - 1)]);
        int colon = text.IndexOf(':', StringComparison.Ordinal);
        string digits = colon >= 0 ? text[(colon + 1)..] : text;
        if (TryParseLeadingNumber(digits, out int value))
        {
            how = $"read from {path}";
            return value;
        }

        how = $"{path} holds no number";
        return 0;
    }

    private static bool TryParseLeadingNumber(string text, out int value)
    {
        IResult<int> result = GrubLegacyGrammar.Number(new TextInput(text.TrimStart(' ')));
        value = result.WasSuccessful ? result.Value : 0;
        return result.WasSuccessful;
    }

    private static BootEntry EvaluateEntry(BootConfigContext context, PendingEntry pending, List<string> warnings, Dictionary<BootEntry, string> notes)
    {
        var recorder = new GrubLegacyEntryRecorder(context, warnings);
        foreach (GrubLegacyCommand command in pending.Commands)
        {
            if (!recorder.Run(command))
            {
                break;
            }
        }

        string? reason = recorder.Finish();
        var entry = new BootEntry
        {
            Title = pending.Title,
            Index = pending.Index,
            FlatIndex = pending.PygrubIndex,
            Kernel = recorder.Kernel,
            Initrds = recorder.Initrds,
            Arguments = recorder.Arguments,
            NotBootableReason = reason,
            Location = pending.Span.In(context.ConfigPath),
            Lines = pending.Lines,
        };
        if (recorder.Note is { } note)
        {
            notes[entry] = note;
        }

        return entry;
    }

    private static BootEntry? Choose(MenuState menu, List<BootEntry> entries, List<string> explanation)
    {
        if (entries.Count == 0)
        {
            explanation.Add("the menu has no entries: GRUB legacy would drop to its command line");
            return null;
        }

        var fallbacks = menu.Fallbacks.Where(f => f < entries.Count).ToList();
        if (fallbacks.Count != menu.Fallbacks.Count)
        {
            explanation.Add($"fallback entries past the last entry ({entries.Count - 1}) removed");
        }

        int first = menu.Default;
        if (first >= entries.Count)
        {
            if (fallbacks.Count > 0)
            {
                first = fallbacks[0];
                fallbacks.RemoveAt(0);
                explanation.Add($"default {menu.Default} is past the last entry: the first fallback, {first}, becomes the default");
            }
            else
            {
                explanation.Add($"default {menu.Default} is past the last entry: entry 0 becomes the default");
                first = 0;
            }
        }

        BootEntry candidate = entries[first];
        explanation.Add($"default entry {first}: '{DisplayText.Escape(candidate.Title)}'");
        if (candidate.IsBootable)
        {
            return candidate;
        }

        explanation.Add($"entry {first} cannot boot: {candidate.NotBootableReason ?? "no kernel"}");
        foreach (int fallback in fallbacks)
        {
            BootEntry next = entries[fallback];
            if (next.IsBootable)
            {
                explanation.Add($"fallback to entry {fallback}: '{DisplayText.Escape(next.Title)}'");
                return next;
            }

            explanation.Add($"fallback entry {fallback} cannot boot either: {next.NotBootableReason ?? "no kernel"}");
        }

        explanation.Add(fallbacks.Count == 0 && menu.Fallbacks.Count == 0
            ? "no fallback is configured: GRUB legacy would stop with an error"
            : "no fallback entry can boot");
        return null;
    }

    private sealed class MenuState
    {
        public List<PendingEntry> Entries { get; } = [];

        public List<int> Fallbacks { get; } = [];

        public int Default { get; set; }

        public double? Timeout { get; set; }

        public bool HiddenMenu { get; set; }

        public string? Password { get; set; }

        public void Add(PendingEntry entry)
        {
            entry.Index = Entries.Count;
            Entries.Add(entry);
        }
    }

    private sealed class PendingEntry(string title, SourceSpan span, int pygrubIndex)
    {
        public string Title { get; } = title;

        public SourceSpan Span { get; } = span;

        public int PygrubIndex { get; set; } = pygrubIndex;

        public int Index { get; set; } = -1;

        public List<GrubLegacyCommand> Commands { get; } = [];

        public List<string> Lines { get; } = [];
    }
}

using PvBoot.Core.Boot;
using PvBoot.Core.FileSystems;
using PvBoot.Grub2.Common;

namespace PvBoot.Grub2.Syslinux;

/// <summary>
/// Evaluates a syslinux configuration: reads it with its <c>INCLUDE</c>s (depth-capped, cycles rejected), builds the
/// labels, expands each into kernel, initrds and command line, and resolves the default as syslinux does.
/// </summary>
internal sealed class SyslinuxEvaluator
{
    /// <summary>syslinux pads every initrd but the last to a 4 KiB boundary when it loads several.</summary>
    private const int SyslinuxInitrdAlignment = 4096;

    private static readonly string[] KernelKeywords = ["KERNEL", "LINUX", "BOOT", "BSS", "PXE", "FDIMAGE", "COMBOOT", "COM32", "CONFIG", "LOCALBOOT"];

    private readonly BootConfigContext context;
    private readonly List<string> explanation = [];
    private readonly List<string> warnings = [];
    private readonly List<SyslinuxLabel> labels = [];
    private readonly Dictionary<string, SyslinuxLabel> byName = new(StringComparer.Ordinal);
    private readonly List<string> openFiles = [];
    private readonly List<string> submenus = [];
    private readonly Dictionary<string, string> mbootNotes = new(StringComparer.Ordinal);
    private readonly List<int> submenuCounts = [0];
    private int filesRead;
    private int pygrubLabels;
    private SyslinuxLabel? current;
    private string? globalAppend;
    private string? defaultCommand;
    private string? ui;
    private string? onTimeout;
    private string? onError;
    private int timeoutTenths;
    private int totalTimeoutTenths;
    private bool prompt;

    private SyslinuxEvaluator(BootConfigContext context, int filesRead)
    {
        this.context = context;
        this.filesRead = filesRead;
    }

    /// <summary>Evaluates the configuration at <see cref="BootConfigContext.ConfigPath"/>.</summary>
    /// <param name="context">Where the configuration is.</param>
    /// <returns>The menu and the chosen entry.</returns>
    public static BootSelection Evaluate(BootConfigContext context) => Evaluate(context, context.ConfigPath, 0, []);

    private static BootSelection Evaluate(BootConfigContext context, string path, int depth, IReadOnlyList<string> chain, string? workingDirectory = null)
    {
        var evaluator = new SyslinuxEvaluator(context, depth);
        evaluator.openFiles.AddRange(chain);
        evaluator.ReadFile(path, workingDirectory ?? ConfigPaths.DirectoryOf(path), null, main: true);
        return evaluator.Finish(path, depth);
    }

    private void ReadFile(string path, string directory, SourceLocation? includedAt, bool main)
    {
        if (openFiles.Contains(path, StringComparer.Ordinal))
        {
            throw new ConfigSyntaxException(includedAt ?? new SourceLocation(path, 1, 1),
                $"INCLUDE cycle: {DisplayText.Escape(path)} is already being read ({string.Join(" → ", openFiles.Select(f => DisplayText.Escape(f)))})");
        }

        if (openFiles.Count >= ConfigLimits.MaxIncludeDepth)
        {
            throw new ConfigSyntaxException(includedAt ?? new SourceLocation(path, 1, 1),
                $"INCLUDE nesting deeper than {ConfigLimits.MaxIncludeDepth} files");
        }

        if (++filesRead > ConfigLimits.MaxIncludedFiles)
        {
            throw new ConfigSyntaxException(includedAt ?? new SourceLocation(path, 1, 1),
                $"more than {ConfigLimits.MaxIncludedFiles} configuration files read through INCLUDE");
        }

        string? text = ConfigFileText.TryRead(context.FileSystem, path, context.Options.MaxConfigBytes);
        if (text is null)
        {
            if (includedAt is null)
            {
                throw new ConfigSyntaxException(new SourceLocation(path, 1, 1), "the configuration file does not exist or is not a regular file");
            }

            warnings.Add($"{includedAt}: INCLUDE {DisplayText.Escape(path)} does not exist; syslinux skips it");
            return;
        }

        ConfigLimits.CheckLineLengths(text, path);
        ConfigLimits.PreScanEntries(text, path, line => line.StartsWith("label", StringComparison.OrdinalIgnoreCase) ? 1 : 0);
        IReadOnlyList<SyslinuxLine> lines = GrammarRunner.Run(SyslinuxGrammar.ConfigFile, text, path);
        explanation.Add(includedAt is null
            ? $"read {path} ({text.Length} bytes) as a syslinux configuration"
            : $"{includedAt}: included {path} ({text.Length} bytes)");
        openFiles.Add(path);
        foreach (SyslinuxLine line in lines)
        {
            if (line is SyslinuxDirective directive)
            {
                string raw = text.Substring(directive.Span.Offset, directive.Span.Length).TrimEnd(' ', '\t', '\r');
                Apply(directive, raw, path, directory, main);
            }
        }

        openFiles.RemoveAt(openFiles.Count - 1);
    }

    private void Apply(SyslinuxDirective directive, string raw, string file, string directory, bool main)
    {
        SourceLocation at = directive.Span.In(file);
        string argument = directive.Argument;
        if (directive.Keyword == "LABEL")
        {
            StartLabel(directive, raw, file, directory, main);
            return;
        }

        current?.Lines.Add(raw);
        switch (directive.Keyword)
        {
            case "DEFAULT":
                defaultCommand = argument;
                return;
            case "UI":
                ui = argument;
                return;
            case "ONTIMEOUT":
                onTimeout = argument;
                return;
            case "ONERROR":
                onError = argument;
                return;
            case "TIMEOUT":
                timeoutTenths = ParseTenths(argument, at);
                return;
            case "TOTALTIMEOUT":
                totalTimeoutTenths = ParseTenths(argument, at);
                return;
            case "PROMPT":
                prompt = ParseTenths(argument, at) != 0;
                return;
            case "APPEND":
                if (current is null)
                {
                    globalAppend = argument;
                }
                else
                {
                    current.Append = argument;
                }

                return;
            case "INITRD":
                if (current is not null)
                {
                    current.Initrd = argument;
                }

                return;
            case "IPAPPEND":
            case "SYSAPPEND":
                if (current is not null)
                {
                    current.IpAppend = argument;
                }

                return;
            case "INCLUDE":
            case "MENU INCLUDE":
                string target = argument.Split([' ', '\t'], 2)[0];
                if (target.Length > 0)
                {
                    ReadFile(ConfigPaths.Resolve(directory, target), directory, at, main: false);
                }

                return;
            case "MENU LABEL":
                if (current is not null)
                {
                    current.MenuLabel = argument;
                }

                return;
            case "MENU DEFAULT":
                if (current is not null)
                {
                    current.MenuDefault = true;
                }

                return;
            case "MENU HIDE":
                if (current is not null)
                {
                    current.MenuHide = true;
                }

                return;
            case "MENU BEGIN":
                current = null;
                submenus.Add(argument);
                submenuCounts.Add(0);
                return;
            case "MENU END":
                current = null;
                if (submenus.Count > 0)
                {
                    submenus.RemoveAt(submenus.Count - 1);
                    submenuCounts.RemoveAt(submenuCounts.Count - 1);
                }

                return;
        }

        if (Array.IndexOf(KernelKeywords, directive.Keyword) >= 0)
        {
            if (current is null)
            {
                warnings.Add($"{at}: {directive.Keyword} outside a LABEL is ignored");
                return;
            }

            current.KernelKeyword = directive.Keyword;
            current.Kernel = argument;
        }
    }

    private void StartLabel(SyslinuxDirective directive, string raw, string file, string directory, bool main)
    {
        SourceLocation at = directive.Span.In(file);
        string name = directive.Argument.Split([' ', '\t'], 2)[0];
        int pygrubIndex = -1;
        if (main)
        {
            pygrubIndex = pygrubLabels++;
        }

        var label = new SyslinuxLabel
        {
            Name = name,
            File = file,
            Directory = directory,
            Span = directive.Span,
            SubmenuPath = [.. submenus],
            Kernel = name,
            PygrubIndex = pygrubIndex,
        };
        label.Lines.Add(raw);
        current = label;
        if (name.Length == 0)
        {
            warnings.Add($"{at}: LABEL without a name is ignored");
            return;
        }

        if (byName.ContainsKey(name))
        {
            warnings.Add($"{at}: LABEL {DisplayText.Escape(name)} is defined again; syslinux uses the first definition");
            return;
        }

        ConfigLimits.CheckEntryCount(labels.Count + 1, at);
        label.Index = submenuCounts[^1]++;
        labels.Add(label);
        byName.Add(name, label);
    }

    private int ParseTenths(string argument, SourceLocation at)
    {
        string digits = new(argument.TakeWhile(char.IsAsciiDigit).ToArray());
        if (digits.Length == 0)
        {
            return 0;
        }

        if (int.TryParse(digits, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int value))
        {
            return value;
        }

        warnings.Add($"{at}: '{DisplayText.Escape(argument)}' is too large a number; read as 0");
        return 0;
    }

    private BootSelection Finish(string path, int depth)
    {
        var entries = labels.Select(Expand).ToList();
        bool menuUi = IsMenuModule(ui);
        if (!menuUi && ui is null && defaultCommand is not null && !byName.ContainsKey(FirstWord(defaultCommand)) && IsMenuModule(FirstWord(defaultCommand)))
        {
            explanation.Add($"DEFAULT {DisplayText.Escape(defaultCommand)} runs the menu module (old-style UI)");
            menuUi = true;
        }

        double? timeout = (menuUi || prompt) switch
        {
            true when timeoutTenths > 0 => timeoutTenths / 10.0,
            true when totalTimeoutTenths > 0 => totalTimeoutTenths / 10.0,
            true => null,
            false => 0,
        };
        explanation.Add(timeout switch
        {
            null => "no TIMEOUT: the menu waits for a key; the default entry is what it highlights",
            0 => "no menu and no PROMPT: syslinux boots the default at once",
            _ => $"timeout {timeout} s (TIMEOUT/TOTALTIMEOUT are tenths of a second)",
        });

        BootEntry? chosen = ChooseDefault(entries, menuUi, out string? configTarget, out SyslinuxLabel? configLabel);
        if (configTarget is not null && configLabel is not null)
        {
            return FollowConfig(path, depth, configTarget, configLabel, entries, timeout);
        }

        if (chosen is not null && !chosen.IsBootable)
        {
            explanation.Add($"'{DisplayText.Escape(chosen.Title)}' cannot boot: {chosen.NotBootableReason}");
            BootEntry? rescue = onError is null ? null : Lookup(onError, entries, "ONERROR");
            if (rescue is not null && rescue.IsBootable)
            {
                explanation.Add($"ONERROR {DisplayText.Escape(onError!)} runs instead");
                chosen = rescue;
            }
            else
            {
                chosen = null;
            }
        }

        if (chosen is { IsBootable: true, Id: { } id } && mbootNotes.TryGetValue(id, out string? note))
        {
            explanation.Add(note);
        }

        return new BootSelection
        {
            ConfigFormat = "syslinux",
            ConfigPath = path,
            Menu = entries,
            Chosen = chosen,
            TimeoutSeconds = timeout,
            Explanation = explanation,
            Warnings = warnings,
        };
    }

    private BootSelection FollowConfig(string path, int depth, string target, SyslinuxLabel label, List<BootEntry> entries, double? timeout)
    {
        SourceLocation at = label.Span.In(label.File);
        string[] words = target.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 0)
        {
            explanation.Add($"{at}: CONFIG without a file name");
            return new BootSelection { ConfigFormat = "syslinux", ConfigPath = path, Menu = entries, TimeoutSeconds = timeout, Explanation = explanation, Warnings = warnings };
        }

        string next = ConfigPaths.Resolve(label.Directory, words[0]);
        explanation.Add($"{at}: label {DisplayText.Escape(label.Name)} switches to the configuration {next}");
        var chain = new List<string>(openFiles) { path };
        if (chain.Contains(next, StringComparer.Ordinal))
        {
            throw new ConfigSyntaxException(at, $"CONFIG cycle: {DisplayText.Escape(next)} is already being read");
        }

        if (depth + 1 >= ConfigLimits.MaxIncludeDepth)
        {
            throw new ConfigSyntaxException(at, $"CONFIG nesting deeper than {ConfigLimits.MaxIncludeDepth} files");
        }

        // CONFIG file [dir]: the optional second word becomes the directory relative names are resolved against.
        string? workingDirectory = words.Length > 1 ? ConfigPaths.Resolve(label.Directory, words[1]) : null;
        BootSelection inner = Evaluate(context, next, depth + 1, chain, workingDirectory);
        return new BootSelection
        {
            ConfigFormat = "syslinux",
            ConfigPath = inner.ConfigPath,
            Menu = inner.Menu,
            Chosen = inner.Chosen,
            TimeoutSeconds = inner.TimeoutSeconds,
            Explanation = [.. explanation, .. inner.Explanation],
            Warnings = [.. warnings, .. inner.Warnings],
        };
    }

    private BootEntry? ChooseDefault(List<BootEntry> entries, bool menuUi, out string? configTarget, out SyslinuxLabel? configLabel)
    {
        configTarget = null;
        configLabel = null;
        BootEntry? chosen = null;
        if (menuUi)
        {
            int marked = labels.FindLastIndex(l => l.MenuDefault && !l.MenuHide);
            if (marked >= 0)
            {
                chosen = entries[marked];
                explanation.Add($"menu UI: MENU DEFAULT marks label {DisplayText.Escape(labels[marked].Name)}");
                if (defaultCommand is not null && byName.TryGetValue(FirstWord(defaultCommand), out SyslinuxLabel? named) && named != labels[marked])
                {
                    warnings.Add($"DEFAULT names label {DisplayText.Escape(named.Name)} but MENU DEFAULT marks {DisplayText.Escape(labels[marked].Name)}; " +
                        "PvBoot follows MENU DEFAULT (some menu.c32 builds let DEFAULT win)");
                }
            }
        }

        if (chosen is null && defaultCommand is not null && defaultCommand.Length > 0)
        {
            chosen = Lookup(defaultCommand, entries, "DEFAULT");
        }

        if (chosen is null && onTimeout is not null && onTimeout.Length > 0)
        {
            chosen = Lookup(onTimeout, entries, "ONTIMEOUT");
        }

        if (chosen is null)
        {
            int first = menuUi ? labels.FindIndex(l => !l.MenuHide) : (labels.Count > 0 ? 0 : -1);
            if (first >= 0)
            {
                chosen = entries[first];
                explanation.Add($"no usable MENU DEFAULT, DEFAULT or ONTIMEOUT: the first label, {DisplayText.Escape(labels[first].Name)}");
            }
            else
            {
                explanation.Add("the configuration defines no label to boot");
            }
        }

        if (chosen is not null && chosen.Index >= 0 && chosen.Id is not null && byName.TryGetValue(chosen.Id, out SyslinuxLabel? label)
            && label.KernelKeyword == "CONFIG")
        {
            configTarget = label.Kernel;
            configLabel = label;
        }

        return chosen;
    }

    private BootEntry? Lookup(string command, List<BootEntry> entries, string source)
    {
        string word = FirstWord(command);
        string extra = command.Length > word.Length ? command[word.Length..].Trim(' ', '\t') : string.Empty;
        int index = labels.FindIndex(l => l.Name == word);
        if (index >= 0)
        {
            BootEntry entry = entries[index];
            explanation.Add($"{source} {DisplayText.Escape(command)} names label {DisplayText.Escape(word)}");
            if (extra.Length == 0)
            {
                return entry;
            }

            explanation.Add($"the extra words after the label are appended to its command line: {DisplayText.Escape(extra)}");
            return Copy(entry, entry.Arguments.Length == 0 ? extra : entry.Arguments + " " + extra);
        }

        if (IsMenuModule(word))
        {
            return null;
        }

        explanation.Add($"{source} {DisplayText.Escape(command)} names no label: it is run as typed, kernel {DisplayText.Escape(word)}");
        var synthetic = new SyslinuxLabel
        {
            Name = word,
            File = context.ConfigPath,
            Directory = ConfigPaths.DirectoryOf(context.ConfigPath),
            Span = default,
            SubmenuPath = [],
            Kernel = word,
            Append = extra.Length == 0 ? "-" : extra,
        };
        BootEntry built = Expand(synthetic);
        return new BootEntry
        {
            Title = command,
            Id = null,
            Index = -1,
            FlatIndex = -1,
            Kernel = built.Kernel,
            Initrds = built.Initrds,
            InitrdAlignment = built.InitrdAlignment,
            Arguments = built.Arguments,
            NotBootableReason = built.NotBootableReason,
            Lines = [$"{source} {command}"],
        };
    }

    private static BootEntry Copy(BootEntry entry, string arguments) => new()
    {
        Title = entry.Title,
        Id = entry.Id,
        SubmenuPath = entry.SubmenuPath,
        Index = entry.Index,
        FlatIndex = entry.FlatIndex,
        Kernel = entry.Kernel,
        Initrds = entry.Initrds,
        Arguments = arguments,
        NotBootableReason = entry.NotBootableReason,
        Location = entry.Location,
        Lines = entry.Lines,
    };

    private BootEntry Expand(SyslinuxLabel label)
    {
        string append = label.Append ?? globalAppend ?? string.Empty;
        if (append == "-")
        {
            append = string.Empty;
        }

        string commandLine = append;
        if (label.Initrd is { Length: > 0 } initrd)
        {
            commandLine = commandLine.Length == 0 ? $"initrd={initrd}" : $"{commandLine} initrd={initrd}";
        }

        string kernelName = label.Kernel.Split([' ', '\t'], 2)[0];
        if (context.Options.XenModuleAsKernel && IsMboot(label, kernelName))
        {
            return ExpandMboot(label, kernelName, append);
        }

        string? reason = KernelTypeReason(label, kernelName, append);
        BootFile? kernel = null;
        var initrds = new List<BootFile>();
        if (reason is null && label.KernelKeyword != "CONFIG")
        {
            kernel = new BootFile(null, ConfigPaths.Resolve(label.Directory, kernelName));
            reason = CheckExists(kernel.Path, "kernel");
            string[] parts = FirstInitrd(commandLine);
            if (parts.Length > ConfigLimits.MaxInitrdFiles)
            {
                reason = $"{parts.Length} initrd files, more than the cap of {ConfigLimits.MaxInitrdFiles}";
                parts = [];
            }

            foreach (string part in parts)
            {
                var file = new BootFile(null, ConfigPaths.Resolve(label.Directory, part));
                initrds.Add(file);
                reason ??= CheckExists(file.Path, "initrd");
            }
        }

        if (label.IpAppend is { } flags && flags.Trim() is not ("" or "0"))
        {
            warnings.Add($"{label.Span.In(label.File)}: IPAPPEND/SYSAPPEND {DisplayText.Escape(flags)} adds network options when PXE-booted; nothing is added here");
        }

        return MakeEntry(label, kernel, initrds, commandLine, reason);
    }

    private static bool IsMboot(SyslinuxLabel label, string kernelName)
    {
        string lower = kernelName.ToLowerInvariant();
        return lower[(lower.LastIndexOf('/') + 1)..] == "mboot.c32" && label.KernelKeyword is "KERNEL" or "COM32";
    }

    /// <summary>
    /// <c>KERNEL mboot.c32</c> with <c>APPEND xen.gz ARGS --- vmlinuz ARGS --- initrd</c> and
    /// <see cref="BootConfigOptions.XenModuleAsKernel"/> on. mboot.c32 splits its arguments at words that are exactly
    /// <c>---</c>: the first part is the hypervisor, each further part a module whose command line starts with its file
    /// name (Xen drops that word). Module 1 becomes the kernel with the rest of its words, module 2 the initrd.
    /// </summary>
    private BootEntry ExpandMboot(SyslinuxLabel label, string kernelName, string append)
    {
        var parts = new List<List<string>> { new() };
        foreach (string word in append.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
        {
            if (word == "---")
            {
                parts.Add([]);
            }
            else
            {
                parts[^1].Add(word);
            }
        }

        BootFile? kernel = null;
        var initrds = new List<BootFile>();
        string arguments = string.Empty;
        string? reason = CheckExists(ConfigPaths.Resolve(label.Directory, kernelName), "COM32 module");
        if (parts[0].Count == 0)
        {
            reason ??= "mboot.c32 is given no hypervisor";
        }
        else
        {
            reason ??= CheckExists(ConfigPaths.Resolve(label.Directory, parts[0][0]), "hypervisor");
        }

        if (parts.Count < 2 || parts[1].Count == 0)
        {
            reason ??= "the mboot.c32 entry loads no module to boot as the dom0 kernel";
        }
        else
        {
            kernel = new BootFile(null, ConfigPaths.Resolve(label.Directory, parts[1][0]));
            arguments = string.Join(' ', parts[1].Skip(1));
            reason ??= CheckExists(kernel.Path, "dom0 kernel (module 1)");
            if (parts.Count > 2 && parts[2].Count > 0)
            {
                var initrd = new BootFile(null, ConfigPaths.Resolve(label.Directory, parts[2][0]));
                initrds.Add(initrd);
                reason ??= CheckExists(initrd.Path, "initrd (module 2)");
            }
        }

        if (reason is null && kernel is not null)
        {
            mbootNotes[label.Name] = $"label {DisplayText.Escape(label.Name)} is a Xen hypervisor entry (mboot.c32 {DisplayText.Escape(parts[0][0])}) booted through its dom0 kernel because option XenModuleAsKernel is on: " +
                $"module 1 {DisplayText.Escape(kernel.Path)} is the kernel with the words after its file name as arguments, " +
                (initrds.Count == 0 ? "no module 2, so no initrd" : $"module 2 {DisplayText.Escape(initrds[0].Path)} the initrd") +
                (parts.Count > 3 ? $"; {parts.Count - 3} further module(s) are not used" : string.Empty);
        }

        return MakeEntry(label, kernel, initrds, arguments, reason);
    }

    /// <summary>The menu entry of <paramref name="label"/> with what it loads.</summary>
    private static BootEntry MakeEntry(SyslinuxLabel label, BootFile? kernel, IReadOnlyList<BootFile> initrds, string arguments, string? reason) => new()
    {
        Title = label.MenuLabel is null ? label.Name : label.MenuLabel.Replace("^", string.Empty, StringComparison.Ordinal),
        Id = label.Name,
        SubmenuPath = label.SubmenuPath,
        Index = label.Index,
        FlatIndex = label.PygrubIndex,
        Kernel = kernel,
        Initrds = initrds,
        InitrdAlignment = SyslinuxInitrdAlignment,
        Arguments = arguments,
        NotBootableReason = reason,
        Location = label.Span.In(label.File),
        Lines = label.Lines,
    };

    private static string? KernelTypeReason(SyslinuxLabel label, string kernelName, string append)
    {
        string keyword = label.KernelKeyword;
        string lower = kernelName.ToLowerInvariant();
        string baseName = lower[(lower.LastIndexOf('/') + 1)..];
        if (keyword == "KERNEL")
        {
            keyword = Path.GetExtension(baseName) switch
            {
                ".c32" => "COM32",
                ".cbt" or ".com" => "COMBOOT",
                ".bs" or ".bin" => "BOOT",
                ".bss" => "BSS",
                ".0" => "PXE",
                ".img" => "FDIMAGE",
                ".cfg" or ".conf" => "CONFIG",
                _ => "LINUX",
            };
            label.KernelKeyword = keyword == "CONFIG" ? "CONFIG" : label.KernelKeyword;
        }

        if (kernelName.Length == 0 && keyword is not "LOCALBOOT")
        {
            return "the label names no kernel";
        }

        return keyword switch
        {
            "LINUX" => null,
            "CONFIG" => $"switches to another configuration file ({DisplayText.Escape(kernelName)})",
            "LOCALBOOT" => "boots the local disk (LOCALBOOT), not a kernel",
            "COM32" when baseName == "mboot.c32" =>
                $"a Xen hypervisor entry (mboot.c32 {DisplayText.Escape(append.Split("---")[0].Trim())} --- kernel --- initrd), which a PV guest cannot boot",
            "COM32" when baseName is "menu.c32" or "vesamenu.c32" => $"opens a menu ({baseName}), boots nothing itself",
            "COM32" when baseName == "chain.c32" => "chainloads another boot loader (chain.c32), which a PV guest cannot run",
            "COM32" => $"runs the COM32 module {DisplayText.Escape(baseName)}, not a Linux kernel",
            _ => $"{keyword} {DisplayText.Escape(kernelName)} is not a Linux kernel",
        };
    }

    private string? CheckExists(string path, string what)
    {
        FileSystemEntry? entry = context.FileSystem.Lookup(PathBytes.FromConfigText(path));
        if (entry is null)
        {
            return $"the {what} {DisplayText.Escape(path)} does not exist";
        }

        return entry.Type == FileSystemEntryType.Regular ? null : $"the {what} {DisplayText.Escape(path)} is not a regular file";
    }

    /// <summary>The comma-separated files of the first <c>initrd=</c> word on the command line (syslinux 6 uses the first).</summary>
    private static string[] FirstInitrd(string commandLine)
    {
        foreach (string word in commandLine.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
        {
            if (word.StartsWith("initrd=", StringComparison.Ordinal))
            {
                return word["initrd=".Length..].Split(',', StringSplitOptions.RemoveEmptyEntries);
            }
        }

        return [];
    }

    private static string FirstWord(string command) => command.Split([' ', '\t'], 2)[0];

    private static bool IsMenuModule(string? module)
    {
        if (module is null)
        {
            return false;
        }

        string name = FirstWord(module).ToLowerInvariant();
        name = name[(name.LastIndexOf('/') + 1)..];
        return name is "menu.c32" or "vesamenu.c32" or "menu" or "vesamenu";
    }
}

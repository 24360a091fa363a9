using System.Text;
using PvBoot.Core.Boot;
using PvBoot.Core.FileSystems;
using PvBoot.Grub2.Ast;
using PvBoot.Grub2.Common;

namespace PvBoot.Grub2.Evaluation;

/// <summary>
/// Runs GRUB 2 scripts the way normal mode does to build the menu (grub-core/script/execute.c, normal/main.c):
/// contexts and exported variables, functions, loops and conditions on command status, <c>source</c>,
/// <c>configfile</c>, <c>load_env</c>, <c>search</c>, <c>blscfg</c>; and runs entry bodies with a recording loader.
/// Reads the guest image only; never writes. Every loop, call, file and expansion is budgeted.
/// </summary>
internal sealed partial class Grub2Evaluator
{
    private static readonly char[] FieldSeparators = [' ', '\t', '\r', '\n', '\f', '\v'];

    private readonly BootConfigContext boot;
    private readonly Grub2Budgets budgets;
    private readonly Dictionary<string, FunctionDefinition> functions = new(StringComparer.Ordinal);
    private readonly List<string> explanation = [];
    private readonly List<string> warnings = [];
    private readonly List<string> openFiles = [];
    private Grub2Context current;
    private string[] parameters = [];
    private string currentFile;
    private int lastStatus;
    private int commandCount;
    private int callDepth;
    private long expandedCharacters;
    private LoadRecord? recorder;
    private ControlFlow control;
    private int controlLevels;

    /// <summary>Creates an evaluator for the configuration described by <paramref name="boot"/>.</summary>
    public Grub2Evaluator(BootConfigContext boot, Grub2Flavour flavour, Grub2Budgets? budgets = null)
    {
        ArgumentNullException.ThrowIfNull(boot);
        this.boot = boot;
        Flavour = flavour;
        this.budgets = budgets ?? Grub2Budgets.Default;
        currentFile = boot.ConfigPath;
        current = new Grub2Context();
        TopContext = current;
        Seed();
    }

    private enum ControlFlow
    {
        None,
        Break,
        Continue,
        Return,
    }

    /// <summary>The rules in force.</summary>
    public Grub2Flavour Flavour { get; }

    /// <summary>Every variable <c>load_env</c> set, with its value and the file it came from.</summary>
    public Dictionary<string, (string Value, string File)> LoadedFromGrubenv { get; } = new(StringComparer.Ordinal);

    /// <summary>The top-level context after the configuration ran (or the one a <c>configfile</c> handed over to).</summary>
    public Grub2Context TopContext { get; private set; }

    /// <summary>The file whose menu is shown (the configuration, or a <c>configfile</c> target).</summary>
    public string MenuFile { get; private set; } = string.Empty;

    /// <summary>The explanation trace so far.</summary>
    public List<string> Explanation => explanation;

    /// <summary>Uncertain decisions so far.</summary>
    public List<string> Warnings => warnings;

    /// <summary>Runs the configuration file and returns the top-level menu.</summary>
    /// <param name="text">The configuration's text.</param>
    /// <param name="parsed">Its parse, when the caller already has it (<see cref="ParsedFile.Of"/> of the same text and path).</param>
    public IReadOnlyList<Grub2MenuItem> RunConfiguration(string text, ParsedFile? parsed = null)
    {
        MenuFile = boot.ConfigPath;
        explanation.Add($"read {boot.ConfigPath} on ({boot.DeviceName}), flavour {FlavourName(Flavour)}, grub_platform={boot.Options.GrubPlatform}");
        try
        {
            RunFile(text, boot.ConfigPath, $"({boot.DeviceName}){boot.ConfigPath}", newContext: false, parsed);
        }
        catch (ConfigfileTakeover takeover)
        {
            TopContext = takeover.Context;
            current = takeover.Context;
            MenuFile = takeover.File;
            explanation.Add($"configfile {takeover.File} defined {takeover.Context.Menu.Count} entries: its menu replaces the caller's");
        }

        return TopContext.Menu;
    }

    /// <summary>Opens a submenu the way GRUB does when it is chosen: a new context, then the body runs and fills a new menu.</summary>
    public Grub2Context OpenSubmenu(Grub2MenuItem submenu, string? defaultValue, bool autoBoot)
    {
        ArgumentNullException.ThrowIfNull(submenu);
        Grub2Context saved = current;
        string[] savedParameters = parameters;
        string savedFile = currentFile;
        current = submenu.Owner.Open(inheritAll: Flavour == Grub2Flavour.Fedora);
        if (autoBoot)
        {
            current.Set("timeout", "0", "submenu opened by auto-boot");
        }

        if (defaultValue is not null)
        {
            current.Set("default", defaultValue, $"the rest of the path into '{submenu.Title}'");
        }
        else if (Flavour != Grub2Flavour.Fedora)
        {
            current.Unset("default");
        }

        parameters = [submenu.Title, .. submenu.ExtraArguments];
        currentFile = submenu.Location.File;
        try
        {
            Execute(submenu.Body.Commands);
            return current;
        }
        finally
        {
            control = ControlFlow.None;
            current = saved;
            parameters = savedParameters;
            currentFile = savedFile;
        }
    }

    /// <summary>Runs an entry's body with the recording loader, in a copy of its context.</summary>
    public LoadRecord RunEntry(Grub2MenuItem entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        Grub2Context saved = current;
        string[] savedParameters = parameters;
        string savedFile = currentFile;
        LoadRecord? savedRecorder = recorder;
        (string? savedSubvol, ulong savedSubvolId) = (btrfsSubvol, btrfsSubvolId);
        var record = new LoadRecord();
        current = entry.Owner.Fork();
        current.Set("chosen", entry.Title, "the entry being booted");
        parameters = [entry.Title, .. entry.ExtraArguments];
        currentFile = entry.Location.File;
        recorder = record;
        try
        {
            Execute(entry.Body.Commands);
        }
        finally
        {
            control = ControlFlow.None;
            current = saved;
            parameters = savedParameters;
            currentFile = savedFile;
            recorder = savedRecorder;

            // Entries are evaluated one after another here; in GRUB each is a separate boot, so an entry's
            // btrfs_subvol must not leak into the next one evaluated.
            (btrfsSubvol, btrfsSubvolId) = (savedSubvol, savedSubvolId);
        }

        if (record.Failure is null && record.Kernel is null && record.Hypervisor is { } hypervisor)
        {
            record.Failure = $"{record.HypervisorCommand} {hypervisor.Path} (a Xen dom0 entry) loads no module to boot as the dom0 kernel";
        }

        if (record.Failure is null && record.Kernel is null)
        {
            record.Failure = "the entry loads no kernel";
        }

        if (record.Failure is null && record.Hypervisor is { } xen)
        {
            record.Notes.Insert(0, $"'{entry.Title}' is a Xen hypervisor entry ({record.HypervisorCommand} {xen.Path}) booted through its dom0 kernel because option XenModuleAsKernel is on: " +
                $"module 1 {record.Kernel!.Path} is the kernel, {(record.Initrds.Count == 0 ? "no module 2, so no initrd" : $"module 2 {record.Initrds[0].Path} the initrd")}; the hypervisor itself is not loaded");
        }

        return record;
    }

    /// <summary>Names a flavour as the options and explanations spell it.</summary>
    public static string FlavourName(Grub2Flavour flavour) => flavour switch
    {
        Grub2Flavour.El8 => "el8",
        Grub2Flavour.Fedora => "fedora",
        _ => "upstream",
    };

    private void Seed()
    {
        string device = boot.DeviceName;
        string directory = boot.ConfigPath.LastIndexOf('/') is int slash and > 0 ? boot.ConfigPath[..slash] : "/";
        const string origin = "seeded as GRUB does at start-up";
        current.Set("root", device, origin);
        current.Set("prefix", $"({device}){directory}", origin);
        current.Set("config_file", $"({device}){boot.ConfigPath}", origin);
        current.Set("config_directory", $"({device}){directory}", origin);
        current.Set("cmdpath", $"({device}){directory}", origin);
        current.Set("grub_platform", boot.Options.GrubPlatform, "PvBoot option GrubPlatform");
        current.Set("grub_cpu", "x86_64", origin);
        foreach (string feature in (string[])["feature_chainloader_bpb", "feature_ntldr", "feature_platform_search_hint",
            "feature_default_font_path", "feature_all_video_module", "feature_menuentry_id", "feature_menuentry_options",
            "feature_200_final", "feature_nativedisk_cmd", "feature_timeout_style"])
        {
            current.Set(feature, "y", origin);
            current.Export(feature, origin);
        }

        if (boot.FileSystem is ISubvolumeFileSystem btrfs && btrfs.SubvolumeId != btrfs.TopLevelSubvolumeId)
        {
            // Only a GRUB whose core image set btrfs_relative_path (SUSE's grub2-install does on a btrfs /boot) reads a
            // configuration inside a subvolume by a path relative to it.
            current.Set("btrfs_relative_path", "y",
                $"the configuration was found in btrfs subvolume {btrfs.SubvolumeId}, which only a GRUB with btrfs_relative_path=y reads as /");
        }
    }

    /// <summary>Parses and runs a file in the current context (<c>source</c>) or a new one (<c>configfile</c>).</summary>
    private void RunFile(string text, string file, string key, bool newContext, ParsedFile? parsed = null)
    {
        if (openFiles.Count >= budgets.MaxSourceDepth)
        {
            throw Error($"source/configfile nesting deeper than {budgets.MaxSourceDepth} files at {file}");
        }

        if (openFiles.Contains(key))
        {
            throw Error($"source/configfile cycle: {key} is already being read ({string.Join(" -> ", openFiles)})");
        }

        parsed ??= ParsedFile.Of(text, file);
        foreach (ConfigSyntaxException error in parsed.Errors)
        {
            warnings.Add($"{error.Message} (GRUB discards this unit and goes on with the next line)");
        }

        string savedFile = currentFile;
        openFiles.Add(key);
        currentFile = file;
        try
        {
            Execute(parsed.Script.Commands);
            if (control == ControlFlow.Return)
            {
                control = ControlFlow.None;
            }
        }
        finally
        {
            openFiles.RemoveAt(openFiles.Count - 1);
            currentFile = savedFile;
        }
    }

    /// <summary>Runs commands in order (a block's are parsed as they run); returns the last status.</summary>
    private int Execute(IEnumerable<Command> commands)
    {
        int status = 0;
        foreach (Command command in commands)
        {
            status = ExecuteCommand(command);
            if (control != ControlFlow.None)
            {
                break;
            }
        }

        return status;
    }

    private int ExecuteCommand(Command command)
    {
        if (++commandCount > budgets.MaxCommands)
        {
            throw Error($"command budget exhausted ({budgets.MaxCommands} commands)", command.Start);
        }

        int status = command switch
        {
            SimpleCommand simple => ExecuteSimple(simple),
            IfCommand conditional => ExecuteIf(conditional),
            ForCommand loop => ExecuteFor(loop),
            WhileCommand loop => ExecuteWhile(loop),
            FunctionDefinition function => Define(function),
            _ => 0,
        };
        lastStatus = status;
        return status;
    }

    private int Define(FunctionDefinition function)
    {
        functions[function.Name] = function;
        return 0;
    }

    private int ExecuteIf(IfCommand command)
    {
        using var depth = EnterNesting(command.Start);
        int condition = Execute(command.Condition);
        if (control != ControlFlow.None)
        {
            return condition;
        }

        return condition == 0 ? Execute(command.Then) : Execute(command.Else);
    }

    private int ExecuteFor(ForCommand command)
    {
        using var depth = EnterNesting(command.Start);
        var items = new List<string>();
        foreach (Word word in command.Items)
        {
            items.AddRange(ExpandWord(word));
        }

        int status = 0;
        int iterations = 0;
        foreach (string item in items)
        {
            if (++iterations > budgets.MaxLoopIterations)
            {
                throw Error($"loop iteration budget exhausted ({budgets.MaxLoopIterations} iterations)", command.Start);
            }

            SetVariable(command.Variable, item, command.Start);
            status = Execute(command.Body);
            if (LeaveLoop())
            {
                break;
            }
        }

        return status;
    }

    private int ExecuteWhile(WhileCommand command)
    {
        using var depth = EnterNesting(command.Start);
        int status = 0;
        int iterations = 0;
        while (true)
        {
            int condition = Execute(command.Condition);
            if (control != ControlFlow.None)
            {
                break;
            }

            if ((condition == 0) == command.IsUntil)
            {
                break;
            }

            if (++iterations > budgets.MaxLoopIterations)
            {
                throw Error($"loop iteration budget exhausted ({budgets.MaxLoopIterations} iterations)", command.Start);
            }

            status = Execute(command.Body);
            if (LeaveLoop())
            {
                break;
            }
        }

        return status;
    }

    /// <summary>Handles <c>break</c>/<c>continue</c> at a loop; returns whether the loop ends.</summary>
    private bool LeaveLoop()
    {
        switch (control)
        {
            case ControlFlow.Break:
                if (--controlLevels <= 0)
                {
                    control = ControlFlow.None;
                }

                return true;
            case ControlFlow.Continue:
                if (--controlLevels <= 0)
                {
                    control = ControlFlow.None;
                    return false;
                }

                return true;
            case ControlFlow.Return:
                return true;
            default:
                return false;
        }
    }

    private int ExecuteSimple(SimpleCommand command)
    {
        var argv = new List<string>();
        foreach (Word word in command.Words)
        {
            argv.AddRange(ExpandWord(word));
        }

        if (argv.Count == 0)
        {
            return 0;
        }

        string name = argv[0];
        if (TryBuiltin(name, argv, command, out int status))
        {
            return status;
        }

        if (functions.TryGetValue(name, out FunctionDefinition? function))
        {
            return CallFunction(function, argv, command.Start);
        }

        if (TryInert(name, argv, command))
        {
            return 0;
        }

        int equals = name.IndexOf('=', StringComparison.Ordinal);
        if (equals > 0)
        {
            SetVariable(name[..equals], name[(equals + 1)..], command.Start);
            return 0;
        }

        warnings.Add($"{Where(command.Start)}: unknown command '{name}'; GRUB reports it and goes on with status 0, so PvBoot assumes success");
        return 0;
    }

    private int CallFunction(FunctionDefinition function, List<string> argv, TextPosition at)
    {
        using var depth = EnterNesting(at);
        string[] saved = parameters;
        parameters = [.. argv.Skip(1)];
        try
        {
            int status = Execute(function.Body.Commands);
            if (control == ControlFlow.Return)
            {
                control = ControlFlow.None;
                status = lastStatus;
            }

            return status;
        }
        finally
        {
            parameters = saved;
        }
    }

    private NestingScope EnterNesting(TextPosition at)
    {
        if (callDepth >= budgets.MaxCallDepth)
        {
            throw Error($"nesting/recursion budget exhausted ({budgets.MaxCallDepth} levels of functions, loops and conditions)", at);
        }

        callDepth++;
        return new NestingScope(this);
    }

    private void SetVariable(string name, string value, TextPosition at)
    {
        if (value.Length > budgets.MaxValueLength)
        {
            throw Error($"expansion budget exhausted: value of '{name}' is {value.Length} characters (at most {budgets.MaxValueLength})", at);
        }

        Assign(name, value, $"{currentFile}:{at.Line}");
    }

    /// <summary>Expands a word into arguments (execute.c / argv.c): unquoted variables split on whitespace; unquoted empty pieces make no argument.</summary>
    private List<string> ExpandWord(Word word)
    {
        var result = new List<string>();
        StringBuilder? currentArg = null;
        foreach (WordPiece piece in word.Pieces)
        {
            switch (piece.Kind)
            {
                case WordPieceKind.Bare:
                    if (piece.Text.Length > 0)
                    {
                        (currentArg ??= new StringBuilder()).Append(piece.Text);
                    }

                    break;
                case WordPieceKind.SingleQuoted:
                case WordPieceKind.DoubleQuoted:
                    (currentArg ??= new StringBuilder()).Append(piece.Text);
                    break;
                case WordPieceKind.Translatable:
                    (currentArg ??= new StringBuilder()).Append(ExpandInText(piece.Text));
                    break;
                case WordPieceKind.QuotedVariable:
                    (currentArg ??= new StringBuilder()).Append(Lookup(piece.Text));
                    break;
                case WordPieceKind.Variable:
                    string value = Lookup(piece.Text);
                    string[] fields = value.Split(FieldSeparators, StringSplitOptions.RemoveEmptyEntries);
                    if (fields.Length == 0)
                    {
                        break;
                    }

                    if (currentArg is not null && Array.IndexOf(FieldSeparators, value[0]) >= 0)
                    {
                        result.Add(currentArg.ToString());
                        currentArg = null;
                    }

                    for (int i = 0; i < fields.Length; i++)
                    {
                        if (i > 0)
                        {
                            result.Add(currentArg!.ToString());
                            currentArg = null;
                        }

                        (currentArg ??= new StringBuilder()).Append(fields[i]);
                    }

                    if (Array.IndexOf(FieldSeparators, value[^1]) >= 0)
                    {
                        result.Add(currentArg!.ToString());
                        currentArg = null;
                    }

                    break;
            }

            if (currentArg is not null && currentArg.Length > budgets.MaxValueLength)
            {
                throw Error($"expansion budget exhausted: an argument grew past {budgets.MaxValueLength} characters", word.Start);
            }
        }

        if (currentArg is not null)
        {
            result.Add(currentArg.ToString());
        }

        foreach (string arg in result)
        {
            expandedCharacters += arg.Length;
        }

        if (expandedCharacters > budgets.MaxExpandedCharacters)
        {
            throw Error($"expansion budget exhausted ({budgets.MaxExpandedCharacters} characters expanded in total)", word.Start);
        }

        return result;
    }

    /// <summary>Expands <c>$name</c> and <c>${name}</c> inside a translatable string.</summary>
    private string ExpandInText(string text)
    {
        var builder = new StringBuilder(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] == '$' && i + 1 < text.Length)
            {
                int start = i + 1;
                bool braced = text[start] == '{';
                int j = braced ? start + 1 : start;
                while (j < text.Length && (char.IsAsciiLetterOrDigit(text[j]) || text[j] == '_'))
                {
                    j++;
                }

                string name = text[(braced ? start + 1 : start)..j];
                if (name.Length > 0 && (!braced || (j < text.Length && text[j] == '}')))
                {
                    builder.Append(Lookup(name));
                    i = braced ? j : j - 1;
                    continue;
                }
            }

            builder.Append(text[i]);
        }

        return builder.ToString();
    }

    private string Lookup(string name)
    {
        switch (name)
        {
            case "?":
                return lastStatus.ToString(System.Globalization.CultureInfo.InvariantCulture);
            case "#":
                return parameters.Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
            case "*":
            case "@":
                return string.Join(' ', parameters);
        }

        if (char.IsAsciiDigit(name[0]))
        {
            return int.TryParse(name, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int n)
                && n >= 1 && n <= parameters.Length ? parameters[n - 1] : string.Empty;
        }

        return MagicValue(name) ?? current.Get(name) ?? string.Empty;
    }

    private string Where(TextPosition at) => $"{currentFile}:{at.Line}:{at.Column}";

    private ConfigSyntaxException Error(string problem, TextPosition? at = null) =>
        new(new SourceLocation(currentFile, at?.Line ?? 1, at?.Column ?? 1), problem);

    /// <summary>Reads a file named the GRUB way (device prefix or <c>$root</c>), capped at <see cref="BootConfigOptions.MaxConfigBytes"/>.</summary>
    private string? ReadGrubFile(string name, out string key)
    {
        key = name;
        if (!TryResolve(name, out string device, out string path, out IFileSystemReader? fs, out SubvolumeView? view, out _) || fs is null)
        {
            return null;
        }

        key = $"({device}){path}";
        FileSystemEntry? entry = fs.Lookup(PathBytes.FromConfigText(path));
        if (entry is null || entry.Type != FileSystemEntryType.Regular)
        {
            return null;
        }

        if (view is not null)
        {
            key = $"({device}){TopLevelPath(view, entry) ?? path}";
            explanation.Add($"{currentFile}: {name} is read from {view.Describe()}");
        }

        if (entry.Size > boot.Options.MaxConfigBytes)
        {
            throw Error($"{key} is too large ({entry.Size} bytes, at most {boot.Options.MaxConfigBytes})");
        }

        return ConfigFileText.ReadAll(fs, entry);
    }

    /// <summary>Splits a GRUB file name and opens its device's file system.</summary>
    private bool TryResolve(string name, out string device, out string path, out IFileSystemReader? fs)
        => TryResolve(name, out device, out path, out fs, out _, out _);

    /// <summary>
    /// Splits a GRUB file name and opens its device's file system as GRUB reads it: on btrfs, in the subvolume the
    /// btrfs variables select (<paramref name="view"/>, <see langword="null"/> for the top level).
    /// </summary>
    private bool TryResolve(string name, out string device, out string path, out IFileSystemReader? fs, out SubvolumeView? view, out string? failure)
    {
        fs = null;
        view = null;
        failure = null;
        device = string.Empty;
        path = string.Empty;
        if (!GrubDevicePath.TryParse(name, out GrubDevicePath parsed))
        {
            return false;
        }

        device = parsed.Device is { } explicitDevice ? explicitDevice : CurrentRoot();
        path = parsed.Path;
        fs = OpenDevice(device);
        if (fs is not null)
        {
            fs = SelectSubvolume(device, fs, out view, out failure);
        }

        return true;
    }

    private string CurrentRoot()
    {
        string root = GrubDevicePath.TrimParentheses(current.Get("root") ?? string.Empty);
        return root.Length == 0 ? boot.DeviceName : root;
    }

    private IFileSystemReader? OpenDevice(string device)
    {
        if (GrubDevicePath.Normalize(device) == GrubDevicePath.Normalize(boot.DeviceName))
        {
            return boot.FileSystem;
        }

        return boot.Devices.Open(device);
    }

    /// <summary>The device as a <see cref="BootFile.Device"/>: <see langword="null"/> for the configuration's own file system.</summary>
    private string? DeviceForBootFile(string device) =>
        GrubDevicePath.Normalize(device) == GrubDevicePath.Normalize(boot.DeviceName) ? null : device;

    private sealed class ConfigfileTakeover(Grub2Context context, string file) : Exception("configfile took over the menu")
    {
        public Grub2Context Context { get; } = context;

        public string File { get; } = file;
    }

    private readonly struct NestingScope(Grub2Evaluator owner) : IDisposable
    {
        public void Dispose() => owner.callDepth--;
    }
}

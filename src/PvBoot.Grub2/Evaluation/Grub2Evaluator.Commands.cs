using System.Text;
using PvBoot.Core.Boot;
using PvBoot.Core.FileSystems;
using PvBoot.Grub2.Ast;

namespace PvBoot.Grub2.Evaluation;

/// <summary>The built-in commands that matter for choosing and loading an entry (boot-config-semantics §2.7).</summary>
internal sealed partial class Grub2Evaluator
{
    /// <summary>Commands with no effect on the choice: status 0, nothing recorded.</summary>
    private static readonly HashSet<string> Harmless = new(StringComparer.Ordinal)
    {
        "echo", "insmod", "rmmod", "terminal_output", "terminal_input", "terminal", "serial", "loadfont", "background_image",
        "background_color", "load_video", "play", "password", "password_pbkdf2", "gfxmode", "set_gfxpayload", "clear",
        "boot", "savedefault", "save_env", "font", "videoinfo", "lsmod", "ls", "help", "gettext", "tr", "boot_success",
        "menu_color_normal", "menu_color_highlight", "title", "recordfail", "nativedisk", "cryptomount", "lvm", "mdraid",
        "part_gpt", "part_msdos", "set_background_image", "sleep",
    };

    /// <summary>Commands that probe hardware GRUB has and PvBoot does not: GRUB's answer is assumed to be success.</summary>
    private static readonly HashSet<string> Probes = new(StringComparer.Ordinal)
    {
        "hwmatch", "cpuid", "smbios", "cmostest", "probe", "regexp", "increment", "decrement", "videotest", "efi_gop", "efi_uga",
    };

    private bool TryBuiltin(string name, List<string> argv, SimpleCommand command, out int status)
    {
        status = 0;
        switch (name)
        {
            case "set":
                status = CommandSet(argv, command.Start);
                return true;
            case "unset":
                if (argv.Count > 1 && MagicValue(argv[1]) is not null)
                {
                    // GRUB cannot unset a variable with hooks; it sets it to the empty string instead.
                    Assign(argv[1], string.Empty, $"{currentFile}:{command.Start.Line}");
                }
                else if (argv.Count > 1)
                {
                    current.Unset(argv[1]);
                }

                return true;
            case "export":
                foreach (string variable in argv.Skip(1))
                {
                    current.Export(variable, $"{currentFile}:{command.Start.Line}");
                }

                return true;
            case "true":
                return true;
            case "false":
                status = 1;
                return true;
            case "test":
            case "[":
                bool result = new GrubTest(FileTest, w => warnings.Add($"{Where(command.Start)}: {w}")).Evaluate(argv.Skip(1).ToList());
                status = result ? 0 : 1;
                return true;
            case "menuentry":
            case "submenu":
                status = CommandMenuEntry(argv, command, name == "submenu");
                return true;
            case "source":
            case ".":
                status = CommandSource(argv, command.Start);
                return true;
            case "configfile":
                status = CommandConfigfile(argv, command.Start);
                return true;
            case "load_env":
                status = CommandLoadEnv(argv, command.Start);
                return true;
            case "search":
            case "search.fs_uuid":
            case "search.fs_label":
            case "search.file":
                status = CommandSearch(name, argv, command.Start);
                return true;
            case "blscfg":
                status = CommandBlscfg(argv, command.Start);
                return true;
            case "break":
            case "continue":
                control = name == "break" ? ControlFlow.Break : ControlFlow.Continue;
                controlLevels = argv.Count > 1 && int.TryParse(argv[1], out int levels) && levels > 0 ? levels : 1;
                return true;
            case "return":
                control = ControlFlow.Return;
                status = argv.Count > 1 ? (int)Math.Clamp(GrubTest.ParseCNumber(argv[1], out _), 0, 255) : lastStatus;
                return true;
            case "shift":
                int count = argv.Count > 1 ? (int)Math.Clamp(GrubTest.ParseCNumber(argv[1], out _), 0, int.MaxValue) : 1;
                parameters = count > parameters.Length ? [] : parameters[count..];
                return true;
            case "setparams":
                parameters = [.. argv.Skip(1)];
                return true;
            case "eval":
                status = CommandEval(argv, command.Start);
                return true;
            case "keystatus":
                status = 1;
                return true;
            case "read":
                if (argv.Count > 1)
                {
                    SetVariable(argv[1], string.Empty, command.Start);
                }

                return true;
            case "linux":
            case "linux16":
            case "linuxefi":
                status = RecordKernel(argv, command);
                return true;
            case "initrd":
            case "initrd16":
            case "initrdefi":
                status = RecordInitrd(argv, command.Start);
                return true;
            case "multiboot":
            case "multiboot2":
                status = boot.Options.XenModuleAsKernel
                    ? RecordHypervisor(argv, command.Start)
                    : RecordNotBootable($"{name} loads a hypervisor (a Xen dom0 entry), which a PV guest cannot boot", command.Start);
                return true;
            case "module":
            case "module2":
                status = boot.Options.XenModuleAsKernel ? RecordModule(argv, command) : 0;
                return true;
            case "chainloader":
            case "kfreebsd":
            case "knetbsd":
            case "kopenbsd":
            case "ntldr":
            case "fwsetup":
            case "appleloader":
            case "legacy_kernel":
                status = RecordNotBootable($"{name} is not a Linux kernel a PV guest can boot", command.Start);
                return true;
        }

        return false;
    }

    /// <summary>
    /// Commands that do not affect the choice and hardware probes. Checked after the script's functions, because
    /// generated configurations define some of these names (<c>load_video</c>, <c>recordfail</c>, <c>gfxmode</c>) as functions.
    /// </summary>
    private bool TryInert(string name, List<string> argv, SimpleCommand command)
    {
        if (Harmless.Contains(name))
        {
            if (name == "insmod" && argv.Count > 1 && argv[1] == "regexp")
            {
                warnings.Add($"{Where(command.Start)}: insmod regexp enables '*' and '?' globbing in GRUB; PvBoot keeps them literal");
            }

            return true;
        }

        if (Probes.Contains(name))
        {
            warnings.Add($"{Where(command.Start)}: '{name}' probes hardware PvBoot cannot see; assumed to succeed as an absent module does on pvgrub2");
            return true;
        }

        return false;
    }

    private int CommandSet(List<string> argv, TextPosition at)
    {
        if (argv.Count < 2)
        {
            return 0;
        }

        string assignment = argv[1];
        int equals = assignment.IndexOf('=', StringComparison.Ordinal);
        if (equals < 0)
        {
            return 1;
        }

        SetVariable(assignment[..equals], assignment[(equals + 1)..], at);
        return 0;
    }

    private int CommandMenuEntry(List<string> argv, SimpleCommand command, bool submenu)
    {
        var positional = new List<string>();
        var classes = new List<string>();
        string? id = null, users = null, source = null;
        bool unrestricted = false, optionsEnded = false;
        for (int i = 1; i < argv.Count; i++)
        {
            string arg = argv[i];
            if (optionsEnded || !arg.StartsWith("--", StringComparison.Ordinal))
            {
                positional.Add(arg);
                continue;
            }

            if (arg == "--")
            {
                optionsEnded = true;
                continue;
            }

            int equals = arg.IndexOf('=', StringComparison.Ordinal);
            string option = equals > 0 ? arg[..equals] : arg;
            bool takesValue = option is "--class" or "--users" or "--hotkey" or "--id" or "--source";
            if (!takesValue && option != "--unrestricted")
            {
                positional.Add(arg);
                continue;
            }

            string? value = null;
            if (takesValue)
            {
                if (equals > 0)
                {
                    value = arg[(equals + 1)..];
                }
                else if (i + 1 < argv.Count && !argv[i + 1].StartsWith('-'))
                {
                    value = argv[++i];
                }
                else
                {
                    return 1;
                }
            }

            switch (option)
            {
                case "--class": classes.Add(value!); break;
                case "--users": users = value; break;
                case "--id": id = value; break;
                case "--source": source = value; break;
                case "--unrestricted": unrestricted = true; break;
            }
        }

        if (positional.Count == 0)
        {
            warnings.Add($"{Where(command.Start)}: {argv[0]} without a title is an error in GRUB; ignored");
            return 1;
        }

        Block? body = command.Block;
        if (source is not null)
        {
            var errors = new List<ConfigSyntaxException>();
            Script script = Grub2ScriptParser.Parse(source, currentFile, errors);
            body = new Block(command.Start, script.Commands, source);
        }

        if (body is null)
        {
            warnings.Add($"{Where(command.Start)}: {argv[0]} '{positional[0]}' has no body; GRUB rejects it");
            return 1;
        }

        if (current.Menu.Count >= budgets.MaxMenuEntries)
        {
            throw Error($"menu entry budget exhausted ({budgets.MaxMenuEntries} entries in one menu)", command.Start);
        }

        current.Menu.Add(new Grub2MenuItem
        {
            Title = positional[0],
            Id = id ?? positional[0],
            IsSubmenu = submenu,
            Body = body,
            ExtraArguments = positional.Skip(1).ToList(),
            Classes = classes,
            Users = users,
            Unrestricted = unrestricted,
            Location = new SourceLocation(currentFile, command.Start.Line, command.Start.Column),
            Owner = current,
        });
        return 0;
    }

    private int CommandSource(List<string> argv, TextPosition at)
    {
        if (argv.Count < 2)
        {
            return 1;
        }

        string? text = ReadGrubFile(argv[1], out string key);
        if (text is null)
        {
            explanation.Add($"{Where(at)}: source {argv[1]}: file not found");
            return 1;
        }

        explanation.Add($"{Where(at)}: source {key}");
        string[] saved = parameters;
        parameters = [.. argv.Skip(2)];
        try
        {
            RunFile(text, key, key, newContext: false);
        }
        finally
        {
            parameters = saved;
        }

        return lastStatus;
    }

    private int CommandConfigfile(List<string> argv, TextPosition at)
    {
        if (argv.Count < 2)
        {
            return 1;
        }

        string? text = ReadGrubFile(argv[1], out string key);
        if (text is null)
        {
            explanation.Add($"{Where(at)}: configfile {argv[1]}: file not found");
            return 1;
        }

        explanation.Add($"{Where(at)}: configfile {key} (new context, new menu)");
        Grub2Context saved = current;
        current = saved.Open(inheritAll: Flavour == Grub2Flavour.Fedora);
        try
        {
            RunFile(text, key, key, newContext: true);
            if (current.Menu.Count > 0)
            {
                throw new ConfigfileTakeover(current, key);
            }
        }
        finally
        {
            current = saved;
        }

        explanation.Add($"{Where(at)}: configfile {key} defined no entries; the caller goes on");
        return 0;
    }

    private int CommandLoadEnv(List<string> argv, TextPosition at)
    {
        string? file = null;
        var whitelist = new List<string>();
        for (int i = 1; i < argv.Count; i++)
        {
            string arg = argv[i];
            if (arg is "-f" or "--file")
            {
                file = i + 1 < argv.Count ? argv[++i] : null;
            }
            else if (arg.StartsWith("--file=", StringComparison.Ordinal))
            {
                file = arg["--file=".Length..];
            }
            else if (arg is "-s" or "--skip-sig")
            {
                continue;
            }
            else
            {
                whitelist.Add(arg);
            }
        }

        file ??= (current.Get("prefix") ?? string.Empty) + "/grubenv";
        string? text = ReadGrubFile(file, out string key);
        if (text is null)
        {
            explanation.Add($"{Where(at)}: load_env {file}: file not found, nothing loaded");
            return 1;
        }

        if (!Grubenv.TryParse(text, out List<KeyValuePair<string, string>> variables))
        {
            explanation.Add($"{Where(at)}: load_env {key}: invalid environment block (no '# GRUB Environment Block' line; a CRLF file is invalid), nothing loaded");
            warnings.Add($"{key} is not a valid GRUB environment block; its variables are ignored as GRUB ignores them");
            return 1;
        }

        var loaded = new List<string>();
        foreach (var (name, value) in variables)
        {
            if (whitelist.Count > 0 && !whitelist.Contains(name))
            {
                continue;
            }

            if (value.Length > budgets.MaxValueLength)
            {
                throw Error($"expansion budget exhausted: {key} value of '{name}' is too large", at);
            }

            if (name == "next_entry" && value.Length > 0 && !boot.Options.HonourNextEntry)
            {
                explanation.Add($"{Where(at)}: next_entry={value} in {key} is ignored (option HonourNextEntry is off)");
                continue;
            }

            LoadedFromGrubenv[name] = (value, key);

            if (Assign(name, value, $"grubenv {key}"))
            {
                loaded.Add($"{name}={value}");
            }
        }

        explanation.Add($"{Where(at)}: load_env {key}: {(loaded.Count == 0 ? "no variables" : string.Join(", ", loaded))}");
        return 0;
    }

    private int CommandSearch(string name, List<string> argv, TextPosition at)
    {
        char kind = name switch
        {
            "search.fs_uuid" => 'u',
            "search.fs_label" => 'l',
            "search.file" => 'f',
            _ => '\0',
        };
        string? variable = kind == '\0' ? null : "root";
        var hints = new List<string>();
        var positional = new List<string>();
        for (int i = 1; i < argv.Count; i++)
        {
            string arg = argv[i];
            if (name != "search" || !arg.StartsWith('-'))
            {
                positional.Add(arg);
                continue;
            }

            if (arg is "-f" or "--file")
            {
                kind = 'f';
            }
            else if (arg is "-u" or "--fs-uuid")
            {
                kind = 'u';
            }
            else if (arg is "-l" or "--label")
            {
                kind = 'l';
            }
            else if (arg == "--set" || arg == "-s")
            {
                variable = "root";
            }
            else if (arg.StartsWith("--set=", StringComparison.Ordinal))
            {
                variable = arg["--set=".Length..];
            }
            else if (arg.StartsWith("--hint", StringComparison.Ordinal))
            {
                int equals = arg.IndexOf('=', StringComparison.Ordinal);
                string? hint = equals > 0 ? arg[(equals + 1)..] : (i + 1 < argv.Count ? argv[++i] : null);
                if (hint is not null)
                {
                    hints.Add(GrubDevicePath.TrimParentheses(hint));
                }
            }
        }

        if (kind == '\0' || positional.Count == 0)
        {
            return 1;
        }

        string key = positional[0];
        if (positional.Count > 1 && name != "search")
        {
            variable = positional[1];
        }

        var order = new List<string>();
        foreach (string hint in hints)
        {
            string? match = boot.Devices.DeviceNames.FirstOrDefault(d => GrubDevicePath.Normalize(d) == GrubDevicePath.Normalize(hint));
            if (match is not null && !order.Contains(match))
            {
                order.Add(match);
            }
        }

        order.AddRange(boot.Devices.DeviceNames.Where(d => !order.Contains(d)));
        foreach (string device in order)
        {
            IFileSystemReader? fs = OpenDevice(device);
            SubvolumeView? view = null;
            if (fs is not null)
            {
                // Every search mounts the file system, and SUSE's btrfs mount fails when btrfs_subvol/btrfs_subvolid name
                // no subvolume; search --file then opens the file in the selected subvolume.
                IFileSystemReader? selected = SelectSubvolume(device, fs, out view, out _);
                fs = kind == 'f' || selected is null ? selected : fs;
                view = kind == 'f' ? view : null;
            }

            if (fs is null)
            {
                continue;
            }

            bool found = kind switch
            {
                'u' => string.Equals(fs.Uuid, key, StringComparison.OrdinalIgnoreCase),
                'l' => fs.Label == key,
                _ => fs.Lookup(PathBytes.FromConfigText(key)) is not null,
            };
            if (!found)
            {
                continue;
            }

            if (variable is not null)
            {
                current.Set(variable, device, $"search at {currentFile}:{at.Line}");
            }

            explanation.Add($"{Where(at)}: search {(kind == 'u' ? "--fs-uuid" : kind == 'l' ? "--label" : "--file")} {key}: found on ({device}){(view is null ? string.Empty : $" in {view.Describe()}")}{(variable is null ? string.Empty : $", {variable}={device}")}");
            return 0;
        }

        explanation.Add($"{Where(at)}: search {key}: no device matches; {variable ?? "nothing"} unchanged");
        return 1;
    }

    private int CommandEval(List<string> argv, TextPosition at)
    {
        using var depth = EnterNesting(at);
        string text = string.Join(' ', argv.Skip(1));
        var errors = new List<ConfigSyntaxException>();
        Script script = Grub2ScriptParser.Parse(text, currentFile, errors);
        foreach (ConfigSyntaxException error in errors)
        {
            warnings.Add($"{Where(at)}: eval: {error.Problem}");
        }

        return Execute(script.Commands);
    }

    private bool FileTest(string name, char test)
    {
        if (!TryResolve(name, out _, out string path, out IFileSystemReader? fs) || fs is null)
        {
            return false;
        }

        FileSystemEntry? entry = fs.Lookup(PathBytes.FromConfigText(path));
        return test switch
        {
            'd' => entry?.Type == FileSystemEntryType.Directory,
            'e' => entry is not null,
            'f' => entry is not null && entry.Type != FileSystemEntryType.Directory,
            's' => entry is not null && entry.Size > 0,
            _ => false,
        };
    }

    private int RecordKernel(List<string> argv, SimpleCommand command)
    {
        if (recorder is null)
        {
            return 0;
        }

        ResetRecord(recorder);
        if (argv.Count < 2)
        {
            recorder.Failure = $"{argv[0]} without a file name";
            return 1;
        }

        BootFile? kernel = ResolveBootFile(argv[1], command.Start, "kernel");
        if (kernel is null)
        {
            return 1;
        }

        recorder.Kernel = kernel;
        recorder.Arguments = KernelArguments(argv, command, 2);
        return 0;
    }

    /// <summary>
    /// The command line made of <paramref name="argv"/> from <paramref name="first"/> on: the raw text after the word
    /// before it where that text is plain (pygrub's bytes), else GRUB's re-joined command line.
    /// </summary>
    private string KernelArguments(List<string> argv, SimpleCommand command, int first)
    {
        string raw = command.Words.Count > first - 1 ? command.TextAfter(first - 1) : string.Empty;
        bool plain = raw.IndexOfAny(['"', '\'', '$', '\\', ';', '#']) < 0 && command.Words.Count == argv.Count;
        if (plain)
        {
            return raw;
        }

        recorder!.Notes.Add($"arguments are GRUB's re-joined command line (quotes removed, variables expanded); pygrub would pass the raw text '{raw}'");
        return CreateLoaderCommandLine(argv.Skip(first));
    }

    private static void ResetRecord(LoadRecord record)
    {
        record.Kernel = null;
        record.Initrds.Clear();
        record.Arguments = string.Empty;
        record.Failure = null;
        record.Hypervisor = null;
        record.HypervisorCommand = string.Empty;
        record.Modules = 0;
    }

    /// <summary>
    /// <c>multiboot FILE ARGS</c> / <c>multiboot2 FILE ARGS</c> with <see cref="BootConfigOptions.XenModuleAsKernel"/> on: the
    /// hypervisor must exist (GRUB fails the command otherwise); its modules are the dom0 kernel and initrd.
    /// </summary>
    private int RecordHypervisor(List<string> argv, TextPosition at)
    {
        if (recorder is null)
        {
            return 0;
        }

        ResetRecord(recorder);
        int file = 1;
        while (file < argv.Count && argv[file].StartsWith("--quirk-", StringComparison.Ordinal))
        {
            file++;
        }

        if (file >= argv.Count)
        {
            recorder.Failure = $"{Where(at)}: {argv[0]} without a file name";
            return 1;
        }

        BootFile? hypervisor = ResolveBootFile(argv[file], at, "hypervisor");
        if (hypervisor is null)
        {
            return 1;
        }

        recorder.Hypervisor = hypervisor;
        recorder.HypervisorCommand = argv[0];
        return 0;
    }

    /// <summary>
    /// <c>module [--nounzip] FILE NAME ARGS…</c> (GRUB 2's <c>grub_cmd_module</c>: <c>--nounzip</c> is recognised only as the
    /// first argument; the module's command line is the words after the file, the first of them a name: 20_linux_xen
    /// writes <c>placeholder</c>). Module 1 is the dom0 kernel with ARGS (its command line minus the name) re-joined as
    /// GRUB joins a module's command line, module 2 the initrd; later modules (an XSM policy) are not used.
    /// </summary>
    private int RecordModule(List<string> argv, SimpleCommand command)
    {
        if (recorder is null)
        {
            return 0;
        }

        if (recorder.Hypervisor is null)
        {
            // GRUB: "you need to load the kernel first"; a Linux kernel already loaded is not affected.
            return 1;
        }

        int file = argv.Count > 1 && argv[1] == "--nounzip" ? 2 : 1;
        if (file >= argv.Count)
        {
            return 1;
        }

        int number = ++recorder.Modules;
        if (number > 2)
        {
            if (number == 3)
            {
                recorder.Notes.Add($"{Where(command.Start)}: module 3 ({argv[file]}) and any later module are not used: a PV guest gets only the dom0 kernel (module 1) and its initrd (module 2)");
            }

            return 0;
        }

        BootFile? loaded = ResolveBootFile(argv[file], command.Start, number == 1 ? "dom0 kernel (module 1)" : "initrd (module 2)");
        if (loaded is null)
        {
            recorder.Kernel = null;
            recorder.Initrds.Clear();
            return 1;
        }

        if (number == 1)
        {
            recorder.Kernel = loaded;
            // pygrub cannot boot a module at all, so there are no pygrub bytes to keep: GRUB's module command line it is.
            recorder.Arguments = CreateLoaderCommandLine(argv.Skip(file + 2));
            if (file + 1 < argv.Count)
            {
                recorder.Notes.Add($"the first word after the dom0 kernel's file name, '{argv[file + 1]}', is the module's name, not a kernel argument");
            }
        }
        else
        {
            recorder.Initrds.Clear();
            recorder.Initrds.Add(loaded);
            if (file + 1 < argv.Count)
            {
                recorder.Notes.Add($"the words after the initrd module's file name ('{string.Join(' ', argv.Skip(file + 1))}') are its command line, not more files: GRUB loads only {argv[file]} as module 2");
            }
        }

        return 0;
    }

    private int RecordInitrd(List<string> argv, TextPosition at)
    {
        if (recorder is null)
        {
            return 0;
        }

        if (recorder.Kernel is null)
        {
            recorder.Failure ??= "initrd before any kernel was loaded";
            return 1;
        }

        if (recorder.Hypervisor is not null)
        {
            // GRUB's initrd needs the Linux loader; after multiboot it fails and leaves the modules alone.
            return 1;
        }

        if (argv.Count - 1 > budgets.MaxInitrds)
        {
            throw Error($"initrd budget exhausted ({argv.Count - 1} files, at most {budgets.MaxInitrds})", at);
        }

        recorder.Initrds.Clear();
        foreach (string name in argv.Skip(1))
        {
            string file = name.StartsWith("newc:", StringComparison.Ordinal) && name.IndexOf(':', 5) is int colon and > 0
                ? name[(colon + 1)..]
                : name;
            BootFile? initrd = ResolveBootFile(file, at, "initrd");
            if (initrd is null)
            {
                recorder.Initrds.Clear();
                return 1;
            }

            recorder.Initrds.Add(initrd);
        }

        return 0;
    }

    private int RecordNotBootable(string reason, TextPosition at)
    {
        if (recorder is null)
        {
            return 0;
        }

        recorder.Kernel = null;
        recorder.Initrds.Clear();
        recorder.Hypervisor = null;
        recorder.Modules = 0;
        recorder.Failure = $"{Where(at)}: {reason}";
        return 1;
    }

    private BootFile? ResolveBootFile(string name, TextPosition at, string what)
    {
        if (!TryResolve(name, out string device, out string path, out IFileSystemReader? fs, out SubvolumeView? view, out string? failure))
        {
            recorder!.Failure = $"{Where(at)}: {what} '{name}' is not a GRUB file name";
            return null;
        }

        if (fs is null)
        {
            recorder!.Failure = failure is null
                ? $"{Where(at)}: {what} {name}: device ({device}) has no readable file system"
                : $"{Where(at)}: {what} ({device}){path} not found: {failure}";
            return null;
        }

        FileSystemEntry? entry = fs.Lookup(PathBytes.FromConfigText(path));
        if (entry is null || entry.Type != FileSystemEntryType.Regular)
        {
            recorder!.Failure = $"{Where(at)}: {what} ({device}){path} not found{(view is null ? string.Empty : $" in {view.Describe()}")}";
            return null;
        }

        if (view is null)
        {
            return new BootFile(DeviceForBootFile(device), path);
        }

        if (TopLevelPath(view, entry) is not { } topLevel)
        {
            recorder!.Failure = $"{Where(at)}: {what} ({device}){path} is in {view.Describe()}, which has no path from the top level to read it by";
            return null;
        }

        string note = $"{Where(at)}: {what} {path} read from {view.Describe()}: ({device}){topLevel} from the top level";
        recorder!.Notes.Add(note);
        return new BootFile(DeviceForBootFile(device), topLevel);
    }

    /// <summary>GRUB's <c>grub_create_loader_cmdline</c>: single spaces, arguments with a space in double quotes, <c>\</c>, <c>'</c>, <c>"</c> escaped.</summary>
    internal static string CreateLoaderCommandLine(IEnumerable<string> arguments)
    {
        var builder = new StringBuilder();
        foreach (string arg in arguments)
        {
            if (builder.Length > 0)
            {
                builder.Append(' ');
            }

            bool space = arg.Contains(' ', StringComparison.Ordinal);
            if (space)
            {
                builder.Append('"');
            }

            foreach (char c in arg)
            {
                if (c is '\\' or '\'' or '"')
                {
                    builder.Append('\\');
                }

                builder.Append(c);
            }

            if (space)
            {
                builder.Append('"');
            }
        }

        return builder.ToString();
    }
}

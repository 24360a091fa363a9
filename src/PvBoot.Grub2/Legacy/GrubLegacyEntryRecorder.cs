using PvBoot.Core.Boot;
using PvBoot.Core.FileSystems;
using PvBoot.Grub2.Common;
using Sprache;

namespace PvBoot.Grub2.Legacy;

/// <summary>
/// Runs one GRUB legacy entry's commands the way <c>run_script</c> would, recording what the loader commands load
/// instead of loading it: the root device, the kernel and its command line, initrds, multiboot modules, and why the
/// entry cannot boot a PV guest.
/// </summary>
/// <param name="context">The configuration's context (file systems and devices, to check that files exist).</param>
/// <param name="warnings">Where uncertain findings go.</param>
internal sealed class GrubLegacyEntryRecorder(BootConfigContext context, List<string> warnings)
{
    private readonly List<BootFile> initrds = [];
    private readonly List<string> modules = [];
    private string? rootDevice;
    private string? reason;

    /// <summary>The kernel loaded last, or <see langword="null"/>.</summary>
    public BootFile? Kernel { get; private set; }

    /// <summary>The initrds, in load order.</summary>
    public IReadOnlyList<BootFile> Initrds => initrds;

    /// <summary>The kernel command line: the text after the kernel's file name, as GRUB legacy passes it.</summary>
    public string Arguments { get; private set; } = string.Empty;

    /// <summary>Runs one command; returns <see langword="false"/> when the entry stops (an error or <c>boot</c>).</summary>
    /// <param name="command">The command.</param>
    /// <returns>Whether to go on with the next command.</returns>
    public bool Run(GrubLegacyCommand command)
    {
        SourceLocation at = command.Span.In(context.ConfigPath);
        switch (command.Name)
        {
            case "root":
            case "rootnoverify":
                IResult<GrubLegacyDevice> device = GrubLegacyGrammar.DeviceArgument(new TextInput(command.Argument));
                if (!device.WasSuccessful)
                {
                    return Fail($"{at}: '{DisplayText.Escape(command.Argument)}' is not a GRUB legacy device such as (hd0,0)");
                }

                rootDevice = device.Value.ToGrub2Name();
                return true;
            case "kernel":
                return LoadKernel(command, at);
            case "initrd":
                return LoadInitrd(command, at);
            case "module":
            case "modulenounzip":
                if (Kernel is null)
                {
                    return Fail($"{at}: {command.Name} before any kernel");
                }

                modules.Add(command.Argument);
                return true;
            case "chainloader":
                return Fail($"{at}: chainloads '{DisplayText.Escape(command.Argument)}' (another boot loader), which a PV guest cannot run");
            case "configfile":
                return Fail($"{at}: switches to another configuration file ('{DisplayText.Escape(command.Argument)}') instead of booting");
            case "lock":
                warnings.Add($"{at}: the entry is locked; real GRUB legacy asks for the menu password before running it, PvBoot boots it unattended");
                return true;
            case "password":
                warnings.Add($"{at}: the entry has its own password; PvBoot boots it unattended");
                return true;
            case "makeactive":
            case "savedefault":
            case "map":
            case "hide":
            case "unhide":
                return true;
            case "boot":
                return false;
            default:
                return true;
        }
    }

    /// <summary>Ends the entry and returns why it cannot boot, or <see langword="null"/>.</summary>
    /// <returns>The reason or <see langword="null"/>.</returns>
    public string? Finish()
    {
        if (reason is not null)
        {
            return reason;
        }

        if (Kernel is null)
        {
            return "the entry loads no kernel";
        }

        if (modules.Count > 0)
        {
            string name = Kernel.Path[(Kernel.Path.LastIndexOf('/') + 1)..];
            return name.StartsWith("xen", StringComparison.OrdinalIgnoreCase)
                ? $"a Xen hypervisor (dom0) entry: kernel {DisplayText.Escape(Kernel.Path)} with {modules.Count} module line(s); a PV guest cannot boot a hypervisor"
                : $"a multiboot entry: kernel {DisplayText.Escape(Kernel.Path)} with {modules.Count} module line(s), not a Linux kernel a PV guest can boot";
        }

        return null;
    }

    private bool LoadKernel(GrubLegacyCommand command, SourceLocation at)
    {
        string rest = command.Argument;
        while (rest.StartsWith("--", StringComparison.Ordinal))
        {
            int blank = rest.IndexOf(' ', StringComparison.Ordinal);
            string option = blank < 0 ? rest : rest[..blank];
            if (option.StartsWith("--type=", StringComparison.Ordinal) && option is not "--type=linux" and not "--type=biglinux")
            {
                warnings.Add($"{at}: kernel {DisplayText.Escape(option)} is not a Linux kernel type");
            }

            rest = blank < 0 ? string.Empty : rest[(blank + 1)..].TrimStart(' ');
        }

        IResult<GrubLegacyFileName> name = GrubLegacyGrammar.FileName(new TextInput(rest));
        if (!name.WasSuccessful || name.Value.Path.Length == 0)
        {
            return Fail($"{at}: kernel has no valid file name in '{DisplayText.Escape(command.Argument)}'");
        }

        // A new kernel discards what the previous one loaded.
        initrds.Clear();
        modules.Clear();
        Kernel = null;
        BootFile? file = Resolve(name.Value, at, "kernel");
        if (file is null)
        {
            return false;
        }

        Kernel = file;
        int end = name.Value.Span.Length;
        Arguments = rest[end..].TrimStart(' ');
        return true;
    }

    private bool LoadInitrd(GrubLegacyCommand command, SourceLocation at)
    {
        if (Kernel is null)
        {
            return Fail($"{at}: initrd before any Linux kernel");
        }

        IResult<GrubLegacyFileName> name = GrubLegacyGrammar.FileName(new TextInput(command.Argument));
        if (!name.WasSuccessful || name.Value.Path.Length == 0)
        {
            return Fail($"{at}: initrd has no valid file name in '{DisplayText.Escape(command.Argument)}'");
        }

        BootFile? file = Resolve(name.Value, at, "initrd");
        if (file is null)
        {
            return false;
        }

        // GRUB legacy loads one initrd: a second initrd line replaces the first.
        initrds.Clear();
        initrds.Add(file);
        return true;
    }

    private BootFile? Resolve(GrubLegacyFileName name, SourceLocation at, string what)
    {
        if (!name.Path.StartsWith('/'))
        {
            Fail($"{at}: {what} '{DisplayText.Escape(name.Path)}' is not an absolute path (GRUB legacy: Filename must be either an absolute pathname or blocklist)");
            return null;
        }

        string? device = name.Device?.ToGrub2Name() ?? rootDevice;
        IFileSystemReader? fileSystem = device is null ? context.FileSystem : context.Devices.Open(device);
        if (fileSystem is null)
        {
            Fail($"{at}: {what} device ({device}) does not exist or holds no readable file system");
            return null;
        }

        FileSystemEntry? entry = fileSystem.Lookup(PathBytes.FromConfigText(name.Path));
        if (entry is null || entry.Type != FileSystemEntryType.Regular)
        {
            Fail($"{at}: {what} {(device is null ? string.Empty : $"({device})")}{DisplayText.Escape(name.Path)} {(entry is null ? "does not exist" : "is not a regular file")}");
            return null;
        }

        return new BootFile(device, name.Path);
    }

    private bool Fail(string why)
    {
        reason ??= why;
        return false;
    }
}

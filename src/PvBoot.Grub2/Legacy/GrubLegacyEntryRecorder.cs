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
    private BootFile? moduleKernel;
    private BootFile? moduleInitrd;
    private string moduleArguments = string.Empty;

    /// <summary>The kernel loaded last, or <see langword="null"/>.</summary>
    public BootFile? Kernel { get; private set; }

    /// <summary>The initrds, in load order.</summary>
    public IReadOnlyList<BootFile> Initrds => initrds;

    /// <summary>The kernel command line: the text after the kernel's file name, as GRUB legacy passes it.</summary>
    public string Arguments { get; private set; } = string.Empty;

    /// <summary>
    /// How a Xen hypervisor entry was reduced to its dom0 kernel (<see cref="BootConfigOptions.XenModuleAsKernel"/>), or
    /// <see langword="null"/>; set by <see cref="Finish"/>.
    /// </summary>
    public string? Note { get; private set; }

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
                return !context.Options.XenModuleAsKernel || LoadModule(command, at);
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

        if (modules.Count > 0 && context.Options.XenModuleAsKernel && moduleKernel is not null)
        {
            BootFile hypervisor = Kernel;
            string kind = IsXen(hypervisor) ? "a Xen hypervisor entry" : "a multiboot entry (treated as a Xen hypervisor)";
            Kernel = moduleKernel;
            Arguments = moduleArguments;
            initrds.Clear();
            if (moduleInitrd is not null)
            {
                initrds.Add(moduleInitrd);
            }

            Note = $"{kind} (kernel {DisplayText.Escape(hypervisor.Path)}) booted through its dom0 kernel because option XenModuleAsKernel is on: " +
                $"module 1 {DisplayText.Escape(moduleKernel.Path)} is the kernel with the text after its file name as arguments, " +
                (moduleInitrd is null ? "no module 2, so no initrd" : $"module 2 {DisplayText.Escape(moduleInitrd.Path)} the initrd") +
                (modules.Count > 2 ? $"; {modules.Count - 2} further module line(s) (an XSM policy, microcode) are not used" : string.Empty);
            return null;
        }

        if (modules.Count > 0)
        {
            return IsXen(Kernel)
                ? $"a Xen hypervisor (dom0) entry: kernel {DisplayText.Escape(Kernel.Path)} with {modules.Count} module line(s); a PV guest cannot boot a hypervisor"
                : $"a multiboot entry: kernel {DisplayText.Escape(Kernel.Path)} with {modules.Count} module line(s), not a Linux kernel a PV guest can boot";
        }

        return null;
    }

    private static bool IsXen(BootFile kernel) =>
        kernel.Path[(kernel.Path.LastIndexOf('/') + 1)..].StartsWith("xen", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// <c>module FILE ARGS…</c> with <see cref="BootConfigOptions.XenModuleAsKernel"/> on: in GRUB legacy the first word is
    /// the file and the rest its command line. Module 1 is the dom0 kernel, module 2 its initrd; later ones are not used.
    /// </summary>
    private bool LoadModule(GrubLegacyCommand command, SourceLocation at)
    {
        int number = modules.Count;
        if (number > 2)
        {
            return true;
        }

        IResult<GrubLegacyFileName> name = GrubLegacyGrammar.FileName(new Input(command.Argument));
        if (!name.WasSuccessful || name.Value.Path.Length == 0)
        {
            return Fail($"{at}: {command.Name} has no valid file name in '{DisplayText.Escape(command.Argument)}'");
        }

        BootFile? file = Resolve(name.Value, at, number == 1 ? "dom0 kernel (module 1)" : "initrd (module 2)");
        if (file is null)
        {
            return false;
        }

        if (number == 1)
        {
            moduleKernel = file;
            moduleArguments = command.Argument[name.Value.Span.Length..].TrimStart(' ');
        }
        else
        {
            moduleInitrd = file;
        }

        return true;
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
        moduleKernel = null;
        moduleInitrd = null;
        moduleArguments = string.Empty;
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

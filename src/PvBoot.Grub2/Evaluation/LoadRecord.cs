using PvBoot.Core.Boot;

namespace PvBoot.Grub2.Evaluation;

/// <summary>What running one entry's body loaded (the recording loader's result).</summary>
internal sealed class LoadRecord
{
    /// <summary>The kernel from the last <c>linux</c>/<c>linux16</c>/<c>linuxefi</c>.</summary>
    public BootFile? Kernel { get; set; }

    /// <summary>The initrds of the last <c>initrd*</c> after the kernel.</summary>
    public List<BootFile> Initrds { get; } = [];

    /// <summary>GRUB's re-joined command line.</summary>
    public string Arguments { get; set; } = string.Empty;

    /// <summary>Why booting this entry fails, or <see langword="null"/>.</summary>
    public string? Failure { get; set; }

    /// <summary>
    /// The hypervisor of the last <c>multiboot</c>/<c>multiboot2</c> when <see cref="BootConfigOptions.XenModuleAsKernel"/>
    /// is on (its modules then give <see cref="Kernel"/> and <see cref="Initrds"/>), or <see langword="null"/>.
    /// </summary>
    public BootFile? Hypervisor { get; set; }

    /// <summary>The command that loaded <see cref="Hypervisor"/> (<c>multiboot</c> or <c>multiboot2</c>).</summary>
    public string HypervisorCommand { get; set; } = string.Empty;

    /// <summary>How many <c>module</c>/<c>module2</c> commands followed <see cref="Hypervisor"/>.</summary>
    public int Modules { get; set; }

    /// <summary>Notes on how the arguments were formed (pygrub compatibility).</summary>
    public List<string> Notes { get; } = [];
}

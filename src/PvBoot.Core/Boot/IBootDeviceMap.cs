using PvBoot.Core.FileSystems;

namespace PvBoot.Core.Boot;

/// <summary>The guest's devices by GRUB name, each with its file system opened on demand.</summary>
public interface IBootDeviceMap
{
    /// <summary>The GRUB device names, in probing order (<c>hd0</c>, <c>hd0,msdos1</c>, <c>lvm/vg-root</c>, …).</summary>
    IReadOnlyList<string> DeviceNames { get; }

    /// <summary>Opens the file system of a device.</summary>
    /// <param name="device">A GRUB device name without parentheses; <c>hd0,1</c> and <c>hd0,msdos1</c> are both accepted.</param>
    /// <returns>The reader, or <see langword="null"/> if the device does not exist or holds no readable file system.</returns>
    IFileSystemReader? Open(string device);
}

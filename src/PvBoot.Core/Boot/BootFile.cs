namespace PvBoot.Core.Boot;

/// <summary>A file named by a boot entry: a path and the device whose file system holds it.</summary>
/// <param name="Device">
/// The GRUB device name without parentheses (<c>hd0,msdos1</c>, <c>hd0,gpt2</c>, <c>lvm/vg-root</c>), or
/// <see langword="null"/> for the file system that holds the configuration.
/// </param>
/// <param name="Path">The absolute path inside that file system, as configuration text (Latin-1: one character per byte).</param>
public sealed record BootFile(string? Device, string Path)
{
    /// <inheritdoc />
    public override string ToString() => Device is null ? Path : $"({Device}){Path}";
}

using System.Text;
using PvBoot.Core.Boot;
using PvBoot.Core.FileSystems;

namespace PvBoot.Grub2.Common;

/// <summary>Reads a configuration file as text: one Latin-1 character per byte, never truncated.</summary>
internal static class ConfigFileText
{
    /// <summary>Reads <paramref name="path"/>, or returns <see langword="null"/> when it does not exist or is not a regular file.</summary>
    /// <param name="fileSystem">The file system holding the file.</param>
    /// <param name="path">The absolute path.</param>
    /// <param name="maxBytes">The size cap; a larger file is a "too large" error.</param>
    /// <returns>The text, or <see langword="null"/>.</returns>
    /// <exception cref="ConfigSyntaxException">The file is larger than <paramref name="maxBytes"/>.</exception>
    public static string? TryRead(IFileSystemReader fileSystem, string path, int maxBytes)
    {
        FileSystemEntry? entry = fileSystem.Lookup(PathBytes.FromConfigText(path));
        if (entry is null || entry.Type != FileSystemEntryType.Regular)
        {
            return null;
        }

        if (entry.Size > maxBytes || entry.Size < 0)
        {
            throw new ConfigSyntaxException(new SourceLocation(path, 1, 1),
                $"too large: {entry.Size} bytes, more than the {maxBytes}-byte cap for configuration files");
        }

        return ReadAll(fileSystem, entry);
    }

    /// <summary>The bytes of <paramref name="entry"/> as text, one Latin-1 character per byte; the caller has checked its size.</summary>
    /// <param name="fileSystem">The file system holding the file.</param>
    /// <param name="entry">A regular file of it.</param>
    /// <returns>The text (shorter than the size if the file's data ends early).</returns>
    public static string ReadAll(IFileSystemReader fileSystem, FileSystemEntry entry)
    {
        byte[] buffer = new byte[entry.Size];
        int total = 0;
        while (total < buffer.Length)
        {
            int read = fileSystem.Read(entry, total, buffer.AsSpan(total));
            if (read <= 0)
            {
                break;
            }

            total += read;
        }

        return Encoding.Latin1.GetString(buffer, 0, total);
    }

    /// <summary>Reads <paramref name="path"/>, which must exist.</summary>
    /// <param name="fileSystem">The file system holding the file.</param>
    /// <param name="path">The absolute path.</param>
    /// <param name="maxBytes">The size cap.</param>
    /// <returns>The text.</returns>
    /// <exception cref="ConfigSyntaxException">The file is missing or larger than <paramref name="maxBytes"/>.</exception>
    public static string Read(IFileSystemReader fileSystem, string path, int maxBytes) =>
        TryRead(fileSystem, path, maxBytes)
        ?? throw new ConfigSyntaxException(new SourceLocation(path, 1, 1), "the configuration file does not exist or is not a regular file");
}

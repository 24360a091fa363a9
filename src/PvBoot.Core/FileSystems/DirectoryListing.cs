namespace PvBoot.Core.FileSystems;

/// <summary>One name in a directory, as <see cref="IFileSystemReader.ListDirectory"/> returns it.</summary>
/// <param name="Name">The name's bytes, undecoded.</param>
/// <param name="Type">The type the directory entry records, or <see cref="FileSystemEntryType.Unknown"/>.</param>
public readonly record struct DirectoryListing(ReadOnlyMemory<byte> Name, FileSystemEntryType Type)
{
    /// <summary>The name decoded for display.</summary>
    public string DisplayName => PathBytes.ToDisplayString(Name.Span);
}

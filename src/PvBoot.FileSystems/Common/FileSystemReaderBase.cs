using PvBoot.Core;
using PvBoot.Core.BlockSources;
using PvBoot.Core.FileSystems;

namespace PvBoot.FileSystems.Common;

/// <summary>
/// The part of <see cref="IFileSystemReader"/> that is the same for every format: path resolution (<c>.</c>, <c>..</c>,
/// symlinks, hop and component caps), type checks, streaming with the output cap, the per-call budget meter and a
/// cache that reads each metadata block once and validates the cached copy. A format supplies the node primitives.
/// </summary>
/// <typeparam name="TNode">The format's node (inode, directory record).</typeparam>
internal abstract class FileSystemReaderBase<TNode> : IFileSystemReader
    where TNode : class
{
    private const int CopyChunkBytes = 256 * 1024;
    private const int MetadataCacheEntries = 4096;
    private const long MetadataCacheBytes = 8L * 1024 * 1024;

    private readonly List<string> warnings = [];
    private readonly Dictionary<(long Offset, int Length), byte[]> metadataCache = [];
    private long metadataCacheBytes;
    private ScatterReadBatch? copyBatch;
    private ScatterReadBatch? copying;

    protected FileSystemReaderBase(IBlockSource source, FileSystemBudgets budgets)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(budgets);
        Source = source;
        Budgets = budgets;
        Meter = new BudgetMeter(source.Name, budgets);
    }

    /// <inheritdoc />
    public abstract string FileSystemType { get; }

    /// <inheritdoc />
    public virtual string? Label => null;

    /// <inheritdoc />
    public virtual string? Uuid => null;

    /// <inheritdoc />
    public IBlockSource Source { get; }

    /// <inheritdoc />
    public FileSystemBudgets Budgets { get; }

    /// <inheritdoc />
    public IReadOnlyList<string> Warnings => warnings;

    /// <summary>The meter of the current call.</summary>
    protected BudgetMeter Meter { get; }

    /// <summary>The root directory.</summary>
    protected abstract TNode RootNode { get; }

    /// <summary>Whether names compare case-insensitively (FAT).</summary>
    protected virtual bool CaseInsensitiveNames => false;

    /// <inheritdoc />
    public FileSystemEntry? Lookup(ReadOnlySpan<byte> path, bool followFinalSymlink = true)
    {
        Meter.Reset();
        if (path.Length > Budgets.MaxPathBytes)
        {
            throw new CorruptImageException(Source.Name, "path", "length", -1,
                $"a path of {path.Length} bytes is longer than {Budgets.MaxPathBytes}", ImageProblem.LimitExceeded);
        }

        var stack = new List<(TNode Node, byte[] Name)>();
        var pending = new Stack<byte[]>();
        PushComponents(pending, path);
        int hops = 0;
        int components = 0;
        while (pending.Count > 0)
        {
            byte[] name = pending.Pop();
            if (++components > Budgets.MaxPathComponents)
            {
                throw new CorruptImageException(Source.Name, "path", "components", -1,
                    $"resolving the path took more than {Budgets.MaxPathComponents} components (a directory or symlink cycle?)",
                    ImageProblem.LimitExceeded);
            }

            if (name.Length == 0 || name is [(byte)'.'])
            {
                continue;
            }

            if (name is [(byte)'.', (byte)'.'])
            {
                if (stack.Count > 0)
                {
                    stack.RemoveAt(stack.Count - 1);
                }

                continue;
            }

            TNode directory = stack.Count == 0 ? RootNode : stack[^1].Node;
            if (TypeOf(directory) != FileSystemEntryType.Directory)
            {
                return null;
            }

            TNode? child = LookupChild(directory, name);
            if (child is null)
            {
                return null;
            }

            bool isLast = pending.Count == 0;
            if (TypeOf(child) == FileSystemEntryType.Symlink && (!isLast || followFinalSymlink))
            {
                if (++hops > Budgets.MaxSymlinkHops)
                {
                    throw new CorruptImageException(Source.Name, "symlink", "target", -1,
                        $"more than {Budgets.MaxSymlinkHops} symbolic links followed (a symlink loop?)");
                }

                byte[] target = ReadSymlinkChecked(child);
                if (target.Length > 0 && target[0] == (byte)'/')
                {
                    stack.Clear();
                }

                PushComponents(pending, target);
                continue;
            }

            stack.Add((child, name));
        }

        TNode final = stack.Count == 0 ? RootNode : stack[^1].Node;
        return CreateEntry(final, BuildPath(stack));
    }

    /// <inheritdoc />
    public IReadOnlyList<DirectoryListing> ListDirectory(FileSystemEntry directory)
    {
        TNode node = NodeOf(directory, FileSystemEntryType.Directory);
        Meter.Reset();
        var result = new List<DirectoryListing>();
        EnumerateDirectory(node, result);
        return result;
    }

    /// <inheritdoc />
    public byte[] ReadSymlinkTarget(FileSystemEntry symlink)
    {
        TNode node = NodeOf(symlink, FileSystemEntryType.Symlink);
        Meter.Reset();
        return ReadSymlinkChecked(node);
    }

    /// <inheritdoc />
    public int Read(FileSystemEntry file, long offset, Span<byte> destination)
    {
        TNode node = NodeOf(file, FileSystemEntryType.Regular);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        Meter.Reset();
        long size = file.Size;
        if (offset >= size || destination.IsEmpty)
        {
            return 0;
        }

        int count = (int)Math.Min(destination.Length, size - offset);
        ReadFileData(node, offset, destination[..count]);
        return count;
    }

    /// <summary>
    /// Reads file data at <paramref name="diskOffset"/> of <see cref="Source"/> into <paramref name="destination"/>,
    /// after checking the range. During <see cref="CopyTo"/> the read is queued instead and issued with the chunk's
    /// other reads (<see cref="ScatterReadBatch"/>) before the chunk is written out: a fragmented file's pieces usually
    /// lie close together, interleaved with another file's, so a few scatter reads serve a whole chunk. The format
    /// must not look at <paramref name="destination"/> before the chunk is complete. Other reads (a configuration
    /// file) go straight through.
    /// </summary>
    /// <exception cref="CorruptImageException">The range is outside the source.</exception>
    protected void ReadData(long diskOffset, Span<byte> destination, string structure, string field)
    {
        Source.CheckRange(diskOffset, destination.Length, structure, field);
        if (copying is ScatterReadBatch batch
            && batch.Chunk.AsSpan().Overlaps(destination, out int at)
            && at >= 0
            && destination.Length <= batch.Chunk.Length - at)
        {
            batch.Add(Source, diskOffset, at, destination.Length);
            return;
        }

        Source.ReadExactly(diskOffset, destination);
    }

    /// <inheritdoc />
    public void CopyTo(FileSystemEntry file, Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        TNode node = NodeOf(file, FileSystemEntryType.Regular);
        if (file.Size > Budgets.MaxFileBytes)
        {
            (string structure, string field, long offset) = SizeFieldOf(node);
            throw new CorruptImageException(Source.Name, structure, field, offset,
                $"{file.DisplayPath} claims {file.Size} bytes, more than the output cap of {Budgets.MaxFileBytes} bytes",
                ImageProblem.LimitExceeded);
        }

        ScatterReadBatch batch = copyBatch ??= new ScatterReadBatch(CopyChunkBytes);
        copying = batch;
        try
        {
            for (long offset = 0; offset < file.Size;)
            {
                Meter.Reset();
                int count = (int)Math.Min(CopyChunkBytes, file.Size - offset);
                ReadFileData(node, offset, batch.Chunk.AsSpan(0, count));
                batch.Flush(Source);
                destination.Write(batch.Chunk, 0, count);
                offset += count;
            }
        }
        finally
        {
            copying = null;
            batch.Discard();
        }
    }

    /// <summary>Finds <paramref name="name"/> (never <c>.</c> or <c>..</c>) in a directory.</summary>
    protected abstract TNode? LookupChild(TNode directory, ReadOnlySpan<byte> name);

    /// <summary>The node's type.</summary>
    protected abstract FileSystemEntryType TypeOf(TNode node);

    /// <summary>The node's size in bytes.</summary>
    protected abstract long SizeOf(TNode node);

    /// <summary>Reads a symlink's target; the base checks the length against the budget before and after.</summary>
    protected abstract byte[] ReadSymlink(TNode node);

    /// <summary>Adds every name of a directory except <c>.</c> and <c>..</c> to <paramref name="into"/>.</summary>
    protected abstract void EnumerateDirectory(TNode directory, List<DirectoryListing> into);

    /// <summary>Fills <paramref name="destination"/> from the file at <paramref name="offset"/>; the range lies inside the file's size. Holes read as zeros.</summary>
    protected abstract void ReadFileData(TNode file, long offset, Span<byte> destination);

    /// <summary>Where the node's size is recorded (structure, field, absolute offset), for errors about it.</summary>
    protected virtual (string Structure, string Field, long Offset) SizeFieldOf(TNode node) => ("inode", "size", -1);

    /// <summary>Where the node's type is recorded (structure, field, absolute offset), for errors about it.</summary>
    protected virtual (string Structure, string Field, long Offset) TypeFieldOf(TNode node) => ("inode", "mode", -1);

    /// <summary>Records a non-fatal finding.</summary>
    protected void Warn(string message)
    {
        if (warnings.Count < 100 && !warnings.Contains(message))
        {
            warnings.Add(message);
        }
    }

    /// <summary>
    /// Reads a metadata block once, charging it to the budget, and returns the cached copy on later calls, so a
    /// validated structure cannot change between two reads (a shared or still-attached disk).
    /// </summary>
    protected byte[] ReadMetadata(long offset, int length, string structure)
    {
        Meter.ChargeMetadataBlock(structure, offset);
        if (metadataCache.TryGetValue((offset, length), out byte[]? cached))
        {
            return cached;
        }

        byte[] bytes = new byte[length];
        Source.ReadStructure(offset, bytes, structure);
        // Bounded by entries and by bytes (64 KiB btrfs nodes would otherwise keep 256 MiB alive).
        if (metadataCache.Count >= MetadataCacheEntries || metadataCacheBytes + length > MetadataCacheBytes)
        {
            metadataCache.Clear();
            metadataCacheBytes = 0;
        }

        metadataCache[(offset, length)] = bytes;
        metadataCacheBytes += length;
        return bytes;
    }

    /// <summary>Compares two names as this file system does.</summary>
    protected bool NamesEqual(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        if (!CaseInsensitiveNames)
        {
            return a.SequenceEqual(b);
        }

        if (a.Length != b.Length)
        {
            return false;
        }

        for (int i = 0; i < a.Length; i++)
        {
            if (AsciiLower(a[i]) != AsciiLower(b[i]))
            {
                return false;
            }
        }

        return true;

        static byte AsciiLower(byte c) => c is >= (byte)'A' and <= (byte)'Z' ? (byte)(c + 32) : c;
    }

    private static void PushComponents(Stack<byte[]> pending, ReadOnlySpan<byte> path)
    {
        var parts = new List<byte[]>();
        foreach (Range range in path.Split((byte)'/'))
        {
            parts.Add(path[range].ToArray());
        }

        for (int i = parts.Count - 1; i >= 0; i--)
        {
            pending.Push(parts[i]);
        }
    }

    private static byte[] BuildPath(List<(TNode Node, byte[] Name)> stack)
    {
        if (stack.Count == 0)
        {
            return [(byte)'/'];
        }

        var bytes = new List<byte>();
        foreach ((_, byte[] name) in stack)
        {
            bytes.Add((byte)'/');
            bytes.AddRange(name);
        }

        return [.. bytes];
    }

    private byte[] ReadSymlinkChecked(TNode node)
    {
        long size = SizeOf(node);
        if (size > Budgets.MaxPathBytes || size < 0)
        {
            (string structure, string field, long offset) = SizeFieldOf(node);
            throw new CorruptImageException(Source.Name, structure, field, offset,
                $"a symlink target of {size} bytes is longer than {Budgets.MaxPathBytes}");
        }

        byte[] target = ReadSymlink(node);
        if (target.Length > Budgets.MaxPathBytes)
        {
            throw new CorruptImageException(Source.Name, "symlink", "target", -1,
                $"a symlink target of {target.Length} bytes is longer than {Budgets.MaxPathBytes}");
        }

        return target;
    }

    private ReaderEntry<TNode> CreateEntry(TNode node, byte[] path)
        => new(this, node, path, TypeOf(node), SizeOf(node));

    private TNode NodeOf(FileSystemEntry entry, FileSystemEntryType expected)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (entry is not ReaderEntry<TNode> own || !ReferenceEquals(own.Owner, this))
        {
            throw new ArgumentException("The entry was not returned by this reader.", nameof(entry));
        }

        if (entry.Type != expected)
        {
            // The type comes from the image (a "kernel" that is a directory, FIFO or device), so it is reported as such.
            (string structure, string field, long offset) = TypeFieldOf(own.Node);
            throw new CorruptImageException(Source.Name, structure, field, offset,
                $"{entry.DisplayPath} is a {entry.Type}, not a {expected}");
        }

        return own.Node;
    }
}

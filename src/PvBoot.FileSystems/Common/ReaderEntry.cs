using PvBoot.Core.FileSystems;

namespace PvBoot.FileSystems.Common;

/// <summary>The entry type every reader built on <see cref="FileSystemReaderBase{TNode}"/> hands out: it keeps the node.</summary>
/// <typeparam name="TNode">The reader's node type (an inode, a directory record).</typeparam>
internal sealed class ReaderEntry<TNode> : FileSystemEntry
    where TNode : class
{
    public ReaderEntry(object owner, TNode node, ReadOnlyMemory<byte> path, FileSystemEntryType type, long size)
        : base(path, type, size)
    {
        Owner = owner;
        Node = node;
    }

    public object Owner { get; }

    public TNode Node { get; }
}

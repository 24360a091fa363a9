using PvBoot.Core.BlockSources;

namespace PvBoot.Core.Tests.Partitions;

/// <summary>A disk whose first bytes come from a patched copy and the rest from a shared original, so a property can mutate the head of a large image cheaply.</summary>
internal sealed class OverlayBlockSource : IBlockSource
{
    private readonly byte[] head;
    private readonly byte[] original;

    public OverlayBlockSource(byte[] head, byte[] original, string name)
    {
        this.head = head;
        this.original = original;
        Name = name;
    }

    public string Name { get; }

    public long Length => original.Length;

    public void ReadExactly(long offset, Span<byte> destination)
    {
        this.CheckRange(offset, destination.Length, "image", "offset");
        for (int i = 0; i < destination.Length; i++)
        {
            long at = offset + i;
            destination[i] = at < head.Length ? head[at] : original[at];
        }
    }
}

using PvBoot.Core.BlockSources;

namespace PvBoot.Core.Partitions;

/// <summary>The candidates found so far on one disk, with the checks every candidate must pass.</summary>
internal sealed class CandidateList
{
    private readonly List<PartitionCandidate> candidates = [];
    private readonly HashSet<string> names = new(StringComparer.Ordinal);

    public CandidateList(IBlockSource disk, PartitionDiscoveryOptions options)
    {
        Disk = disk;
        Options = options;
    }

    /// <summary>The disk being read.</summary>
    public IBlockSource Disk { get; }

    /// <summary>The limits in force.</summary>
    public PartitionDiscoveryOptions Options { get; }

    /// <summary>The number of candidates so far.</summary>
    public int Count => candidates.Count;

    /// <summary>The name of a candidate's block source: the disk's name and the GRUB device, e.g. <c>disk.img (hd0,msdos1)</c>.</summary>
    public string SourceName(string grubName) => $"{Disk.Name} ({grubName})";

    /// <summary>Adds the whole disk as <c>hd0</c>.</summary>
    public void AddWholeDisk()
        => Add(new PartitionCandidate
        {
            GrubName = "hd0",
            Source = new SubBlockSource(Disk, 0, Disk.Length, SourceName("hd0")),
            Scheme = PartitionScheme.WholeDisk,
            Offset = 0,
        });

    /// <summary>Adds the whole disk as <c>hd0</c> before every other candidate (a hybrid ISO).</summary>
    public void InsertWholeDiskFirst()
    {
        AddWholeDisk();
        PartitionCandidate whole = candidates[^1];
        candidates.RemoveAt(candidates.Count - 1);
        candidates.Insert(0, whole);
    }

    /// <summary>Adds a candidate, enforcing <see cref="PartitionDiscoveryOptions.MaxPartitions"/> and unique names.</summary>
    public void Add(PartitionCandidate candidate)
    {
        if (candidates.Count >= Options.MaxPartitions)
        {
            throw new CorruptImageException(
                Disk.Name,
                "partition_table",
                "count",
                candidate.Offset,
                $"more than {Options.MaxPartitions} partitions and volumes (at {candidate.GrubName})",
                ImageProblem.LimitExceeded);
        }

        if (!names.Add(candidate.GrubName))
        {
            throw new CorruptImageException(Disk.Name, "partition_table", "name", candidate.Offset, $"two candidates are both named {candidate.GrubName}");
        }

        candidates.Add(candidate);
    }

    /// <summary>Moves the first candidate that satisfies <paramref name="predicate"/> to the front.</summary>
    public void MoveToFront(Func<PartitionCandidate, bool> predicate)
    {
        int index = candidates.FindIndex(c => predicate(c));
        if (index > 0)
        {
            PartitionCandidate c = candidates[index];
            candidates.RemoveAt(index);
            candidates.Insert(0, c);
        }
    }

    /// <summary>Removes and returns every candidate that satisfies <paramref name="predicate"/>.</summary>
    public List<PartitionCandidate> RemoveAll(Func<PartitionCandidate, bool> predicate)
    {
        List<PartitionCandidate> removed = candidates.FindAll(c => predicate(c));
        candidates.RemoveAll(c => predicate(c));
        foreach (PartitionCandidate c in removed)
        {
            names.Remove(c.GrubName);
        }

        return removed;
    }

    /// <summary>The candidates in order.</summary>
    public IReadOnlyList<PartitionCandidate> ToList() => candidates.ToArray();
}

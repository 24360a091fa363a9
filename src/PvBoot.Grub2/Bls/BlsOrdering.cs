using PvBoot.Grub2.Evaluation;

namespace PvBoot.Grub2.Bls;

/// <summary>The order <c>blscfg</c> gives entries: newest first, by rpm version comparison (boot-config-semantics §6.2).</summary>
internal static class BlsOrdering
{
    /// <summary>Splits <c>name-version-release</c> at the last two dashes (fewer dashes shift the parts to version/release).</summary>
    public static (string Name, string Version, string Release) SplitPackage(string text)
    {
        int last = text.LastIndexOf('-');
        if (last < 0)
        {
            return (string.Empty, text, string.Empty);
        }

        string release = text[(last + 1)..];
        string rest = text[..last];
        int second = rest.LastIndexOf('-');
        return second < 0 ? (string.Empty, rest, release) : (rest[..second], rest[(second + 1)..], release);
    }

    /// <summary>Compares two file ids as <c>blscfg</c> does: name, then version, then release.</summary>
    public static int CompareIds(string a, string b)
    {
        var (nameA, versionA, releaseA) = SplitPackage(a);
        var (nameB, versionB, releaseB) = SplitPackage(b);
        int result = RpmVersion.Compare(nameA, nameB);
        if (result == 0)
        {
            result = RpmVersion.Compare(versionA, versionB);
        }

        if (result == 0)
        {
            result = RpmVersion.Compare(releaseA, releaseB);
        }

        return result;
    }

    /// <summary>Orders entries newest first for <paramref name="flavour"/>; Fedora drops an entry that compares equal to one already kept.</summary>
    public static List<BlsEntry> Sort(IEnumerable<BlsEntry> entries, Grub2Flavour flavour, List<string> explanation)
    {
        var list = entries.ToList();
        if (flavour == Grub2Flavour.El8)
        {
            bool allVersioned = list.All(e => e.First("version") is not null);
            list.Sort((x, y) =>
            {
                int result = 0;
                if (allVersioned)
                {
                    var (_, vx, rx) = SplitVersion(x.First("version")!);
                    var (_, vy, ry) = SplitVersion(y.First("version")!);
                    result = RpmVersion.Compare(vy, vx);
                    if (result == 0)
                    {
                        result = RpmVersion.Compare(ry, rx);
                    }
                }

                if (result == 0)
                {
                    result = CompareIds(y.Id, x.Id);
                }

                return result != 0 ? result : string.CompareOrdinal(x.Id, y.Id);
            });
            return list;
        }

        var kept = new List<BlsEntry>();
        foreach (BlsEntry entry in list.OrderBy(e => e.Id, StringComparer.Ordinal))
        {
            int index = 0;
            bool duplicate = false;
            while (index < kept.Count)
            {
                int result = CompareIds(entry.Id, kept[index].Id);
                if (result == 0)
                {
                    duplicate = true;
                    break;
                }

                if (result > 0)
                {
                    break;
                }

                index++;
            }

            if (duplicate)
            {
                explanation.Add($"blscfg: {entry.Path} compares equal to {kept[index].Path} and is dropped, as Fedora's blscfg drops it");
                continue;
            }

            kept.Insert(index, entry);
        }

        return kept;
    }

    private static (string Name, string Version, string Release) SplitVersion(string version)
    {
        int last = version.LastIndexOf('-');
        return last < 0 ? (string.Empty, version, string.Empty) : (string.Empty, version[..last], version[(last + 1)..]);
    }
}

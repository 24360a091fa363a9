using System.Globalization;
using System.Text;
using PvBoot.Core.FileSystems;

namespace PvBoot.Grub2.Evaluation;

/// <summary>
/// The btrfs subvolume variables of the GRUB builds that carry SUSE's btrfs patches (openSUSE/SLES, and Fedora/RHEL,
/// which took them over): boot-config-semantics §2.5 and §10.
/// <list type="bullet">
/// <item><c>btrfs_relative_path</c> is an ordinary variable, read from the running context each time a file is opened
/// (<c>grub_btrfs_mount</c>); a value starting with <c>y</c> or <c>1</c> makes paths on a btrfs device start at the
/// subvolume that <c>btrfs_subvol</c>/<c>btrfs_subvolid</c> select, else at the default subvolume. Without it paths start
/// at the top-level subvolume (id 5), as upstream GRUB always does.</item>
/// <item><c>btrfs_subvol</c> and <c>btrfs_subvolid</c> are backed by two module globals through variable hooks, so they
/// are the same in every context; assigning one clears the other, and reading one while the other is in force gives
/// <c>subvolid:N</c> or <c>subvol:PATH</c>. A path is looked up from the top level first and, when it does not exist
/// there, in the default subvolume; it must name a subvolume's top directory. An id of 0 (or an empty path) means the
/// default subvolume. An unknown subvolume makes the mount fail: every file of that device is then missing.</item>
/// </list>
/// The variables are honoured whatever the flavour: only GRUB builds that understand them have generators that write
/// them (SUSE's <c>00_header</c>, kiwi, snapper), and upstream <c>grub-mkconfig</c> never does, so a configuration
/// that sets them was written for a GRUB that honours them.
/// </summary>
internal sealed partial class Grub2Evaluator
{
    private readonly Dictionary<IFileSystemReader, Dictionary<ulong, IFileSystemReader?>> subvolumeReaders = [];
    private string? btrfsSubvol;
    private ulong btrfsSubvolId;

    /// <summary>Whether <c>btrfs_relative_path</c> is on in the running context (its value starts with <c>y</c> or <c>1</c>).</summary>
    private bool BtrfsRelativePath => current.Get("btrfs_relative_path") is ['y' or '1', ..];

    /// <summary>Assigns a variable, through the btrfs module's hooks for its two magic variables.</summary>
    /// <returns><see langword="false"/> when the hook refuses the value (a <c>btrfs_subvolid</c> that is not a number).</returns>
    private bool Assign(string name, string value, string origin)
    {
        switch (name)
        {
            case "btrfs_subvol":
                btrfsSubvol = value;
                btrfsSubvolId = 0;
                break;
            case "btrfs_subvolid":
                if (!TryParseSubvolumeId(value, out ulong id))
                {
                    warnings.Add($"{origin}: btrfs_subvolid={value} is not a number; GRUB's btrfs module refuses the assignment");
                    return false;
                }

                btrfsSubvol = null;
                btrfsSubvolId = id;
                break;
        }

        current.Set(name, value, origin);
        return true;
    }

    /// <summary>The value GRUB's read hooks give for the two magic variables, or <see langword="null"/> for any other name.</summary>
    private string? MagicValue(string name) => name switch
    {
        "btrfs_subvol" => btrfsSubvol ?? (btrfsSubvolId != 0 ? $"subvolid:{btrfsSubvolId.ToString(CultureInfo.InvariantCulture)}" : string.Empty),
        "btrfs_subvolid" => btrfsSubvol is not null ? $"subvol:{btrfsSubvol}"
            : btrfsSubvolId != 0 ? btrfsSubvolId.ToString(CultureInfo.InvariantCulture) : string.Empty,
        _ => null,
    };

    /// <summary><c>grub_strtoull(value, NULL, 10)</c>: leading blanks, then at least one digit; trailing text is ignored; empty is 0.</summary>
    private static bool TryParseSubvolumeId(string value, out ulong id)
    {
        id = 0;
        if (value.Length == 0)
        {
            return true;
        }

        int i = 0;
        while (i < value.Length && char.IsWhiteSpace(value[i]))
        {
            i++;
        }

        int start = i;
        while (i < value.Length && char.IsAsciiDigit(value[i]))
        {
            i++;
        }

        return i > start && ulong.TryParse(value.AsSpan(start, i - start), NumberStyles.None, CultureInfo.InvariantCulture, out id);
    }

    /// <summary>
    /// The reader GRUB reads a device's paths with: the device's own reader, or, on btrfs, the subvolume the magic
    /// variables select. <paramref name="view"/> says which subvolume when it is not the top level.
    /// </summary>
    /// <returns>The reader, or <see langword="null"/> (with <paramref name="failure"/>) when the selected subvolume does not exist.</returns>
    private IFileSystemReader? SelectSubvolume(string device, IFileSystemReader fs, out SubvolumeView? view, out string? failure)
    {
        view = null;
        failure = null;
        if (fs is not ISubvolumeFileSystem btrfs)
        {
            return fs;
        }

        ulong top = btrfs.TopLevelSubvolumeId;
        ulong wanted;
        string reason;
        if (!BtrfsRelativePath)
        {
            wanted = top;
            reason = "btrfs_relative_path is off";
        }
        else if (btrfsSubvol is { Length: > 0 } named)
        {
            if (FindNamedSubvolume(fs, btrfs, named, out reason) is not { } found)
            {
                failure = $"btrfs_subvol={named}: {reason} on ({device}), so GRUB cannot mount it and no file of ({device}) can be read";
                return null;
            }

            wanted = found;
        }
        else if (btrfsSubvolId != 0)
        {
            wanted = btrfsSubvolId;
            reason = $"btrfs_subvolid={btrfsSubvolId.ToString(CultureInfo.InvariantCulture)}";
        }
        else
        {
            wanted = btrfs.DefaultSubvolumeId;
            reason = "btrfs_relative_path=y and neither btrfs_subvol nor btrfs_subvolid is set: the default subvolume";
        }

        IFileSystemReader? reader = SubvolumeReader(fs, btrfs, wanted);
        if (reader is null)
        {
            failure = $"{reason}: ({device}) has no btrfs subvolume {wanted.ToString(CultureInfo.InvariantCulture)}, so GRUB cannot mount it and no file of ({device}) can be read";
            return null;
        }

        if (wanted != top)
        {
            byte[]? path = btrfs.SubvolumePath(wanted);
            view = new SubvolumeView(wanted, path is null ? null : Encoding.Latin1.GetString(path), reason);
        }

        return reader;
    }

    /// <summary>The subvolume a <c>btrfs_subvol</c> path names: looked up from the top level, else from the default subvolume.</summary>
    private ulong? FindNamedSubvolume(IFileSystemReader fs, ISubvolumeFileSystem btrfs, string named, out string reason)
    {
        byte[] path = PathBytes.FromConfigText(named);
        foreach ((ulong root, string where) in (ReadOnlySpan<(ulong, string)>)[(btrfs.TopLevelSubvolumeId, "the top level"), (btrfs.DefaultSubvolumeId, "the default subvolume")])
        {
            if (SubvolumeReader(fs, btrfs, root) is not { } reader || reader.Lookup(path) is null)
            {
                continue;
            }

            if (((ISubvolumeFileSystem)reader).FindSubvolume(path) is { } id)
            {
                reason = $"btrfs_subvol={named} (subvolume {id.ToString(CultureInfo.InvariantCulture)}, found from {where})";
                return id;
            }

            reason = $"{named} (found from {where}) is not the top directory of a subvolume";
            return null;
        }

        reason = $"{named} exists neither from the top level nor in the default subvolume";
        return null;
    }

    /// <summary>A reader of <paramref name="fs"/>'s file system with <c>/</c> at subvolume <paramref name="id"/>, opened once.</summary>
    private IFileSystemReader? SubvolumeReader(IFileSystemReader fs, ISubvolumeFileSystem btrfs, ulong id)
    {
        if (btrfs.SubvolumeId == id)
        {
            return fs;
        }

        if (!subvolumeReaders.TryGetValue(fs, out Dictionary<ulong, IFileSystemReader?>? byId))
        {
            subvolumeReaders[fs] = byId = [];
        }

        if (!byId.TryGetValue(id, out IFileSystemReader? reader))
        {
            byId[id] = reader = btrfs.OpenSubvolume(id);
        }

        return reader;
    }

    /// <summary>
    /// Where a file found in a subvolume lives as seen from the top level, which is how upstream GRUB and PvBoot's
    /// boot-file readers name it: the subvolume's path joined with the file's resolved path inside it.
    /// </summary>
    private static string? TopLevelPath(SubvolumeView view, FileSystemEntry entry)
        => view.TopLevelPath is null ? null : view.TopLevelPath.TrimEnd('/') + Encoding.Latin1.GetString(entry.Path.Span);

    /// <summary>The subvolume paths of a btrfs device were resolved in, and why.</summary>
    /// <param name="Id">The subvolume id.</param>
    /// <param name="TopLevelPath">Its top directory's path from the top level, or <see langword="null"/> if unreachable.</param>
    /// <param name="Reason">Which variables chose it.</param>
    private sealed record SubvolumeView(ulong Id, string? TopLevelPath, string Reason)
    {
        public string Describe() => $"btrfs subvolume {Id.ToString(CultureInfo.InvariantCulture)} ({TopLevelPath ?? "not reachable from the top level"}; {Reason})";
    }
}

namespace PvBoot.Grub2.Common;

/// <summary>Textual path arithmetic for paths named in configuration files (the file system resolves symlinks later).</summary>
internal static class ConfigPaths
{
    /// <summary>The directory part of an absolute path (<c>/boot/grub/menu.lst</c> → <c>/boot/grub</c>; a top-level file → <c>/</c>).</summary>
    /// <param name="path">An absolute path.</param>
    /// <returns>Its directory.</returns>
    public static string DirectoryOf(string path)
    {
        int slash = path.LastIndexOf('/');
        return slash <= 0 ? "/" : path[..slash];
    }

    /// <summary>
    /// Resolves <paramref name="path"/> against <paramref name="directory"/> unless it is absolute, then removes
    /// <c>.</c>, <c>..</c> and repeated slashes; <c>..</c> never climbs above the root.
    /// </summary>
    /// <param name="directory">An absolute directory.</param>
    /// <param name="path">A relative or absolute path.</param>
    /// <returns>The normalised absolute path.</returns>
    public static string Resolve(string directory, string path)
    {
        string combined = path.StartsWith('/') ? path : directory.TrimEnd('/') + "/" + path;
        var parts = new List<string>();
        foreach (string part in combined.Split('/'))
        {
            if (part.Length == 0 || part == ".")
            {
                continue;
            }

            if (part == "..")
            {
                if (parts.Count > 0)
                {
                    parts.RemoveAt(parts.Count - 1);
                }

                continue;
            }

            parts.Add(part);
        }

        return "/" + string.Join('/', parts);
    }
}

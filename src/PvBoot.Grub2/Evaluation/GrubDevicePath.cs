namespace PvBoot.Grub2.Evaluation;

/// <summary>A GRUB file name split into device and path (<c>(hd0,msdos1)/boot/vmlinuz</c>).</summary>
/// <param name="Device">The device without parentheses, or <see langword="null"/> for <c>$root</c>.</param>
/// <param name="Path">The absolute path.</param>
internal readonly record struct GrubDevicePath(string? Device, string Path)
{
    /// <summary>Splits <paramref name="name"/>; returns <see langword="false"/> for a malformed device part.</summary>
    public static bool TryParse(string name, out GrubDevicePath result)
    {
        result = default;
        if (name.StartsWith('('))
        {
            int close = name.IndexOf(')', StringComparison.Ordinal);
            if (close < 0)
            {
                return false;
            }

            string path = name[(close + 1)..];
            if (path.Length > 0 && path[0] != '/')
            {
                return false;
            }

            result = new GrubDevicePath(name[1..close], path.Length == 0 ? "/" : path);
            return true;
        }

        if (!name.StartsWith('/'))
        {
            return false;
        }

        result = new GrubDevicePath(null, name);
        return true;
    }

    /// <summary>Removes the parentheses GRUB tolerates around a <c>root</c> value.</summary>
    public static string TrimParentheses(string device)
    {
        string d = device.Trim();
        if (d.StartsWith('(') && d.EndsWith(')'))
        {
            d = d[1..^1];
        }

        return d;
    }

    /// <summary>A device name in one spelling: <c>hd0,msdos1</c>, <c>hd0,gpt1</c> and <c>hd0,1</c> compare equal.</summary>
    public static string Normalize(string device)
    {
        string[] parts = TrimParentheses(device).Split(',');
        for (int i = 1; i < parts.Length; i++)
        {
            string p = parts[i];
            if (p.StartsWith("msdos", StringComparison.Ordinal))
            {
                parts[i] = p[5..];
            }
            else if (p.StartsWith("gpt", StringComparison.Ordinal))
            {
                parts[i] = p[3..];
            }
        }

        return string.Join(',', parts);
    }
}

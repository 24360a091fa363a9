namespace PvBoot.Core;

/// <summary>What kind of problem a <see cref="CorruptImageException"/> reports.</summary>
public enum ImageProblem
{
    /// <summary>The bytes contradict the format: a bad magic, a count beyond its container, a loop.</summary>
    Corrupt,

    /// <summary>The bytes are valid but use a feature PvBoot does not read (a RAID profile, bigalloc).</summary>
    Unsupported,

    /// <summary>A budget that PvBoot sets independently of the image was exhausted (metadata blocks, entries, output size).</summary>
    LimitExceeded,
}

/// <summary>
/// The single exception type that PvBoot's libraries raise for a hostile, broken, unsupported or oversized guest image
/// or boot configuration. It names the source (file name), the on-disk structure (as the format's specification names
/// it, e.g. <c>gpt_header</c>), the field and the absolute byte offset.
/// </summary>
public sealed class CorruptImageException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="source">The image or file the bytes came from.</param>
    /// <param name="structure">The on-disk structure, named as in its specification.</param>
    /// <param name="field">The field of <paramref name="structure"/> that is wrong.</param>
    /// <param name="offset">The absolute byte offset of the field within <paramref name="source"/>, or -1 if unknown.</param>
    /// <param name="problem">What is wrong, in a short sentence.</param>
    /// <param name="kind">The class of problem.</param>
    /// <param name="innerException">An underlying cause, if any.</param>
    public CorruptImageException(
        string source,
        string structure,
        string field,
        long offset,
        string problem,
        ImageProblem kind = ImageProblem.Corrupt,
        Exception? innerException = null)
        : base(Format(source, structure, field, offset, problem, kind), innerException)
    {
        SourceName = source;
        Structure = structure;
        Field = field;
        Offset = offset;
        Problem = problem;
        Kind = kind;
    }

    /// <summary>The image or file the bytes came from.</summary>
    public string SourceName { get; }

    /// <summary>The on-disk structure, named as in its specification (e.g. <c>ext4_extent_header</c>).</summary>
    public string Structure { get; }

    /// <summary>The field of <see cref="Structure"/> that is wrong.</summary>
    public string Field { get; }

    /// <summary>The absolute byte offset of the field within <see cref="SourceName"/>, or -1 if unknown.</summary>
    public long Offset { get; }

    /// <summary>What is wrong, without the location.</summary>
    public string Problem { get; }

    /// <summary>The class of problem.</summary>
    public ImageProblem Kind { get; }

    private static string Format(string source, string structure, string field, long offset, string problem, ImageProblem kind)
    {
        string where = offset >= 0 ? $" at offset {offset} (0x{offset:X})" : string.Empty;
        string prefix = kind switch
        {
            ImageProblem.Unsupported => "unsupported: ",
            ImageProblem.LimitExceeded => "limit exceeded: ",
            _ => string.Empty,
        };
        return $"{source}: {structure}.{field}{where}: {prefix}{problem}";
    }
}

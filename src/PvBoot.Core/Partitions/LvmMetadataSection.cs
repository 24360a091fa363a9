using System.Globalization;

namespace PvBoot.Core.Partitions;

/// <summary>A value in LVM2 text metadata: a quoted string, a bare word or number, or a bracketed list.</summary>
/// <param name="Offset">The absolute byte offset of the value in the image.</param>
internal abstract record LvmMetadataValue(long Offset);

/// <summary>A quoted string or a bare word (numbers are bare words).</summary>
/// <param name="Text">The text, without quotes and escapes.</param>
/// <param name="Quoted">Whether it was a quoted string.</param>
/// <param name="Offset">The absolute byte offset of the value in the image.</param>
internal sealed record LvmMetadataText(string Text, bool Quoted, long Offset) : LvmMetadataValue(Offset);

/// <summary>A bracketed list.</summary>
/// <param name="Items">The items in order.</param>
/// <param name="Offset">The absolute byte offset of the opening bracket in the image.</param>
internal sealed record LvmMetadataList(IReadOnlyList<LvmMetadataValue> Items, long Offset) : LvmMetadataValue(Offset);

/// <summary>
/// A section of LVM2 text metadata (<c>name { key = value ... }</c>), with typed accessors that report a missing or
/// malformed value as a <see cref="CorruptImageException"/> naming the section path and the key.
/// </summary>
internal sealed class LvmMetadataSection
{
    /// <summary>The structure name used in error messages.</summary>
    public const string StructureName = "lvm_metadata";

    private readonly Dictionary<string, LvmMetadataValue> values = new(StringComparer.Ordinal);
    private readonly List<LvmMetadataSection> sections = [];
    private readonly HashSet<string> sectionNames = new(StringComparer.Ordinal);

    public LvmMetadataSection(string name, string path, long offset, string source)
    {
        Name = name;
        Path = path;
        Offset = offset;
        Source = source;
    }

    /// <summary>The section's name.</summary>
    public string Name { get; }

    /// <summary>The names of the enclosing sections and this one, joined by '/' (for error messages).</summary>
    public string Path { get; }

    /// <summary>The absolute byte offset of the section's name in the image.</summary>
    public long Offset { get; }

    /// <summary>The image name, for error messages.</summary>
    public string Source { get; }

    /// <summary>The subsections in order.</summary>
    public IReadOnlyList<LvmMetadataSection> Sections => sections;

    /// <summary>Adds <c>key = value</c>; a repeated key is an error.</summary>
    public void Add(string key, LvmMetadataValue value, long keyOffset)
    {
        if (!values.TryAdd(key, value) || sectionNames.Contains(key))
        {
            throw new CorruptImageException(Source, StructureName, FieldName(key), keyOffset, $"'{key}' appears twice in {Describe()}");
        }
    }

    /// <summary>Adds a subsection; a repeated name is an error.</summary>
    public void Add(LvmMetadataSection section)
    {
        if (!sectionNames.Add(section.Name) || values.ContainsKey(section.Name))
        {
            throw new CorruptImageException(Source, StructureName, section.Path, section.Offset, $"'{section.Name}' appears twice in {Describe()}");
        }

        sections.Add(section);
    }

    /// <summary>The subsection named <paramref name="name"/>, or null.</summary>
    public LvmMetadataSection? Section(string name) => sections.Find(s => s.Name == name);

    /// <summary>The subsection named <paramref name="name"/>; missing is an error.</summary>
    public LvmMetadataSection RequiredSection(string name)
        => Section(name) ?? throw new CorruptImageException(Source, StructureName, FieldName(name), Offset, $"{Describe()} has no '{name}' section");

    /// <summary>The value of <paramref name="key"/>, or null.</summary>
    public LvmMetadataValue? Value(string key) => values.GetValueOrDefault(key);

    /// <summary>The text of <paramref name="key"/>; missing or a list is an error.</summary>
    public string Text(string key)
        => Value(key) switch
        {
            LvmMetadataText text => text.Text,
            LvmMetadataList list => throw Error(key, list.Offset, $"'{key}' is a list, not a single value"),
            _ => throw new CorruptImageException(Source, StructureName, FieldName(key), Offset, $"{Describe()} has no '{key}'"),
        };

    /// <summary>The non-negative integer value of <paramref name="key"/>; missing, negative or not a number is an error.</summary>
    public long Integer(string key)
    {
        string text = Text(key);
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long value))
        {
            throw Error(key, Value(key)!.Offset, $"{key} '{Shorten(text)}' is not a non-negative 64-bit integer");
        }

        return value;
    }

    /// <summary>The list value of <paramref name="key"/>, or an empty list if missing; not a list is an error.</summary>
    public IReadOnlyList<LvmMetadataValue> List(string key)
        => Value(key) switch
        {
            null => [],
            LvmMetadataList list => list.Items,
            LvmMetadataValue other => throw Error(key, other.Offset, $"'{key}' is not a list"),
        };

    /// <summary>An error about <paramref name="key"/> of this section.</summary>
    public CorruptImageException Error(string key, long offset, string problem, ImageProblem kind = ImageProblem.Corrupt)
        => new(Source, StructureName, FieldName(key), offset, problem, kind);

    /// <summary>The path of a key of this section, e.g. <c>vg/logical_volumes/root/segment1/stripes</c>.</summary>
    public string FieldName(string key) => Path.Length == 0 ? key : Path + "/" + key;

    private string Describe() => Path.Length == 0 ? "the top level" : $"section {Path}";

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";
}

namespace PvBoot.Grub2.Bls;

/// <summary>One BootLoaderSpec entry file as Red Hat's <c>blscfg</c> reads it (boot-config-semantics §6.2).</summary>
internal sealed class BlsEntry
{
    private readonly List<KeyValuePair<string, string>> fields;

    private BlsEntry(string id, string path, List<KeyValuePair<string, string>> fields)
    {
        Id = id;
        Path = path;
        this.fields = fields;
    }

    /// <summary>The file name without <c>.conf</c>.</summary>
    public string Id { get; }

    /// <summary>The file's path in its file system.</summary>
    public string Path { get; }

    /// <summary>The keys and values in file order (keys repeat).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Fields => fields;

    /// <summary>The first value of <paramref name="key"/>, or <see langword="null"/>.</summary>
    public string? First(string key) => fields.FirstOrDefault(f => f.Key == key).Value;

    /// <summary>Every value of <paramref name="key"/>, in order.</summary>
    public IEnumerable<string> All(string key) => fields.Where(f => f.Key == key).Select(f => f.Value);

    /// <summary>
    /// Parses an entry: CRs deleted, leading blanks stripped, <c>#</c> lines skipped; the key ends at the first space (else
    /// the first TAB); a line without separator or value (an empty line too) ends the file, earlier keys kept.
    /// </summary>
    /// <param name="id">The file name without <c>.conf</c>.</param>
    /// <param name="path">The file's path.</param>
    /// <param name="text">The content, one character per byte.</param>
    /// <param name="maxValuesPerKey">Cap on repetitions of one key.</param>
    /// <param name="warnings">Receives what was dropped.</param>
    public static BlsEntry Parse(string id, string path, string text, int maxValuesPerKey, List<string> warnings)
    {
        var fields = new List<KeyValuePair<string, string>>();
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (string rawLine in text.Replace("\r", string.Empty, StringComparison.Ordinal).Split('\n'))
        {
            string line = rawLine.TrimStart(' ', '\t');
            if (line.StartsWith('#'))
            {
                continue;
            }

            int separator = line.IndexOf(' ', StringComparison.Ordinal);
            if (separator < 0)
            {
                separator = line.IndexOf('\t', StringComparison.Ordinal);
            }

            if (separator < 0)
            {
                break;
            }

            string value = line[separator..].TrimStart(' ', '\t');
            if (value.Length == 0)
            {
                break;
            }

            string key = line[..separator];
            int count = counts.GetValueOrDefault(key) + 1;
            counts[key] = count;
            if (count > maxValuesPerKey)
            {
                warnings.Add($"{path}: more than {maxValuesPerKey} '{key}' lines; the rest are ignored");
                continue;
            }

            fields.Add(new KeyValuePair<string, string>(key, value));
        }

        return new BlsEntry(id, path, fields);
    }
}

using System.Text;
using PvBoot.Core.Boot;
using PvBoot.Core.FileSystems;
using PvBoot.Grub2.Ast;
using PvBoot.Grub2.Bls;

namespace PvBoot.Grub2.Evaluation;

/// <summary>Red Hat's <c>blscfg</c> command: BootLoaderSpec entries become menu entries (boot-config-semantics §6.2).</summary>
internal sealed partial class Grub2Evaluator
{
    /// <summary>Whether <c>blscfg</c> ran.</summary>
    public bool RanBlscfg { get; private set; }

    /// <summary>Expands a BLS value the way <c>blscfg</c>'s own expander does: <c>$NAME</c> becomes its value plus one space, swallowing one blank after the name; unset names vanish; braces are not understood.</summary>
    internal static string? ExpandBlsValue(string value, Func<string, string?> lookup)
    {
        StringBuilder? buffer = null;
        int start = 0, end = 0;
        bool isVariable = false;
        void Append(int from, int to)
        {
            int length = to - from + 1;
            string field = length > 0 ? value.Substring(from, length) : string.Empty;
            if (isVariable)
            {
                string? resolved = lookup(field);
                if (resolved is null)
                {
                    return;
                }

                (buffer ??= new StringBuilder()).Append(resolved).Append(' ');
                return;
            }

            (buffer ??= new StringBuilder()).Append(field);
        }

        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            if (c == '$')
            {
                if (start != end)
                {
                    Append(start, end);
                }

                isVariable = true;
                start = i + 1;
            }
            else if (isVariable && !char.IsAsciiLetterOrDigit(c) && c != '_')
            {
                Append(start, end);
                isVariable = false;
                start = i;
                if (value[start] == ' ')
                {
                    start++;
                }
            }

            end = i;
        }

        if (start != end)
        {
            Append(start, end);
        }

        return buffer?.ToString();
    }

    private int CommandBlscfg(List<string> argv, TextPosition at)
    {
        RanBlscfg = true;
        if (argv.Count > 1)
        {
            warnings.Add($"{Where(at)}: blscfg {string.Join(' ', argv.Skip(1))}: arguments are not evaluated; every entry is added");
        }

        string device = CurrentRoot();
        IFileSystemReader? fs = OpenDevice(device);
        if (fs is null)
        {
            explanation.Add($"{Where(at)}: blscfg: ($root)=({device}) has no readable file system");
            return 1;
        }

        string? blsdir = current.Get("blsdir");
        string directory = string.IsNullOrEmpty(blsdir) ? "/loader/entries" : blsdir;
        List<BlsEntry>? entries = ReadBlsDirectory(fs, device, directory);
        if ((entries is null && Flavour == Grub2Flavour.Fedora) || (entries is not { Count: > 0 } && Flavour != Grub2Flavour.Fedora))
        {
            entries = ReadBlsDirectory(fs, device, "/boot/loader/entries");
        }

        if (entries is not { Count: > 0 })
        {
            explanation.Add($"{Where(at)}: blscfg: no BootLoaderSpec entries on ({device})");
            return 0;
        }

        List<BlsEntry> ordered = BlsOrdering.Sort(entries, Flavour, explanation);
        explanation.Add($"{Where(at)}: blscfg: {ordered.Count} entries on ({device}), newest first: {string.Join(", ", ordered.Select(e => e.Id))}");
        foreach (BlsEntry entry in ordered)
        {
            AddBlsEntry(entry, at);
        }

        return 0;
    }

    /// <summary>Adds the menu entries of BLS files found directly (a configuration-less BLS boot).</summary>
    public void AddBlsEntries(IReadOnlyList<BlsEntry> entries, TextPosition at)
    {
        ArgumentNullException.ThrowIfNull(entries);
        RanBlscfg = true;
        foreach (BlsEntry entry in BlsOrdering.Sort(entries, Flavour, explanation))
        {
            AddBlsEntry(entry, at);
        }
    }

    /// <summary>Reads every <c>*.conf</c> of a BLS directory, or <see langword="null"/> if it cannot be read.</summary>
    public List<BlsEntry>? ReadBlsDirectory(IFileSystemReader fs, string device, string directory)
    {
        ArgumentNullException.ThrowIfNull(fs);
        FileSystemEntry? dir = fs.Lookup(PathBytes.FromConfigText(directory));
        if (dir is null || dir.Type != FileSystemEntryType.Directory)
        {
            return null;
        }

        var result = new List<BlsEntry>();
        foreach (DirectoryListing listing in fs.ListDirectory(dir))
        {
            string name = Encoding.Latin1.GetString(listing.Name.Span);
            if (name.StartsWith('.') || name.Length <= 5 || !name.EndsWith(".conf", StringComparison.Ordinal))
            {
                continue;
            }

            if (name.Length - 5 > budgets.MaxBlsVersionLength)
            {
                warnings.Add($"({device}){directory}: an entry file name of {name.Length} characters is skipped (at most {budgets.MaxBlsVersionLength})");
                continue;
            }

            if (result.Count >= budgets.MaxBlsEntries)
            {
                throw Error($"BLS entry budget exhausted: more than {budgets.MaxBlsEntries} files in ({device}){directory}");
            }

            string path = directory.TrimEnd('/') + "/" + name;
            FileSystemEntry? file = fs.Lookup(PathBytes.FromConfigText(path));
            if (file is null || file.Type != FileSystemEntryType.Regular)
            {
                continue;
            }

            if (file.Size > boot.Options.MaxConfigBytes)
            {
                warnings.Add($"({device}){path} is too large ({file.Size} bytes); skipped");
                continue;
            }

            byte[] buffer = new byte[file.Size];
            int total = 0;
            while (total < buffer.Length)
            {
                int read = fs.Read(file, total, buffer.AsSpan(total));
                if (read <= 0)
                {
                    break;
                }

                total += read;
            }

            BlsEntry entry = BlsEntry.Parse(name[..^5], path, Encoding.Latin1.GetString(buffer, 0, total), budgets.MaxBlsValuesPerKey, warnings);
            if (entry.First("version") is { } version && version.Length > budgets.MaxBlsVersionLength)
            {
                warnings.Add($"({device}){path}: version of {version.Length} characters; skipped (at most {budgets.MaxBlsVersionLength})");
                continue;
            }

            result.Add(entry);
        }

        return result;
    }

    private void AddBlsEntry(BlsEntry entry, TextPosition at)
    {
        string? linux = entry.First("linux");
        if (linux is null)
        {
            explanation.Add($"blscfg: {entry.Path} has no 'linux' line and is skipped");
            return;
        }

        string? LookupVariable(string name) => current.Get(name);
        string title = entry.First("title") ?? linux;
        string? options = entry.First("options") is { } rawOptions
            ? ExpandBlsValue(rawOptions, LookupVariable)
            : ExpandBlsValue("$default_kernelopts", LookupVariable);
        var initrds = entry.All("initrd").ToList();
        if (current.Get("early_initrd") is { Length: > 0 } early)
        {
            string reference = initrds.Count > 0 ? initrds[0] : linux;
            int slash = reference.LastIndexOf('/');
            string prefix = slash >= 0 ? reference[..(slash + 1)] : "/";
            initrds.InsertRange(0, early.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(e => prefix + e));
        }

        var body = new StringBuilder();
        if (current.Get("save_default") == "true")
        {
            body.Append("savedefault\n");
        }

        body.Append("load_video\nset gfxpayload=keep\ninsmod gzio\n");
        body.Append("linux ($root)").Append(linux);
        if (options is not null)
        {
            body.Append(' ').Append(options);
        }

        body.Append('\n');
        if (initrds.Count > 0)
        {
            body.Append("initrd");
            foreach (string initrd in initrds)
            {
                body.Append(" ($root)").Append(initrd);
            }

            body.Append('\n');
        }

        string text = body.ToString();
        var errors = new List<ConfigSyntaxException>();
        Script script = Grub2ScriptParser.Parse(text, entry.Path, errors);
        foreach (ConfigSyntaxException error in errors)
        {
            warnings.Add($"blscfg entry {entry.Id}: {error.Message}");
        }

        if (current.Menu.Count >= budgets.MaxMenuEntries)
        {
            throw Error($"menu entry budget exhausted ({budgets.MaxMenuEntries} entries in one menu)", at);
        }

        string? users = entry.First("grub_users") is { } rawUsers ? ExpandBlsValue(rawUsers, LookupVariable)?.TrimEnd() : null;
        current.Menu.Add(new Grub2MenuItem
        {
            Title = title,
            Id = entry.Id,
            Body = new Block(new TextPosition(1, 1, 0), script.Commands, text),
            ExtraArguments = entry.All("grub_arg").ToList(),
            Classes = entry.All("grub_class").ToList(),
            Users = string.IsNullOrEmpty(users) ? null : users,
            Unrestricted = string.IsNullOrEmpty(users),
            Location = new SourceLocation(entry.Path, 1, 1),
            Owner = current,
        });
    }
}

using System.Globalization;
using PvBoot.Core.Boot;
using PvBoot.Grub2.Evaluation;

namespace PvBoot.Grub2.Selection;

/// <summary>
/// Turns an evaluated configuration into a <see cref="BootSelection"/>: resolves <c>default</c> per menu level through
/// submenus, runs the chosen entry with the recording loader, applies <c>fallback</c> when it cannot boot, and lists
/// every entry with what it loads (or, without <see cref="BootConfigOptions.ListEveryEntry"/>, the chosen entry alone).
/// </summary>
internal sealed class Grub2MenuSelector
{
    private const int MaxSubmenuDepth = 64;

    private readonly Grub2Evaluator evaluator;
    private readonly BootConfigContext boot;
    private readonly DefaultEntryResolver resolver;
    private readonly Dictionary<Grub2MenuItem, Grub2Context> openedSubmenus = [];
    private readonly Dictionary<Grub2MenuItem, LoadRecord> records = [];
    private readonly Dictionary<int, int> flatIndexes;

    public Grub2MenuSelector(Grub2Evaluator evaluator, BootConfigContext boot, string? configText)
    {
        this.evaluator = evaluator;
        this.boot = boot;
        resolver = new DefaultEntryResolver(evaluator.Flavour);
        flatIndexes = configText is null ? [] : PygrubNumbering.Compute(configText);
    }

    public BootSelection Select(string format)
    {
        Grub2Context top = evaluator.TopContext;
        List<string> explanation = evaluator.Explanation;
        string? defaultValue = top.Get("default");
        string source = string.Empty;
        foreach (string name in (string[])["next_entry", "saved_entry"])
        {
            if (defaultValue is not null && evaluator.LoadedFromGrubenv.TryGetValue(name, out var loaded) && loaded.Value == defaultValue)
            {
                source = $", the value of {name} from grubenv {loaded.File}";
                break;
            }
        }

        explanation.Add(defaultValue is null
            ? "default is unset"
            : $"default='{defaultValue}' (set by {top.OriginOf("default")}{source})");
        if (evaluator.LoadedFromGrubenv.TryGetValue("next_entry", out var next) && next.Value.Length > 0 && defaultValue == next.Value)
        {
            explanation.Add($"next_entry='{next.Value}' is a one-shot choice (grub-reboot); GRUB would clear it after this boot, but PvBoot cannot write to the image, so it is honoured on every boot until cleared in the guest");
        }

        if (top.Get("superusers") is { Length: > 0 } superusers)
        {
            explanation.Add($"superusers='{superusers}' is set: entries without --unrestricted ask for a password at boot");
        }

        Grub2MenuItem? chosen = FollowDefault(top.Menu, defaultValue, [], out IReadOnlyList<string> chosenPath);
        LoadRecord? chosenRecord = chosen is null ? null : Record(chosen);
        if (chosen is not null && chosenRecord!.Failure is { } failure)
        {
            explanation.Add($"'{chosen.Title}' cannot boot: {failure}");
            chosen = ApplyFallback(top, out chosenPath);
            chosenRecord = chosen is null ? null : Record(chosen);
        }

        var menu = new List<BootEntry>();
        BootEntry? chosenEntry = null;
        List(top.Menu, [], menu, chosen, ref chosenEntry, depth: 0);
        if (chosen is not null && chosenRecord is not null)
        {
            explanation.Add($"boots '{string.Join(" > ", chosenPath.Append(chosen.Title))}': kernel {chosenRecord.Kernel}, initrd {(chosenRecord.Initrds.Count == 0 ? "none" : string.Join(" + ", chosenRecord.Initrds))}, args '{chosenRecord.Arguments}'");
            explanation.AddRange(chosenRecord.Notes);
            if (!chosen.Unrestricted && chosen.Users is null && top.Get("superusers") is { Length: > 0 })
            {
                evaluator.Warnings.Add($"'{chosen.Title}' is restricted to superusers: real GRUB would ask for a password before booting it");
            }
        }
        else
        {
            explanation.Add("no entry can be booted");
        }

        return new BootSelection
        {
            ConfigFormat = format,
            ConfigPath = boot.ConfigPath,
            Menu = menu,
            Chosen = chosenEntry,
            TimeoutSeconds = ParseTimeout(top.Get("timeout")),
            Explanation = [.. explanation.Select(Printable)],
            Warnings = [.. evaluator.Warnings.Select(Printable)],
        };
    }

    /// <summary>Escapes C0 and C1 control characters as <c>\xNN</c> so that guest text cannot drive a terminal or split log lines.</summary>
    internal static string Printable(string text)
    {
        if (!text.Any(c => c < ' ' || (c >= '\x7f' && c <= '\x9f')))
        {
            return text;
        }

        var builder = new System.Text.StringBuilder(text.Length + 16);
        foreach (char c in text)
        {
            builder.Append(c < ' ' || (c >= '\x7f' && c <= '\x9f') ? $"\\x{(int)c:x2}" : c.ToString());
        }

        return builder.ToString();
    }

    private static double? ParseTimeout(string? value)
    {
        if (value is null || !double.TryParse(value.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) || seconds < 0)
        {
            return null;
        }

        return seconds;
    }

    private Grub2MenuItem? FollowDefault(IReadOnlyList<Grub2MenuItem> menu, string? value, List<string> path, out IReadOnlyList<string> chosenPath)
    {
        chosenPath = path;
        for (int depth = 0; depth <= MaxSubmenuDepth; depth++)
        {
            if (menu.Count == 0)
            {
                evaluator.Explanation.Add(path.Count == 0 ? "the menu is empty" : $"submenu '{string.Join(" > ", path)}' is empty");
                return null;
            }

            int index = resolver.Match([.. menu.Select(m => (m.Title, m.Id))], value, out string how);
            if (index < 0)
            {
                evaluator.Explanation.Add($"{how}: entry 0 of {(path.Count == 0 ? "the top-level menu" : $"submenu '{string.Join(" > ", path)}'")} is used");
                index = 0;
            }
            else
            {
                evaluator.Explanation.Add(how);
            }

            Grub2MenuItem item = menu[index];
            if (!item.IsSubmenu)
            {
                chosenPath = path;
                return item;
            }

            string? remainder = DefaultEntryResolver.Remainder(value);
            Grub2Context inner = evaluator.OpenSubmenu(item, remainder, autoBoot: true);
            openedSubmenus[item] = inner;
            path = [.. path, item.Title];
            value = inner.Get("default");
            evaluator.Explanation.Add($"entered submenu '{item.Title}' with default {(value is null ? "unset" : $"'{value}'")}");
            menu = inner.Menu;
        }

        throw new ConfigSyntaxException(new SourceLocation(boot.ConfigPath, 1, 1), $"submenu nesting deeper than {MaxSubmenuDepth} levels");
    }

    private Grub2MenuItem? ApplyFallback(Grub2Context top, out IReadOnlyList<string> chosenPath)
    {
        chosenPath = [];
        string? fallback = top.Get("fallback");
        if (string.IsNullOrWhiteSpace(fallback))
        {
            evaluator.Explanation.Add("no fallback is set; GRUB would show the menu");
            return null;
        }

        // Upstream's get_and_remove_first_entry_number: strtoul from the start of the value, then the value becomes the
        // text after the number with blanks skipped; a value that does not start with a number ends the list, so text glued
        // to a number ("1x 3") ends it after that number. The Red Hat flavour takes blank-separated ids, titles or numbers.
        string rest = fallback;
        for (int attempts = 0; attempts < 64; attempts++)
        {
            string element;
            int index;
            if (resolver.Flavour == Grub2Flavour.Upstream)
            {
                if (!DefaultEntryResolver.TryParseLeadingNumber(rest, out ulong number, out int tail))
                {
                    if (rest.Length > 0)
                    {
                        evaluator.Explanation.Add($"fallback value '{rest}' does not start with a number; the list ends");
                    }

                    break;
                }

                element = rest[..tail].Trim();
                rest = rest[tail..].TrimStart(' ', '\t', '\n', '\r', '\f', '\v');
                index = unchecked((int)number);
                if (index < 0)
                {
                    evaluator.Explanation.Add($"fallback '{element}' is a negative entry number; the list ends");
                    return null;
                }

                if (index >= top.Menu.Count)
                {
                    evaluator.Explanation.Add($"fallback '{element}' is past the last top-level entry ({top.Menu.Count - 1}): GRUB 2.06 runs no entry there (grub-emu crashes); the list ends");
                    return null;
                }
            }
            else
            {
                string[] elements = rest.Split([' ', '\t'], 2, StringSplitOptions.RemoveEmptyEntries);
                if (elements.Length == 0)
                {
                    break;
                }

                element = elements[0];
                rest = elements.Length > 1 ? elements[1] : string.Empty;
                index = resolver.Match([.. top.Menu.Select(m => (m.Title, m.Id))], element, out _);
                if (index < 0)
                {
                    evaluator.Explanation.Add($"fallback element '{element}' names no top-level entry; the list ends");
                    return null;
                }
            }

            Grub2MenuItem? candidate = top.Menu[index].IsSubmenu
                ? FollowDefault([top.Menu[index]], "0", [], out chosenPath)
                : top.Menu[index];
            if (candidate is null)
            {
                continue;
            }

            LoadRecord record = Record(candidate);
            if (record.Failure is null)
            {
                evaluator.Explanation.Add($"fallback '{element}' -> '{candidate.Title}' boots");
                return candidate;
            }

            evaluator.Explanation.Add($"fallback '{element}' -> '{candidate.Title}' cannot boot either: {record.Failure}");
        }

        evaluator.Explanation.Add("the fallback list is exhausted; GRUB would show the menu");
        return null;
    }

    private LoadRecord Record(Grub2MenuItem item)
    {
        if (!records.TryGetValue(item, out LoadRecord? record))
        {
            record = evaluator.RunEntry(item);
            records[item] = record;
        }

        return record;
    }

    private void List(IReadOnlyList<Grub2MenuItem> items, IReadOnlyList<string> path, List<BootEntry> output, Grub2MenuItem? chosen, ref BootEntry? chosenEntry, int depth)
    {
        if (depth > MaxSubmenuDepth)
        {
            throw new ConfigSyntaxException(new SourceLocation(boot.ConfigPath, 1, 1), $"submenu nesting deeper than {MaxSubmenuDepth} levels");
        }

        bool everyEntry = boot.Options.ListEveryEntry;
        for (int i = 0; i < items.Count; i++)
        {
            Grub2MenuItem item = items[i];
            if (!everyEntry)
            {
                // Only the chosen entry is listed: it lies in a submenu the default's path has opened, if in any.
                if (item.IsSubmenu && openedSubmenus.TryGetValue(item, out Grub2Context? opened))
                {
                    List(opened.Menu, [.. path, item.Title], output, chosen, ref chosenEntry, depth + 1);
                }

                if (!ReferenceEquals(item, chosen))
                {
                    continue;
                }
            }

            int flat = item.Location.File == boot.ConfigPath && !item.IsSubmenu && flatIndexes.TryGetValue(item.Location.Line, out int f) ? f : -1;
            // A submenu's lines are its whole body: nothing to edit, and as large as the menu, so it keeps none.
            List<string> lines = item.IsSubmenu ? [] : [.. item.Body.Text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0)];
            if (item.IsSubmenu)
            {
                output.Add(new BootEntry
                {
                    Title = item.Title,
                    Id = item.Id,
                    SubmenuPath = path,
                    Index = i,
                    FlatIndex = -1,
                    NotBootableReason = "a submenu",
                    Location = item.Location,
                    Lines = lines,
                });
                if (!openedSubmenus.TryGetValue(item, out Grub2Context? inner))
                {
                    inner = evaluator.OpenSubmenu(item, null, autoBoot: false);
                    openedSubmenus[item] = inner;
                }

                List(inner.Menu, [.. path, item.Title], output, chosen, ref chosenEntry, depth + 1);
                continue;
            }

            LoadRecord record = Record(item);
            var entry = new BootEntry
            {
                Title = item.Title,
                Id = item.Id,
                SubmenuPath = path,
                Index = i,
                FlatIndex = flat,
                Kernel = record.Kernel,
                Initrds = [.. record.Initrds],
                Arguments = record.Arguments,
                NotBootableReason = record.Failure,
                Location = item.Location,
                Lines = lines,
            };
            output.Add(entry);
            if (ReferenceEquals(item, chosen))
            {
                chosenEntry = entry;
            }
        }
    }
}

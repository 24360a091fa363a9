using System.Globalization;
using System.Text;
using PvBoot.Core.Boot;

namespace PvBoot.Shim.Menu;

/// <summary>What the menu chose: an entry, or edited/typed lines to boot (with the entry they came from).</summary>
/// <param name="Entry">The entry (for lines: the entry that was edited, or <see langword="null"/> for command-line mode).</param>
/// <param name="Lines">Edited or typed boot lines, or <see langword="null"/> to boot <paramref name="Entry"/> as it is.</param>
/// <param name="Reason">Why the menu ended (<c>key</c>, <c>timeout</c>, <c>idle</c>, <c>immediate</c>).</param>
internal sealed record MenuResult(BootEntry? Entry, IReadOnlyList<string>? Lines, string Reason);

/// <summary>The time limits of the menu.</summary>
/// <param name="NoTimeoutSeconds">The countdown used when the config has no timeout (GRUB and pygrub would wait forever).</param>
/// <param name="IdleSeconds">After a key press stops the countdown: how long without a key before the highlighted entry boots.</param>
internal sealed record MenuBounds(int NoTimeoutSeconds = MenuBounds.DefaultNoTimeoutSeconds, int IdleSeconds = MenuBounds.DefaultIdleSeconds)
{
    /// <summary>The default countdown when the config sets no timeout.</summary>
    public const int DefaultNoTimeoutSeconds = 60;

    /// <summary>The default idle limit once someone has pressed a key.</summary>
    public const int DefaultIdleSeconds = 300;
}

/// <summary>
/// pygrub's interactive menu on an 80×24 terminal without colours or terminfo: the entries with the default
/// highlighted, the config's timeout counting down, arrow/Home/End/Page keys, Enter or <c>b</c> boots, <c>e</c> edits
/// the entry's lines, <c>a</c> edits the kernel line, <c>c</c> opens a command line. It never waits forever: see
/// <see cref="MenuBounds"/>.
/// </summary>
internal sealed class BootMenu(BootSelection selection, MenuBounds bounds, Func<long>? clock = null)
{
    /// <summary>Entries shown at once (pygrub's window).</summary>
    public const int VisibleEntries = 8;

    /// <summary>The text width of an entry line.</summary>
    public const int TextWidth = 70;

    private const int BoxTop = 2;
    private const int BoxLeft = 1;
    private const int HelpTop = 12;
    private const int CountdownRow = 20;

    private readonly Func<long> now = clock ?? (() => Environment.TickCount64);
    private readonly IReadOnlyList<BootEntry> menu = selection.Menu;
    private int selected;
    private int first;
    private long idleDeadline;
    private bool touched;

    /// <summary>Runs the menu until an entry boots, the countdown ends or the idle bound passes.</summary>
    public MenuResult Run(ITerminal terminal)
    {
        if (menu.Count == 0)
        {
            return new MenuResult(selection.Chosen, null, "empty");
        }

        selected = selection.Chosen is null ? 0 : Math.Max(0, IndexOf(selection.Chosen));
        double? timeout = selection.TimeoutSeconds;
        if (timeout is <= 0)
        {
            return new MenuResult(menu[selected], null, "immediate");
        }

        int seconds = timeout is double t ? (int)Math.Min(Math.Ceiling(t), int.MaxValue) : bounds.NoTimeoutSeconds;
        long countdownEnd = now() + (seconds * 1000L);
        while (true)
        {
            int remaining = (int)Math.Max(0, (countdownEnd - now() + 999) / 1000);
            DrawMain(terminal, touched ? null : remaining);
            if (!touched && remaining <= 0)
            {
                return new MenuResult(menu[selected], null, "timeout");
            }

            Key key = NextKey(terminal, touched ? null : countdownEnd);
            if (key.Kind == KeyKind.Timeout)
            {
                if (touched && now() >= idleDeadline)
                {
                    return new MenuResult(menu[selected], null, "idle");
                }

                continue;
            }

            switch (key.Kind)
            {
                case KeyKind.Up:
                    Move(-1);
                    break;
                case KeyKind.Down:
                    Move(1);
                    break;
                case KeyKind.Home:
                    Move(-menu.Count);
                    break;
                case KeyKind.End:
                    Move(menu.Count);
                    break;
                case KeyKind.PageUp:
                    Move(-VisibleEntries);
                    break;
                case KeyKind.PageDown:
                    Move(VisibleEntries);
                    break;
                case KeyKind.Enter:
                    return new MenuResult(menu[selected], null, "key");
                case KeyKind.Char when key.Char == 'b':
                    return new MenuResult(menu[selected], null, "key");
                case KeyKind.Char when key.Char == 'e':
                    if (EditEntry(terminal, menu[selected]) is MenuResult edited)
                    {
                        return edited;
                    }

                    break;
                case KeyKind.Char when key.Char == 'a':
                    if (EditKernelLine(terminal, menu[selected]) is MenuResult withArgs)
                    {
                        return withArgs;
                    }

                    break;
                case KeyKind.Char when key.Char == 'c':
                    if (CommandLine(terminal) is MenuResult typed)
                    {
                        return typed;
                    }

                    break;
                default:
                    break;
            }

            if (touched && now() >= idleDeadline)
            {
                return new MenuResult(menu[selected], null, "idle");
            }
        }
    }

    /// <summary>Renders the main screen (for tests and for <see cref="Run"/>).</summary>
    internal string RenderMain(int? secondsLeft)
    {
        var screen = new ScreenText();
        screen.Put(1, 4, "pyGRUB (PvBoot)");
        screen.Box(BoxTop, BoxLeft, VisibleEntries + 2, 74);
        if (selected < first)
        {
            first = selected;
        }

        if (selected >= first + VisibleEntries)
        {
            first = selected - VisibleEntries + 1;
        }

        for (int row = 0; row < VisibleEntries && first + row < menu.Count; row++)
        {
            int index = first + row;
            string text = MenuText.Fit(menu[index].Title, TextWidth);
            screen.Put(BoxTop + 1 + row, BoxLeft + 1, index == selected ? ">" : " ");
            screen.Put(BoxTop + 1 + row, BoxLeft + 2, text, reverse: index == selected);
        }

        screen.Put(HelpTop, 5, "Use the ^ and v keys to select which entry is highlighted.");
        screen.Put(HelpTop + 1, 5, "Press enter or 'b' to boot the selected OS, 'e' to edit the");
        screen.Put(HelpTop + 2, 5, "commands before booting, 'a' to modify the kernel arguments");
        screen.Put(HelpTop + 3, 5, "before booting, or 'c' for a command line.");
        if (secondsLeft is int left)
        {
            screen.Put(CountdownRow, 5, string.Create(CultureInfo.InvariantCulture, $"Will boot selected entry in {left,2} seconds"));
        }

        return screen.Render();
    }

    private void DrawMain(ITerminal terminal, int? secondsLeft) => terminal.Write(RenderMain(secondsLeft));

    private Key NextKey(ITerminal terminal, long? countdownEnd)
    {
        long limit = countdownEnd ?? idleDeadline;
        long wait = Math.Clamp(limit - now(), 0, 1000);
        if (countdownEnd is not null)
        {
            // Redraw at every whole second of the countdown.
            long toNextSecond = (countdownEnd.Value - now()) % 1000;
            wait = Math.Clamp(toNextSecond == 0 ? 1000 : toNextSecond, 1, 1000);
        }

        Key key = KeyReader.Read(terminal, (int)wait);
        if (key.Kind != KeyKind.Timeout)
        {
            touched = true;
            idleDeadline = now() + (bounds.IdleSeconds * 1000L);
        }

        return key;
    }

    private void Move(int delta) => selected = Math.Clamp(selected + delta, 0, menu.Count - 1);

    private int IndexOf(BootEntry entry)
    {
        for (int i = 0; i < menu.Count; i++)
        {
            if (ReferenceEquals(menu[i], entry))
            {
                return i;
            }
        }

        return 0;
    }

    private MenuResult? EditEntry(ITerminal terminal, BootEntry entry)
    {
        var lines = new List<string>(entry.Lines.Count > 0 ? entry.Lines : [string.Empty]);
        int current = 0;
        while (true)
        {
            var screen = new ScreenText();
            screen.Put(1, 4, "pyGRUB (PvBoot)");
            screen.Box(BoxTop, BoxLeft, VisibleEntries + 2, 74);
            int start = Math.Max(0, Math.Min(current - (VisibleEntries - 1), lines.Count - VisibleEntries));
            for (int row = 0; row < VisibleEntries && start + row < lines.Count; row++)
            {
                int index = start + row;
                string text = MenuText.Sanitize(lines[index]);
                text = text.Length > TextWidth ? text[..(TextWidth - 1)] + ">" : text.PadRight(TextWidth);
                screen.Put(BoxTop + 1 + row, BoxLeft + 1, index == current ? ">" : " ");
                screen.Put(BoxTop + 1 + row, BoxLeft + 2, text, reverse: index == current);
            }

            screen.Put(HelpTop, 5, "Use the ^ and v keys to select which entry is highlighted.");
            screen.Put(HelpTop + 1, 5, "Press 'b' to boot, 'e' to edit the selected command in the");
            screen.Put(HelpTop + 2, 5, "boot sequence, 'c' for a command-line, 'o' to open a new line");
            screen.Put(HelpTop + 3, 5, "after ('O' for before) the selected line, 'd' to remove the");
            screen.Put(HelpTop + 4, 5, "selected line, or escape to go back to the main menu.");
            terminal.Write(screen.Render());

            Key key = NextKey(terminal, null);
            switch (key.Kind)
            {
                case KeyKind.Timeout:
                    if (now() >= idleDeadline)
                    {
                        return new MenuResult(entry, null, "idle");
                    }

                    break;
                case KeyKind.Escape:
                    return null;
                case KeyKind.Char when key.Char == 'q':
                    return null;
                case KeyKind.Up:
                    current--;
                    break;
                case KeyKind.Down:
                    current++;
                    break;
                case KeyKind.Char when key.Char == 'b':
                    return new MenuResult(entry, lines, "key");
                case KeyKind.Char when key.Char == 'e':
                    if (EditLine(terminal, lines[current]) is string edited)
                    {
                        lines[current] = edited;
                    }

                    break;
                case KeyKind.Char when key.Char == 'd':
                    if (lines.Count > 0)
                    {
                        lines.RemoveAt(current);
                    }

                    if (lines.Count == 0)
                    {
                        lines.Add(string.Empty);
                    }

                    break;
                case KeyKind.Char when key.Char == 'o':
                    lines.Insert(current + 1, string.Empty);
                    current++;
                    break;
                case KeyKind.Char when key.Char == 'O':
                    lines.Insert(current, string.Empty);
                    break;
                case KeyKind.Char when key.Char == 'c':
                    if (CommandLine(terminal) is MenuResult typed)
                    {
                        return typed;
                    }

                    break;
                default:
                    break;
            }

            current = Math.Clamp(current, 0, lines.Count - 1);
        }
    }

    private MenuResult? EditKernelLine(ITerminal terminal, BootEntry entry)
    {
        var lines = new List<string>(entry.Lines);
        for (int i = 0; i < lines.Count; i++)
        {
            string trimmed = lines[i].TrimStart();
            if (trimmed.StartsWith("kernel", StringComparison.Ordinal) || trimmed.StartsWith("linux", StringComparison.Ordinal))
            {
                if (EditLine(terminal, trimmed) is string edited)
                {
                    lines[i] = edited;
                    return new MenuResult(entry, lines, "key");
                }

                return null;
            }
        }

        return null;
    }

    private MenuResult? CommandLine(ITerminal terminal)
    {
        var typed = new List<string>();
        while (true)
        {
            var screen = new ScreenText();
            screen.Put(1, 2, "[ Minimal BASH-like line editing is supported.  ESC at any time ");
            screen.Put(2, 2, "  exits.  Typing 'boot' will boot with your entered commands. ] ");
            for (int i = Math.Max(0, typed.Count - 15); i < typed.Count; i++)
            {
                screen.Put(5 + i - Math.Max(0, typed.Count - 15), 2, "> " + MenuText.Sanitize(typed[i]));
            }

            string? line = EditLine(terminal, string.Empty, screen, 5 + Math.Min(typed.Count, 15));
            if (line is null or "quit" or "return")
            {
                return null;
            }

            if (line == "boot")
            {
                return new MenuResult(null, typed, "key");
            }

            if (line.Length > 0)
            {
                typed.Add(line);
            }
        }
    }

    /// <summary>pygrub's one-line editor: printable keys insert, ^A/^E/←/→ move, BS/^D delete, ^K kills to the end, Enter accepts, Esc cancels.</summary>
    private string? EditLine(ITerminal terminal, string initial, ScreenText? background = null, int row = 5)
    {
        var line = new StringBuilder(initial);
        int position = line.Length;
        while (true)
        {
            ScreenText screen = background?.Copy() ?? new ScreenText();
            if (background is null)
            {
                screen.Put(1, 2, "[ Minimal BASH-like line editing is supported.  ");
                screen.Put(2, 2, "  ESC at any time cancels.  ENTER at any time accepts your changes. ]");
            }

            int offset = 0;
            int shown = position;
            while (shown > 70)
            {
                shown -= 55;
                offset += 55;
            }

            string visible = MenuText.Sanitize(line.ToString());
            visible = offset < visible.Length ? visible[offset..Math.Min(visible.Length, offset + 70)] : string.Empty;
            screen.Put(row, 2, "> " + (offset > 0 ? "<" + visible[Math.Min(1, visible.Length)..] : visible));
            terminal.Write(screen.Render());

            Key key = NextKey(terminal, null);
            switch (key.Kind)
            {
                case KeyKind.Timeout:
                    if (now() >= idleDeadline)
                    {
                        return null;
                    }

                    break;
                case KeyKind.Escape:
                    return null;
                case KeyKind.Enter:
                    return line.ToString();
                case KeyKind.Char:
                    if (line.Length < 4096)
                    {
                        line.Insert(position, key.Char);
                        position++;
                    }

                    break;
                case KeyKind.Home or KeyKind.Control when key.Kind == KeyKind.Home || key.Char == '\x01':
                    position = 0;
                    break;
                case KeyKind.End or KeyKind.Control when key.Kind == KeyKind.End || key.Char == '\x05':
                    position = line.Length;
                    break;
                case KeyKind.Left or KeyKind.Control when key.Kind == KeyKind.Left || key.Char == '\x02':
                    position = Math.Max(0, position - 1);
                    break;
                case KeyKind.Right or KeyKind.Control when key.Kind == KeyKind.Right || key.Char == '\x06':
                    position = Math.Min(line.Length, position + 1);
                    break;
                case KeyKind.Backspace:
                    if (position > 0)
                    {
                        position--;
                        line.Remove(position, 1);
                    }

                    break;
                case KeyKind.Delete or KeyKind.Control when key.Kind == KeyKind.Delete || key.Char == '\x04':
                    if (position < line.Length)
                    {
                        line.Remove(position, 1);
                    }

                    break;
                case KeyKind.Control when key.Char == '\x0B':
                    line.Length = position;
                    break;
                default:
                    break;
            }
        }
    }
}

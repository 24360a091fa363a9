namespace PvBoot.Shim.Menu;

/// <summary>A decoded key press.</summary>
internal enum KeyKind
{
    /// <summary>No key arrived before the timeout.</summary>
    Timeout,

    /// <summary>A printable character (see <see cref="Key.Char"/>).</summary>
    Char,

    /// <summary>A control character (see <see cref="Key.Char"/>), e.g. Ctrl-A.</summary>
    Control,

    /// <summary>Enter (CR or LF).</summary>
    Enter,

    /// <summary>A lone Escape.</summary>
    Escape,

    /// <summary>Backspace (DEL or BS).</summary>
    Backspace,

    /// <summary>Cursor up.</summary>
    Up,

    /// <summary>Cursor down.</summary>
    Down,

    /// <summary>Cursor left.</summary>
    Left,

    /// <summary>Cursor right.</summary>
    Right,

    /// <summary>Home.</summary>
    Home,

    /// <summary>End.</summary>
    End,

    /// <summary>Page up.</summary>
    PageUp,

    /// <summary>Page down.</summary>
    PageDown,

    /// <summary>Delete.</summary>
    Delete,

    /// <summary>An escape sequence this menu does not use.</summary>
    Unknown,
}

/// <summary>A key press.</summary>
/// <param name="Kind">What was pressed.</param>
/// <param name="Char">The character for <see cref="KeyKind.Char"/> and <see cref="KeyKind.Control"/>.</param>
internal readonly record struct Key(KeyKind Kind, char Char = '\0');

/// <summary>Decodes VT100/xterm key sequences (CSI and SS3 forms) from terminal bytes.</summary>
internal static class KeyReader
{
    /// <summary>How long the rest of an escape sequence may take to arrive.</summary>
    public const int SequenceMilliseconds = 60;

    /// <summary>Reads one key, waiting at most <paramref name="timeoutMilliseconds"/> for its first byte.</summary>
    public static Key Read(ITerminal terminal, int timeoutMilliseconds)
    {
        int first = terminal.ReadByte(timeoutMilliseconds);
        switch (first)
        {
            case -1:
                return new Key(KeyKind.Timeout);
            case '\r' or '\n':
                return new Key(KeyKind.Enter);
            case 0x7F or 0x08:
                return new Key(KeyKind.Backspace);
            case 0x1B:
                return ReadEscape(terminal);
            case < 0x20:
                return new Key(KeyKind.Control, (char)first);
            case < 0x80:
                return new Key(KeyKind.Char, (char)first);
            default:
                return ReadUtf8(terminal, first);
        }
    }

    private static Key ReadEscape(ITerminal terminal)
    {
        int second = terminal.ReadByte(SequenceMilliseconds);
        if (second == -1)
        {
            return new Key(KeyKind.Escape);
        }

        if (second == 'O')
        {
            return terminal.ReadByte(SequenceMilliseconds) switch
            {
                'A' => new Key(KeyKind.Up),
                'B' => new Key(KeyKind.Down),
                'C' => new Key(KeyKind.Right),
                'D' => new Key(KeyKind.Left),
                'H' => new Key(KeyKind.Home),
                'F' => new Key(KeyKind.End),
                _ => new Key(KeyKind.Unknown),
            };
        }

        if (second != '[')
        {
            return new Key(KeyKind.Unknown);
        }

        var parameter = new System.Text.StringBuilder();
        for (int i = 0; i < 16; i++)
        {
            int next = terminal.ReadByte(SequenceMilliseconds);
            if (next == -1)
            {
                return new Key(KeyKind.Unknown);
            }

            if (next is >= 0x40 and <= 0x7E)
            {
                return ((char)next, parameter.ToString()) switch
                {
                    ('A', _) => new Key(KeyKind.Up),
                    ('B', _) => new Key(KeyKind.Down),
                    ('C', _) => new Key(KeyKind.Right),
                    ('D', _) => new Key(KeyKind.Left),
                    ('H', _) => new Key(KeyKind.Home),
                    ('F', _) => new Key(KeyKind.End),
                    ('~', "1" or "7") => new Key(KeyKind.Home),
                    ('~', "4" or "8") => new Key(KeyKind.End),
                    ('~', "3") => new Key(KeyKind.Delete),
                    ('~', "5") => new Key(KeyKind.PageUp),
                    ('~', "6") => new Key(KeyKind.PageDown),
                    _ => new Key(KeyKind.Unknown),
                };
            }

            parameter.Append((char)next);
        }

        return new Key(KeyKind.Unknown);
    }

    private static Key ReadUtf8(ITerminal terminal, int first)
    {
        int length = first >= 0xF0 ? 4 : first >= 0xE0 ? 3 : first >= 0xC0 ? 2 : 1;
        var bytes = new byte[length];
        bytes[0] = (byte)first;
        for (int i = 1; i < length; i++)
        {
            int next = terminal.ReadByte(SequenceMilliseconds);
            if (next == -1)
            {
                return new Key(KeyKind.Unknown);
            }

            bytes[i] = (byte)next;
        }

        string text = System.Text.Encoding.UTF8.GetString(bytes);
        return text.Length == 1 && !char.IsControl(text[0]) ? new Key(KeyKind.Char, text[0]) : new Key(KeyKind.Unknown);
    }
}

using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using PvBoot.Shim.Native;

namespace PvBoot.Shim.Menu;

/// <summary>
/// A terminal in non-canonical, no-echo mode through raw termios (no curses, no terminfo). The settings are
/// restored on <see cref="Dispose"/> and, when asked, when SIGINT, SIGTERM, SIGHUP or SIGQUIT arrives (in a forked
/// worker the parent restores them instead, with <see cref="SaveMode"/> and <see cref="RestoreMode"/>).
/// </summary>
internal sealed class RawTerminal : ITerminal, IDisposable
{
    /// <summary><c>sizeof(struct termios)</c> on Linux (glibc), with room to spare.</summary>
    private const int TermiosSize = 64;
    private const int IFlagOffset = 0;
    private const int LFlagOffset = 12;
    private const int CcOffset = 17;
    private const int VTime = 5;
    private const int VMin = 6;
    private const uint Icrnl = 0x100;
    private const uint Ixon = 0x400;
    private const uint Icanon = 0x2;
    private const uint Echo = 0x8;
    private const uint Iexten = 0x8000;

    private readonly int input;
    private readonly int output;
    private readonly byte[] saved = new byte[TermiosSize];
    private readonly List<PosixSignalRegistration> registrations = [];
    private int restored;
    private bool endOfInput;

    private RawTerminal(int input, int output)
    {
        this.input = input;
        this.output = output;
    }

    /// <summary>Whether <paramref name="fd"/> is a terminal.</summary>
    public static bool IsTerminal(int fd) => Libc.IsATty(fd) == 1;

    /// <summary>The terminal settings of <paramref name="fd"/>, or <see langword="null"/> when it is not a terminal.</summary>
    public static byte[]? SaveMode(int fd)
    {
        byte[] mode = new byte[TermiosSize];
        return Libc.TcGetAttr(fd, mode) == 0 ? mode : null;
    }

    /// <summary>Puts back settings from <see cref="SaveMode"/> and shows the cursor again.</summary>
    public static void RestoreMode(int input, int output, byte[] mode)
    {
        _ = Libc.TcSetAttr(input, Libc.TCSANOW, mode);
        try
        {
            Libc.WriteAll(output, "\x1b[0m\x1b[?25h\r\n"u8);
        }
        catch (IOException)
        {
            // The terminal is gone; there is nothing to put back.
        }
    }

    /// <summary>
    /// Switches the terminal on <paramref name="input"/> to key-at-a-time mode; draws on <paramref name="output"/>.
    /// With <paramref name="restoreOnSignals"/>, the settings are put back when a termination signal arrives.
    /// </summary>
    /// <exception cref="IOException">The input is not a terminal.</exception>
    public static RawTerminal Open(int input, int output, bool restoreOnSignals = true)
    {
        var terminal = new RawTerminal(input, output);
        if (Libc.TcGetAttr(input, terminal.saved) != 0)
        {
            throw new IOException("the input is not a terminal: " + Libc.Describe(Libc.Errno));
        }

        byte[] raw = (byte[])terminal.saved.Clone();
        uint iflag = BinaryPrimitives.ReadUInt32LittleEndian(raw.AsSpan(IFlagOffset));
        uint lflag = BinaryPrimitives.ReadUInt32LittleEndian(raw.AsSpan(LFlagOffset));
        BinaryPrimitives.WriteUInt32LittleEndian(raw.AsSpan(IFlagOffset), iflag & ~(Icrnl | Ixon));
        BinaryPrimitives.WriteUInt32LittleEndian(raw.AsSpan(LFlagOffset), lflag & ~(Icanon | Echo | Iexten));
        raw[CcOffset + VMin] = 1;
        raw[CcOffset + VTime] = 0;
        if (Libc.TcSetAttr(input, Libc.TCSANOW, raw) != 0)
        {
            throw new IOException("cannot set the terminal mode: " + Libc.Describe(Libc.Errno));
        }

        foreach (PosixSignal signal in restoreOnSignals ? new[] { PosixSignal.SIGINT, PosixSignal.SIGTERM, PosixSignal.SIGHUP, PosixSignal.SIGQUIT } : [])
        {
            terminal.registrations.Add(PosixSignalRegistration.Create(signal, _ => terminal.Restore()));
        }

        terminal.Write("\x1b[?25l");
        return terminal;
    }

    /// <inheritdoc />
    public int ReadByte(int timeoutMilliseconds)
    {
        if (endOfInput)
        {
            Thread.Sleep(Math.Max(0, timeoutMilliseconds));
            return -1;
        }

        Span<Libc.PollFd> poll = [new Libc.PollFd { Fd = input, Events = Libc.POLLIN }];
        int ready = Libc.Poll(poll, 1, timeoutMilliseconds);
        if (ready <= 0)
        {
            return -1;
        }

        Span<byte> one = stackalloc byte[1];
        nint count = Libc.Read(input, one, 1);
        if (count <= 0)
        {
            // The console went away (hang-up or EOF): keep counting down without input.
            endOfInput = true;
            return -1;
        }

        return one[0];
    }

    /// <inheritdoc />
    public void Write(string text)
    {
        try
        {
            Libc.WriteAll(output, Encoding.UTF8.GetBytes(text));
        }
        catch (IOException)
        {
            // Nobody is watching (the console closed); the menu still times out and boots.
        }
    }

    /// <summary>Puts the terminal back as it was.</summary>
    public void Restore()
    {
        if (Interlocked.Exchange(ref restored, 1) == 0)
        {
            Write("\x1b[0m\x1b[H\x1b[2J\x1b[?25h");
            _ = Libc.TcSetAttr(input, Libc.TCSANOW, saved);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Restore();
        foreach (PosixSignalRegistration registration in registrations)
        {
            registration.Dispose();
        }
    }
}

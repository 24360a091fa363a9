using PvBoot.Core.Boot;
using PvBoot.Shim.Menu;

namespace PvBoot.Shim.Tests.Menu;

/// <summary>The menu's screen, keys and time bounds on a synthetic menu.</summary>
[TestFixture]
public sealed class BootMenuTests
{
    private const string Down = "\x1b[B";
    private const string Up = "\x1b[A";

    private static BootSelection Selection(double? timeout = 5, int chosen = 1, int count = 3) => TestSession.Menu(
        timeout,
        chosen,
        Enumerable.Range(0, count).Select(i => ($"Entry {i}", $"/boot/vmlinuz-{i}", (string?)$"/boot/initrd-{i}", $"root=/dev/xvda1 n={i}")).ToArray());

    private static MenuResult Run(BootSelection selection, ScriptedTerminal terminal, MenuBounds? bounds = null) =>
        new BootMenu(selection, bounds ?? new MenuBounds(), () => terminal.Now).Run(terminal);

    [Test]
    public void ScreenShowsEntriesDefaultHighlightedAndCountdown()
    {
        BootSelection selection = Selection();
        string screen = new BootMenu(selection, new MenuBounds()).BuildMain(5).PlainText();
        string[] rows = screen.Split('\n');
        Assert.Multiple(() =>
        {
            Assert.That(rows, Has.Length.EqualTo(ScreenText.Rows + 1));
            Assert.That(rows.Max(r => r.Length), Is.LessThanOrEqualTo(ScreenText.Columns));
            Assert.That(rows[3], Does.StartWith(" |  Entry 0"));
            Assert.That(rows[4], Does.StartWith(" |> Entry 1"), "the default is highlighted");
            Assert.That(rows[5], Does.StartWith(" |  Entry 2"));
            Assert.That(rows[20], Is.EqualTo("     Will boot selected entry in  5 seconds"));
            Assert.That(new BootMenu(selection, new MenuBounds()).BuildMain(5).Render(), Does.Contain("\x1b[7mEntry 1 "), "reverse video on the default");
        });
    }

    [Test]
    public void C6_ControlCharactersInTitlesNeverReachTheTerminal()
    {
        BootSelection selection = TestSession.Menu(5, 0, ("evil\x1b]0;pwned\x07\x1b[2J\u009b31m\ttab", "/k", null, ""));
        string text = new BootMenu(selection, new MenuBounds()).BuildMain(5).PlainText();
        Assert.Multiple(() =>
        {
            Assert.That(text, Does.Not.Contain("\x1b").And.Not.Contain("\x07").And.Not.Contain("\u009b"));
            Assert.That(text, Does.Contain("evil]0;pwned[2J31m      tab"), "controls dropped, the tab expanded");
        });
    }

    [Test]
    public void ArrowsMoveAndEnterBoots()
    {
        MenuResult result = Run(Selection(chosen: 0), new ScriptedTerminal().Type(Down + Down + Down + Up + "\r"));
        Assert.That((result.Entry!.Title, result.Lines, result.Reason), Is.EqualTo(("Entry 1", (IReadOnlyList<string>?)null, "key")));
    }

    [TestCase("\x1b[F", 9)]
    [TestCase("\x1b[4~", 9)]
    [TestCase("\x1bOF", 9)]
    [TestCase("\x1b[F\x1b[H", 0)]
    [TestCase("\x1b[F\x1b[1~", 0)]
    [TestCase("\x1b[6~", 9)]
    [TestCase("\x1b[6~\x1b[5~", 1)]
    [TestCase("\x1bOB\x1bOB", 3)]
    public void HomeEndPageKeysAndBootKey(string keys, int expected)
    {
        MenuResult result = Run(Selection(chosen: 1, count: 10), new ScriptedTerminal().Type(keys + "b"));
        Assert.That(result.Entry!.Title, Is.EqualTo($"Entry {expected}"));
    }

    [Test]
    public void CountdownBootsTheDefault()
    {
        var terminal = new ScriptedTerminal();
        MenuResult result = Run(Selection(timeout: 3), terminal);
        Assert.Multiple(() =>
        {
            Assert.That((result.Entry!.Title, result.Reason), Is.EqualTo(("Entry 1", "timeout")));
            Assert.That(terminal.Now, Is.InRange(3000, 3100));
            Assert.That(terminal.Drawn, Does.Contain("Will boot selected entry in  3 seconds").And.Contain("in  1 seconds"));
        });
    }

    [Test]
    public void ZeroTimeoutBootsAtOnce()
    {
        var terminal = new ScriptedTerminal();
        MenuResult result = Run(Selection(timeout: 0), terminal);
        Assert.That((result.Entry!.Title, result.Reason, terminal.Now), Is.EqualTo(("Entry 1", "immediate", 0L)));
    }

    [Test]
    public void NoConfiguredTimeoutStillEndsAtTheBound()
    {
        var terminal = new ScriptedTerminal();
        MenuResult result = Run(Selection(timeout: null), terminal);
        Assert.Multiple(() =>
        {
            Assert.That((result.Entry!.Title, result.Reason), Is.EqualTo(("Entry 1", "timeout")));
            Assert.That(terminal.Now, Is.InRange(MenuBounds.DefaultNoTimeoutSeconds * 1000L, (MenuBounds.DefaultNoTimeoutSeconds * 1000L) + 100));
        });
    }

    [Test]
    public void AKeyStopsTheCountdownAndTheIdleBoundBootsTheHighlightedEntry()
    {
        var terminal = new ScriptedTerminal().Wait(1500).Type(Down);
        MenuResult result = Run(Selection(timeout: 3), terminal, new MenuBounds(IdleSeconds: 20));
        Assert.Multiple(() =>
        {
            Assert.That((result.Entry!.Title, result.Reason), Is.EqualTo(("Entry 2", "idle")));
            Assert.That(terminal.Now, Is.InRange(21_500, 22_600));
        });
    }

    [Test]
    public void EditModeBootsTheEditedLines()
    {
        // e: edit the entry; e: edit its first line; End, type " single", Enter; b: boot.
        var terminal = new ScriptedTerminal().Type("e").Type("e").Type("\x1b[F single\r").Type("b");
        MenuResult result = Run(Selection(chosen: 0), terminal);
        Assert.Multiple(() =>
        {
            Assert.That(result.Entry!.Title, Is.EqualTo("Entry 0"));
            Assert.That(result.Lines, Is.EqualTo(new[] { "linux /boot/vmlinuz-0 root=/dev/xvda1 n=0 single", "initrd /boot/initrd-0" }));
            Assert.That(terminal.Drawn, Does.Contain("Minimal BASH-like line editing is supported"));
        });
    }

    [Test]
    public void EditModeDeleteOpenAndEscapeBack()
    {
        // e, Down, d (delete the initrd line), Esc back to the menu, then Enter boots the unedited entry.
        MenuResult escaped = Run(Selection(chosen: 0), new ScriptedTerminal().Type("e" + Down + "d").Type("\x1b").Wait(100).Type("\r"));
        Assert.That((escaped.Entry!.Title, escaped.Lines), Is.EqualTo(("Entry 0", (IReadOnlyList<string>?)null)));

        // e, Down, d, o (open a line after), e (edit it), type, Enter, b.
        MenuResult edited = Run(Selection(chosen: 0), new ScriptedTerminal().Type("e" + Down + "do").Type("e").Type("initrd /x\r").Type("b"));
        Assert.That(edited.Lines, Is.EqualTo(new[] { "linux /boot/vmlinuz-0 root=/dev/xvda1 n=0", "initrd /x" }));
    }

    [Test]
    public void LineEditorKeys()
    {
        // Ctrl-A to the start, Ctrl-D deletes "l", Right, Ctrl-K kills the rest, Backspace, then type.
        MenuResult result = Run(Selection(chosen: 0), new ScriptedTerminal().Type("e").Type("e").Type("\x01\x04\x1b[C\x0b\x7f" + "kernel /k\r").Type("b"));
        Assert.That(result.Lines![0], Is.EqualTo("kernel /k"));
    }

    [Test]
    public void CommandLineModeBootsTypedLines()
    {
        var terminal = new ScriptedTerminal().Type("c").Type("linux /boot/vmlinuz-9 ro\r").Type("initrd /boot/initrd-9\r").Type("boot\r");
        MenuResult result = Run(Selection(), terminal);
        Assert.Multiple(() =>
        {
            Assert.That(result.Entry, Is.Null);
            Assert.That(result.Lines, Is.EqualTo(new[] { "linux /boot/vmlinuz-9 ro", "initrd /boot/initrd-9" }));
            Assert.That(terminal.Drawn, Does.Contain("Typing 'boot' will boot with your entered commands"));
        });
    }

    [Test]
    public void EditedLinesBecomeTheBootEntry()
    {
        var session = new TestSession(Selection(), new Dictionary<string, byte[]>());
        BootEntry? entry = BootRun.EntryFromLines(session, ["  set root='hd0,msdos1'", "\tlinux (hd0,msdos1)/boot/vmlinuz-9 root=/dev/xvda1 single", "initrd /boot/initrd-9"], null);
        Assert.That((entry!.Kernel!.Path, entry.Initrds[0].Path, entry.Arguments), Is.EqualTo(("/boot/vmlinuz-9", "/boot/initrd-9", "root=/dev/xvda1 single")));
    }
}

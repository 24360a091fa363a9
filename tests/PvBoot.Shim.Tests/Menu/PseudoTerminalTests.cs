using System.Runtime.InteropServices;
using System.Text;
using PvBoot.Core.Boot;
using PvBoot.Shim.Menu;
using PvBoot.Testing;

namespace PvBoot.Shim.Tests.Menu;

/// <summary>The menu on a real pseudo-terminal: raw termios (keys arrive without Enter, no echo), the screen, the choice, the restore.</summary>
[TestFixture]
[NonParallelizable]
public sealed partial class PseudoTerminalTests
{
    [LibraryImport("libc.so.6", EntryPoint = "openpty", SetLastError = true)]
    private static partial int OpenPty(out int master, out int slave, nint name, nint termios, nint size);

    [LibraryImport("libc.so.6", EntryPoint = "tcgetattr", SetLastError = true)]
    private static partial int TcGetAttr(int fd, Span<byte> termios);

    [LibraryImport("libc.so.6", EntryPoint = "write", SetLastError = true)]
    private static partial nint Write(int fd, ReadOnlySpan<byte> buffer, nint count);

    [LibraryImport("libc.so.6", EntryPoint = "read", SetLastError = true)]
    private static partial nint Read(int fd, Span<byte> buffer, nint count);

    [LibraryImport("libc.so.6", EntryPoint = "close")]
    private static partial int Close(int fd);

    [Test]
    public void MenuOnAPtyChoosesTheEntryAndRestoresTheTerminal()
    {
        Assert.That(OpenPty(out int master, out int slave, 0, 0, 0), Is.Zero, "openpty");
        try
        {
            byte[] before = new byte[64];
            Assert.That(TcGetAttr(slave, before), Is.Zero);
            var screen = new StringBuilder();
            var reader = new Thread(() =>
            {
                byte[] buffer = new byte[4096];
                while (true)
                {
                    nint n = Read(master, buffer, buffer.Length);
                    if (n <= 0)
                    {
                        return;
                    }

                    lock (screen)
                    {
                        screen.Append(Encoding.UTF8.GetString(buffer, 0, (int)n));
                    }
                }
            }) { IsBackground = true };
            reader.Start();

            BootSelection selection = TestSession.Menu(30, 0, ("Debian GNU/Linux", "/boot/a", null, ""), ("Debian (recovery)", "/boot/b", null, "single"), ("Memtest", "/boot/c", null, ""));
            MenuResult? result = null;
            using (RawTerminal terminal = RawTerminal.Open(slave, slave))
            {
                var menu = new Thread(() => result = new BootMenu(selection, new MenuBounds()).Run(terminal)) { IsBackground = true };
                menu.Start();
                WaitFor(screen, "Will boot selected entry in 30 seconds");
                Type(master, "z\x1b[B\x1b[B\x1b[A");
                WaitFor(screen, "> \x1b[7mDebian (recovery)");
                Type(master, "\r");
                Assert.That(menu.Join(10_000), Is.True, "Enter did not boot (is the terminal still line-buffered?)");
            }

            WaitFor(screen, "\x1b[?25h");
            byte[] after = new byte[64];
            Assert.That(TcGetAttr(slave, after), Is.Zero);
            string drawn;
            lock (screen)
            {
                drawn = screen.ToString();
            }

            Assert.Multiple(() =>
            {
                Assert.That(result!.Entry!.Title, Is.EqualTo("Debian (recovery)"));
                Assert.That(drawn, Does.Contain("Debian GNU/Linux").And.Contain("Memtest").And.Contain("pyGRUB (PvBoot)"));
                Assert.That(drawn, Does.Not.Contain("z"), "typed keys were echoed");
                Assert.That(drawn, Does.EndWith("\x1b[?25h"), "the cursor is shown again on exit");
                Assert.That(after, Is.EqualTo(before), "termios restored");
            });
        }
        finally
        {
            Close(slave);
            Close(master);
        }
    }

    [Test]
    public void InteractiveRunWithoutATerminalFailsWithAHint()
    {
        string directory = ShimBinary.NewDirectory("notty");
        ToolResult result = Tool.Run(ShimBinary.Path, ["--output-directory=" + directory, Output.OutputFilesTests.ImageFile()]);
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(1), "pygrub exits 1 as well (curses cannot start)");
            Assert.That(result.Stderr, Does.Contain("pygrub: error: standard input is not a terminal").And.Contain("hint: pass -q or --entry=N"));
            Assert.That(Directory.GetFileSystemEntries(directory), Is.Empty);
        });
    }

    private static void Type(int master, string keys)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(keys);
        Assert.That(Write(master, bytes, bytes.Length), Is.EqualTo((nint)bytes.Length));
    }

    private static void WaitFor(StringBuilder screen, string text)
    {
        for (int i = 0; i < 200; i++)
        {
            lock (screen)
            {
                if (screen.ToString().Contains(text, StringComparison.Ordinal))
                {
                    return;
                }
            }

            Thread.Sleep(25);
        }

        Assert.Fail($"the terminal never showed '{text}'");
    }
}

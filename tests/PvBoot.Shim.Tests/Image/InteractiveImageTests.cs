using System.Text;
using PvBoot.Testing;

namespace PvBoot.Shim.Tests.Image;

/// <summary>The published binary's menu in a real terminal emulator (tmux, 80×24): the screen, the keys, the result.</summary>
[TestFixture]
[NonParallelizable]
public sealed class InteractiveImageTests
{
    [Test]
    public void MenuInTmuxBootsTheChosenEntryAndKeepsTheResultClean()
    {
        string image = PygrubImageTests.Image;
        string directory = ShimBinary.NewDirectory("tmux");
        string result = Path.Combine(directory, "result.out");
        string session = "pvboot-" + Guid.NewGuid().ToString("N")[..8];
        string command = $"'{ShimBinary.Path}' --output-directory='{directory}' '{image}' > '{result}' 2>/dev/null; echo \" exit=$?\" >> '{result}'; sleep 30";
        Assert.That(Tool.Run("tmux", ["new-session", "-d", "-s", session, "-x", "80", "-y", "24", command]).ExitCode, Is.Zero);
        try
        {
            string screen = WaitForScreen(session, "Will boot selected entry in");
            Assert.Multiple(() =>
            {
                Assert.That(screen, Does.Contain("|> Debian GNU/Linux "), "the default is highlighted");
                Assert.That(screen, Does.Contain("|  Debian GNU/Linux (single)"));
            });
            Assert.That(Tool.Run("tmux", ["send-keys", "-t", session, "Down"]).ExitCode, Is.Zero);
            screen = WaitForScreen(session, "|> Debian GNU/Linux (single)");
            Assert.That(screen, Does.Not.Contain("Will boot selected entry in"), "a key stops the countdown");
            Assert.That(Tool.Run("tmux", ["send-keys", "-t", session, "Enter"]).ExitCode, Is.Zero);
            string output = WaitForFile(result, " exit=");
            string kernel = Directory.GetFiles(directory, "boot_kernel.*").Single();
            Assert.Multiple(() =>
            {
                Assert.That(output, Is.EqualTo($"linux (kernel '{kernel}')(args 'root=/dev/xvda1 single') exit=0\n"));
                Assert.That(Directory.GetFiles(directory, "boot_ramdisk.*"), Is.Empty);
            });
        }
        finally
        {
            Tool.Run("tmux", ["kill-session", "-t", session]);
        }
    }

    [Test]
    public void SigtermDuringTheMenuRestoresTheTerminalAndLeavesNoOutputs()
    {
        string image = PygrubImageTests.Image;
        string directory = ShimBinary.NewDirectory("tmux-term");
        string report = Path.Combine(ShimBinary.NewDirectory("tmux-term-report"), "report");
        string session = "pvboot-" + Guid.NewGuid().ToString("N")[..8];
        string command = $"stty -a > '{report}.before'; '{ShimBinary.Path}' --output-directory='{directory}' '{image}' >/dev/null 2>&1; "
            + $"code=$?; stty -a > '{report}.after'; echo \"exit=$code\" > '{report}'; sleep 30";
        Assert.That(Tool.Run("tmux", ["new-session", "-d", "-s", session, "-x", "80", "-y", "24", command]).ExitCode, Is.Zero);
        try
        {
            _ = WaitForScreen(session, "Will boot selected entry in");
            Assert.That(Tool.Run("pkill", ["-TERM", "-o", "-f", $"^{ShimBinary.Path} --output-directory={directory}"]).ExitCode, Is.Zero, "the parent pygrub was not found");
            string exit = WaitForFile(report, "exit=");
            Assert.Multiple(() =>
            {
                Assert.That(exit.Trim(), Is.Not.EqualTo("exit=0"));
                Assert.That(File.ReadAllText(report + ".after"), Is.EqualTo(File.ReadAllText(report + ".before")), "the terminal settings were not restored");
                Assert.That(Directory.GetFileSystemEntries(directory), Is.Empty, "outputs left after SIGTERM during the menu");
            });
        }
        finally
        {
            Tool.Run("tmux", ["kill-session", "-t", session]);
        }
    }

    private static string WaitForScreen(string session, string text)
    {
        string screen = string.Empty;
        for (int i = 0; i < 100; i++)
        {
            screen = Encoding.UTF8.GetString(Tool.Run("tmux", ["capture-pane", "-p", "-t", session]).Stdout);
            if (screen.Contains(text, StringComparison.Ordinal))
            {
                return screen;
            }

            Thread.Sleep(100);
        }

        Assert.Fail($"the screen never showed '{text}':\n{screen}");
        return screen;
    }

    private static string WaitForFile(string path, string text)
    {
        for (int i = 0; i < 100; i++)
        {
            string content = File.Exists(path) ? File.ReadAllText(path) : string.Empty;
            if (content.Contains(text, StringComparison.Ordinal))
            {
                return content;
            }

            Thread.Sleep(100);
        }

        Assert.Fail($"{path} never got '{text}'");
        return string.Empty;
    }
}

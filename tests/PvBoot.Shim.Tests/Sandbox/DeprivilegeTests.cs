using System.Diagnostics;
using System.Text;
using PvBoot.Testing;

namespace PvBoot.Shim.Tests.Sandbox;

/// <summary>
/// The published binary run as root: the worker child drops to nobody (or --runas), sees an empty root, and the
/// parent's deadline and cleanup hold when the child blocks or is killed (O4).
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class DeprivilegeTests
{
    [Test]
    public void ChildRunsAsNobodyInAnEmptyRootWithNamespaces()
    {
        ShimBinary.RequireRoot();
        string directory = ShimBinary.NewDirectory("depriv");
        ToolResult result = Tool.Run(ShimBinary.Path, ["-q", "--explain", "--debug", "--output-directory=" + directory, Output.OutputFilesTests.ImageFile()]);
        string nobody = File.ReadLines("/etc/passwd").First(l => l.StartsWith("nobody:", StringComparison.Ordinal)).Split(':')[2];
        string hostNetwork = new FileInfo("/proc/self/ns/net").LinkTarget!;
        Assert.Multiple(() =>
        {
            Assert.That(result.Stderr, Does.Contain($"explain: sandbox: uid {nobody}, gid "));
            Assert.That(result.Stderr, Does.Contain("namespaces unshared, network namespace net:["));
            Assert.That(result.Stderr, Does.Contain("root tmpfs with 0 entries, /etc/passwd invisible"));
            Assert.That(
                result.Stderr,
                Does.Contain($"seccomp: {PvBoot.Shim.Sandbox.SyscallFilter.Refused.Length} system calls refused; socket fails with EPERM, execve fails with EPERM"),
                "the worker's seccomp filter, checked from inside it");
            Assert.That(result.Stderr, Does.Not.Contain("network namespace " + hostNetwork + ","), "the worker is still in the host's network namespace");
            Assert.That(result.Stderr, Does.Contain("GC heap limit 268435456 bytes"), "the worker's heap is capped at 256 MiB");
            Assert.That(result.Stderr, Does.Contain("(made ahead by the parent)"), "the worker did not join the parent's prepared network namespace");
            Assert.That(result.ExitCode, Is.EqualTo(1), "a blank disk has no boot partition");
            Assert.That(Directory.GetFileSystemEntries(directory), Is.Empty, "outputs or the sandbox directory left behind");
        });
    }

    [Test]
    public void TheWorkersRootNeverReachesTheHostThroughASharedMount()
    {
        ShimBinary.RequireRoot();
        // The output directory is a shared mount: a mount made on it in a namespace whose mounts are still shared
        // with the host's would appear in the host's namespace too, and stay there after the worker ended.
        string directory = ShimBinary.NewDirectory("shared");
        Assert.That(Tool.Run("mount", ["--bind", directory, directory]).ExitCode, Is.Zero);
        try
        {
            Assert.That(Tool.Run("mount", ["--make-shared", directory]).ExitCode, Is.Zero);
            ToolResult result = Tool.Run(ShimBinary.Path, ["-q", "--explain", "--output-directory=" + directory, Output.OutputFilesTests.ImageFile()]);
            string[] hostMounts = File.ReadAllLines("/proc/self/mountinfo");
            Assert.Multiple(() =>
            {
                Assert.That(result.Stderr, Does.Contain("namespaces unshared").And.Contain("root tmpfs with 0 entries"));
                Assert.That(hostMounts.Where(l => l.Contains("pvboot-root", StringComparison.Ordinal)), Is.Empty, "the worker's tmpfs reached the host");
                Assert.That(hostMounts.Count(l => l.Split(' ')[4] == directory), Is.EqualTo(1), "only the test's own bind mount is on the output directory");
                Assert.That(Directory.GetFileSystemEntries(directory), Is.Empty);
            });
        }
        finally
        {
            _ = Tool.Run("umount", ["--recursive", directory]);
        }
    }

    [Test]
    public void WithoutNamespacesTheRootIsAnEmptyDirectoryThatIsGoneAfterwards()
    {
        ShimBinary.RequireRoot();
        // Without CAP_SYS_ADMIN, root cannot make namespaces or mounts (as in a container that withholds it).
        string directory = ShimBinary.NewDirectory("nonamespaces");
        ToolResult result = Tool.Run(
            "setpriv", ["--bounding-set=-sys_admin", "--inh-caps=-sys_admin", "--", ShimBinary.Path, "-q", "--explain", "--output-directory=" + directory, Output.OutputFilesTests.ImageFile()]);
        string nobody = File.ReadLines("/etc/passwd").First(l => l.StartsWith("nobody:", StringComparison.Ordinal)).Split(':')[2];
        Assert.Multiple(() =>
        {
            Assert.That(result.Stderr, Does.Contain("namespaces unavailable (unshare("), "the warning names the failed call");
            Assert.That(result.Stderr, Does.Contain($"explain: sandbox: uid {nobody}, gid "));
            Assert.That(result.Stderr, Does.Contain("namespaces unavailable, network namespace"));
            Assert.That(result.Stderr, Does.Contain("root directory with 0 entries, /etc/passwd invisible"));
            Assert.That(result.ExitCode, Is.EqualTo(1), "a blank disk has no boot partition");
            Assert.That(Directory.GetFileSystemEntries(directory), Is.Empty, "the sandbox directory or outputs were left behind");
        });
    }

    [Test]
    public void RunasUidIsTheChildsUid()
    {
        ShimBinary.RequireRoot();
        string directory = ShimBinary.NewDirectory("runas");
        ToolResult result = Tool.Run(ShimBinary.Path, ["--runas=4321", "-q", "--explain", "--output-directory=" + directory, Output.OutputFilesTests.ImageFile()]);
        Assert.Multiple(() =>
        {
            Assert.That(result.Stderr, Does.Contain("explain: sandbox: uid 4321, gid 4321,"));
            Assert.That(Directory.GetFileSystemEntries(directory), Is.Empty);
        });
    }

    [Test]
    public void O3_TheResultOnOutputIsWrittenByTheParentFromTheWorkersReport()
    {
        // libxl loads the files the result names and then deletes them, so the worker, which reads the guest, must not
        // be the one that names them: it reports, and the parent writes the line with the paths of the files it made.
        ShimBinary.RequireRoot();
        string directory = ShimBinary.NewDirectory("result-writer");
        string output = Path.Combine(directory, "bootloader.out");
        File.WriteAllBytes(output, []);
        string trace = Path.Combine(ShimBinary.NewDirectory("strace"), "trace");
        ToolResult result = Tool.Run(
            "strace",
            ["-f", "-qq", "-s", "512", "-e", "trace=execve,write", "-o", trace,
             ShimBinary.Path, "--quiet", "--output=" + output, "--output-format=simple0", "--output-directory=" + directory, Image.PygrubImageTests.Image]);
        string[] lines = File.ReadAllLines(trace);
        string parent = Pid(lines.First(l => l.Contains(" execve(", StringComparison.Ordinal)));
        string[] resultWrites = [.. lines.Where(l => l.Contains("write(", StringComparison.Ordinal) && l.Contains("\"kernel ", StringComparison.Ordinal))];
        string[] reports = [.. lines.Where(l => l.Contains("\"result 11 ", StringComparison.Ordinal))];
        string[] items = Encoding.UTF8.GetString(File.ReadAllBytes(output)).Split('\0');
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.Zero, result.Stderr);
            Assert.That(resultWrites, Has.Length.EqualTo(1), "the result line is written once");
            Assert.That(Pid(resultWrites[0]), Is.EqualTo(parent), "the result line is written by the parent");
            Assert.That(reports, Has.Length.EqualTo(1), "the worker reports once");
            Assert.That(Pid(reports[0]), Is.Not.EqualTo(parent), "the report comes from the worker");
            Assert.That(items[0], Does.StartWith("kernel " + directory + "/boot_kernel."));
            Assert.That(items[1], Does.StartWith("ramdisk " + directory + "/boot_ramdisk."));
            Assert.That(items[2..], Is.EqualTo(new[] { "args root=/dev/xvda1 ro quiet", string.Empty, string.Empty }));
        });
    }

    [Test]
    public void O3_OnStandardOutputTheResultIsWrittenByTheParentToo()
    {
        // XAPI reads the result on standard output and deletes the kernel it names, as libxl does with --output.
        ShimBinary.RequireRoot();
        string directory = ShimBinary.NewDirectory("stdout-writer");
        string trace = Path.Combine(ShimBinary.NewDirectory("strace"), "trace");
        ToolResult result = Tool.Run(
            "strace",
            ["-f", "-qq", "-s", "512", "-e", "trace=execve,write", "-o", trace,
             ShimBinary.Path, "--quiet", "--output-directory=" + directory, Image.PygrubImageTests.Image]);
        string[] lines = File.ReadAllLines(trace);
        string parent = Pid(lines.First(l => l.Contains(" execve(", StringComparison.Ordinal)));
        string[] resultWrites = [.. lines.Where(l => l.Contains("write(", StringComparison.Ordinal) && l.Contains("\"linux (kernel ", StringComparison.Ordinal))];
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.Zero, result.Stderr);
            Assert.That(resultWrites, Has.Length.EqualTo(1), "the result line is written once");
            Assert.That(Pid(resultWrites[0]), Is.EqualTo(parent), "the result line is written by the parent");
            Assert.That(resultWrites[0], Does.Match("^[0-9]+ +write\\(1, "), "the result line is written on standard output");
            Assert.That(
                Encoding.UTF8.GetString(result.Stdout),
                Does.Match("^linux \\(kernel '[^']*/boot_kernel\\.[a-z0-9_]{8}'\\)\\(ramdisk '[^']*/boot_ramdisk\\.[a-z0-9_]{8}'\\)\\(args 'root=/dev/xvda1 ro quiet'\\)$"));
        });
    }

    [Test]
    public void AFailedRunStillPrintsWhatTheWorkerPrintedOnStandardOutput()
    {
        // pygrub prints "No kernel image selected!" on standard output when no entry loads a kernel.
        ShimBinary.RequireRoot();
        string root = ShimBinary.NewDirectory("no-kernel-root");
        Directory.CreateDirectory(Path.Combine(root, "boot", "grub"));
        File.WriteAllText(Path.Combine(root, "boot", "grub", "grub.cfg"), "set default=0\nmenuentry 'no kernel' {\n\techo hello\n}\n");
        string image = Path.Combine(ShimBinary.NewDirectory("no-kernel"), "ext4.img");
        Assert.That(Tool.Run("mkfs.ext4", ["-q", "-F", "-d", root, image, "4M"]).ExitCode, Is.Zero);
        string directory = ShimBinary.NewDirectory("no-kernel-out");
        ToolResult result = Tool.Run(ShimBinary.Path, ["--quiet", "--output-directory=" + directory, image]);
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(1), result.Stderr);
            Assert.That(Encoding.UTF8.GetString(result.Stdout), Is.EqualTo("No kernel image selected!\n"));
            Assert.That(Directory.GetFileSystemEntries(directory), Is.Empty, "outputs left after a failed run");
        });
    }

    [Test]
    public void NoDeprivKeepsRoot()
    {
        ShimBinary.RequireRoot();
        string directory = ShimBinary.NewDirectory("nodepriv");
        ToolResult result = Tool.Run(ShimBinary.Path, ["--no-depriv", "-q", "--explain", "--output-directory=" + directory, Output.OutputFilesTests.ImageFile()]);
        Assert.Multiple(() =>
        {
            Assert.That(result.Stderr, Does.Not.Contain("explain: sandbox:"));
            Assert.That(result.Stderr, Does.Contain("--no-depriv: the guest image is parsed as root"));
        });
    }

    [Test]
    public void O4_BlockedBackingDeviceHitsTheDeadline()
    {
        ShimBinary.RequireRoot();
        string directory = ShimBinary.NewDirectory("blocked");
        string fifo = Path.Combine(ShimBinary.NewDirectory("fifo"), "disk");
        Assert.That(Tool.Run("mkfifo", [fifo]).ExitCode, Is.Zero);
        var clock = Stopwatch.StartNew();
        ToolResult result = Tool.Run(ShimBinary.Path, ["-q", "--deadline=2", "--output-directory=" + directory, fifo], timeoutSeconds: 30);
        clock.Stop();
        Assert.Multiple(() =>
        {
            Assert.That(result.ExitCode, Is.EqualTo(124));
            Assert.That(result.Stderr, Does.Contain("not done after 2 s").And.Contain("hint:"));
            Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(15)));
            Assert.That(Directory.GetFileSystemEntries(directory), Is.Empty, "outputs left after the deadline");
        });
    }

    [Test]
    public void KillingTheChildLeavesNoOutputs()
    {
        ShimBinary.RequireRoot();
        string directory = ShimBinary.NewDirectory("killed");
        using Process parent = StartOnBlockedImage(directory);
        int child = WaitForChild(parent.Id);
        Assert.That(Directory.GetFiles(directory), Has.Length.EqualTo(2), "the parent made both output files before starting the child");
        Assert.That(Tool.Run("kill", ["-KILL", child.ToString(System.Globalization.CultureInfo.InvariantCulture)]).ExitCode, Is.Zero);
        Assert.That(parent.WaitForExit(20_000), Is.True, "the parent did not notice the child's death");
        string stderr = parent.StandardError.ReadToEnd();
        Assert.Multiple(() =>
        {
            Assert.That(parent.ExitCode, Is.EqualTo(128 + 9));
            Assert.That(stderr, Does.Contain("killed by signal 9"));
            Assert.That(Directory.GetFileSystemEntries(directory), Is.Empty, "outputs left after the child was killed");
        });
    }

    [Test]
    public void SigtermToTheParentAsLibxlSendsLeavesNoOutputs()
    {
        ShimBinary.RequireRoot();
        string directory = ShimBinary.NewDirectory("sigterm");
        using Process parent = StartOnBlockedImage(directory);
        int child = WaitForChild(parent.Id);
        Assert.That(Tool.Run("kill", ["-TERM", parent.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]).ExitCode, Is.Zero);
        Assert.That(parent.WaitForExit(20_000), Is.True, "the parent did not end after SIGTERM");
        Assert.Multiple(() =>
        {
            Assert.That(parent.ExitCode, Is.Not.Zero);
            Assert.That(Directory.Exists($"/proc/{child}") && !File.ReadAllText($"/proc/{child}/stat").Contains(") Z ", StringComparison.Ordinal), Is.False, "the child outlived the parent");
            Assert.That(Directory.GetFileSystemEntries(directory), Is.Empty, "outputs left after SIGTERM");
        });
    }

    private static int WaitForChild(int parent)
    {
        for (int i = 0; i < 200; i++)
        {
            foreach (string task in Directory.Exists($"/proc/{parent}/task") ? Directory.GetDirectories($"/proc/{parent}/task") : [])
            {
                string children = File.Exists(task + "/children") ? File.ReadAllText(task + "/children").Trim() : string.Empty;
                if (children.Length > 0)
                {
                    return int.Parse(children.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
                }
            }

            Thread.Sleep(50);
        }

        Assert.Fail("the worker child did not start");
        return -1;
    }

    /// <summary>Starts pygrub on a FIFO as the image: the child blocks reading it until the test acts.</summary>
    private static Process StartOnBlockedImage(string directory)
    {
        string fifo = Path.Combine(ShimBinary.NewDirectory("fifo"), "disk");
        Assert.That(Tool.Run("mkfifo", [fifo]).ExitCode, Is.Zero);
        var start = new ProcessStartInfo(ShimBinary.Path) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string arg in new[] { "-q", "--output-directory=" + directory, fifo })
        {
            start.ArgumentList.Add(arg);
        }

        return Process.Start(start)!;
    }

    /// <summary>The process id that begins a line of <c>strace -f</c> output (strace pads it to a common width).</summary>
    private static string Pid(string straceLine) => straceLine.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
}

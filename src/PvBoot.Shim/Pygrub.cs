using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;
using PvBoot.Core;
using PvBoot.Core.Boot;
using PvBoot.Grub2;
using PvBoot.Shim.Boot;
using PvBoot.Shim.CommandLine;
using PvBoot.Shim.Logging;
using PvBoot.Shim.Menu;
using PvBoot.Shim.Native;
using PvBoot.Shim.Output;
using PvBoot.Shim.Sandbox;

namespace PvBoot.Shim;

/// <summary>
/// pygrub's command-line contract. The process that the toolstack starts parses the command line, makes the output
/// directory and files and opens <c>--output</c>, then forks a worker that opens the image, deprivileges (when run as
/// root) and does the work through the inherited descriptors. The parent enforces the wall-clock deadline, removes
/// the outputs on any failure and returns the worker's exit code.
/// </summary>
internal static class Pygrub
{
    /// <summary>The process entry.</summary>
    public static int Entry(string[] args)
    {
        _ = Libc.Signal(Libc.SIGXFSZ, Libc.SIG_IGN);
        string programName = Environment.GetCommandLineArgs() is [string first, ..] ? first : "pygrub";
        try
        {
            return (int)Run(args, programName, Console.Out, Console.Error, GuestBootSession.Open, supervise: true);
        }
        finally
        {
            ForkedWorker.ReapReported();
        }
    }

    /// <summary>Runs pygrub: in-process when <paramref name="supervise"/> is false (tests), else in a forked worker.</summary>
    public static ExitCode Run(
        IReadOnlyList<string> args,
        string programName,
        TextWriter stdout,
        TextWriter stderr,
        Func<BootSessionRequest, IBootSession> openSession,
        bool supervise)
    {
        ParseOutcome parsed = PygrubOptions.Parse(
            args, programName, Environment.GetEnvironmentVariable("POSIXLY_CORRECT") is { Length: > 0 }, Directory.Exists);
        if (parsed.Options is not PygrubOptions options)
        {
            stdout.Write(parsed.Stdout);
            stdout.Flush();
            stderr.Write(parsed.Stderr);
            stderr.Flush();
            return parsed.Code;
        }

        // The sandbox's guest-independent parts are made on a second thread meanwhile (SandboxPreparation).
        bool deprivilege = supervise && Libc.GetEffectiveUid() == 0 && !options.NoDepriv;
        SandboxPreparation? preparation = deprivilege ? SandboxPreparation.TryStart() : null;

        using var logger = new DeferredLogger(stderr, options.Debug, "pygrub");
        try
        {
            if (!options.OutputDirectoryGiven)
            {
                EnsureDefaultOutputDirectory(options.OutputDirectory);
            }

            bool makeFiles = !options.NotReally && !options.ListEntries && !options.IsConfig;
            using OutputFiles files = OutputFiles.Create(options.OutputDirectory, makeFiles, options.Output);
            var outputs = new RunOutputs(files.KernelFd, files.KernelPath, files.RamdiskFd, files.RamdiskPath, files.OutputFd);
            RunResult result = supervise
                ? Supervise(options, outputs, stdout, stderr, logger, deprivilege, preparation)
                : Work(options, outputs, stdout, stderr, logger, openSession, sandbox: null, forked: false, handOver: null);
            if (result.Code == ExitCode.Success)
            {
                files.Commit(result.RamdiskUsed);
            }

            return result.Code;
        }
        catch (Exception e)
        {
            return Report(e, options, stderr);
        }
    }

    /// <summary>The work on the guest: open the image, deprivilege (when <paramref name="sandbox"/> asks for it), run.</summary>
    private static RunResult Work(
        PygrubOptions options,
        RunOutputs outputs,
        TextWriter stdout,
        TextWriter stderr,
        ILogger logger,
        Func<BootSessionRequest, IBootSession> openSession,
        SandboxRequest? sandbox,
        bool forked,
        Action<BootReport>? handOver)
    {
        SafeFileHandle image;
        try
        {
            image = File.OpenHandle(options.Image, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ShimException(
                $"cannot open the image {options.Image}: {e.Message}",
                "check the disk path; libxl passes the domain's first disk to the boot loader");
        }

        // A bare configuration is named by its absolute path, resolved before the sandbox's empty root hides the host.
        string imageName = options.IsConfig ? Path.GetFullPath(options.Image) : options.Image;
        bool needsMenu = NeedsMenu(options);
        RawTerminal? terminal = null;
        try
        {
            if (needsMenu)
            {
                if (!RawTerminal.IsTerminal(0))
                {
                    throw new ShimException(
                        "standard input is not a terminal, so the boot menu cannot run",
                        "pass -q or --entry=N for a non-interactive run (libxl runs the boot loader on a pty)");
                }

                // Draw on standard output when it is the terminal (as pygrub's curses does); when it is redirected,
                // draw on the terminal of standard input so the menu never mixes with the result.
                terminal = RawTerminal.Open(0, MenuOutput(), restoreOnSignals: !forked);
            }

            long fileCap = FileSizeCap();
            if (sandbox is { Preparation: var preparation })
            {
                (uint nobodyUid, uint nobodyGid) = preparation?.Nobody ?? Deprivileger.Nobody();
                uint uid = options.RunAs is int runAs and > 0 ? (uint)runAs : nobodyUid;
                uint gid = options.RunAs is int runAsGid and > 0 ? (uint)runAsGid : nobodyGid;
                stderr.Flush();
                SandboxState state = Deprivileger.Enter(
                    options.OutputDirectory, uid, gid, fileCap, (int)Math.Ceiling(options.Deadline.TotalSeconds), preparation?.Network);
                if (state.NamespaceProblem is not null)
                {
                    logger.LogWarning("namespaces unavailable ({Problem}); running chrooted as uid {Uid} without them", state.NamespaceProblem, state.Uid);
                }

                if (state.LimitProblem is not null)
                {
                    logger.LogWarning("{Problem}", state.LimitProblem);
                }

                if (!state.SeccompEnforced)
                {
                    logger.LogWarning("no seccomp filter is in force: {Seccomp}", state.Seccomp);
                }

                logger.LogDebug(
                    "deprivileged: uid {Uid}, gid {Gid}, namespaces {Namespaces}, network namespace {Network} ({Origin}), GC heap limit {HeapLimit} bytes",
                    state.Uid,
                    state.Gid,
                    state.Namespaces,
                    state.NetworkNamespace,
                    state.NetworkPrepared ? "made ahead by the parent" : "made by the worker",
                    GC.GetGCMemoryInfo().TotalAvailableMemoryBytes);
                if (options.Explain)
                {
                    stderr.WriteLine(string.Create(
                        CultureInfo.InvariantCulture,
                        $"explain: sandbox: uid {state.Uid}, gid {state.Gid}, namespaces {(state.Namespaces ? "unshared" : "unavailable")}, network namespace {state.NetworkNamespace ?? "unknown"}, root {state.Root} with {RootEntries()} entries, /etc/passwd {(File.Exists("/etc/passwd") ? "visible" : "invisible")}, seccomp: {state.Seccomp}"));
                }
            }

            // Only the menu, -l, --entry, --explain and JSON look at entries other than the default; without them the
            // guest's other entries are not run, as GRUB runs only the entry it boots.
            bool listEveryEntry = needsMenu || options.ListEntries || options.Entry is not null || options.Explain || options.Format == OutputFormat.Json;
            var request = new BootSessionRequest(imageName, image, options.Offset, options.IsConfig, fileCap, logger, options.XenDom0Kernel, listEveryEntry);
            using IBootSession session = openSession(request);
            var run = new BootRun(options, stdout, stderr, logger)
            {
                HandOver = handOver,
                Menu = terminal is null ? null : selection =>
                {
                    MenuResult picked = new BootMenu(selection, new MenuBounds()).Run(terminal);
                    terminal.Restore();
                    return picked;
                },
            };
            RunResult result = run.Execute(session, outputs);
            terminal?.Dispose();
            terminal = null;
            return result;
        }
        finally
        {
            terminal?.Dispose();
            image.Dispose();
        }
    }

    private static int RootEntries()
    {
        try
        {
            return Directory.EnumerateFileSystemEntries("/").Count();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return -1;
        }
    }

    /// <summary>Whether the run shows the interactive menu (interactive, not listing, no <c>--kernel</c>).</summary>
    private static bool NeedsMenu(PygrubOptions options) => options.Interactive && !options.ListEntries && options.Kernel is null;

    /// <summary>The terminal the menu draws on: standard output when it is one, else the terminal of standard input.</summary>
    private static int MenuOutput() => RawTerminal.IsTerminal(1) ? 1 : 0;

    /// <summary>The parent: forks the worker, enforces the deadline, reads whether a ramdisk was written.</summary>
    private static RunResult Supervise(
        PygrubOptions options, RunOutputs outputs, TextWriter stdout, TextWriter stderr, ILogger logger, bool deprivilege, SandboxPreparation? preparation)
    {
        if (!deprivilege && Libc.GetEffectiveUid() == 0)
        {
            logger.LogWarning("--no-depriv: the guest image is parsed as root");
        }

        // The worker may put the terminal in key-at-a-time mode; if it is killed, the parent puts it back.
        byte[]? terminalMode = NeedsMenu(options) ? RawTerminal.SaveMode(0) : null;
        // A result in pygrub's formats is written here, by the process that made the files, from the worker's report
        // (see BootReport). The worker does not keep --output; a result on standard output (XAPI reads it) is handed
        // over too when no menu, listing or --isconfig text shares that stream: the worker's standard output is then
        // /dev/null, and what it printed is handed over and shown only if the run failed.
        bool json = options.Format == OutputFormat.Json;
        bool stdoutHandedOver = !json && outputs.OutputFd < 0 && !NeedsMenu(options) && !options.ListEntries && !options.IsConfig;
        bool parentWrites = !json && (outputs.OutputFd >= 0 || stdoutHandedOver);
        using DevNull? devNull = stdoutHandedOver ? DevNull.Open() : null;
        WorkerOutcome outcome = ForkedWorker.Run(
            statusFd =>
            {
                StringWriter? captured = null;
                try
                {
                    TextWriter workerStdout = stdout;
                    if (devNull is not null)
                    {
                        devNull.ReplaceStandardOutput();
                        captured = new StringWriter(CultureInfo.InvariantCulture);
                        workerStdout = captured;
                    }

                    Action<BootReport>? handOver = null;
                    if (parentWrites)
                    {
                        if (outputs.OutputFd >= 0)
                        {
                            _ = Libc.Close(outputs.OutputFd);
                        }

                        handOver = report =>
                        {
                            string line = report.ToStatusLine();
                            if (line.Length >= ForkedWorker.MaxStatusCharacters / 2)
                            {
                                throw new ShimException(
                                    string.Create(CultureInfo.InvariantCulture, $"the command line is too long to report: {report.Arguments?.Length} characters"),
                                    "a PV guest's command line is at most a few KiB; check the boot entry's arguments");
                            }

                            Libc.WriteAll(statusFd, Encoding.ASCII.GetBytes(line + "\n"));
                        };
                    }

                    RunResult result = Work(
                        options, outputs, workerStdout, stderr, logger, GuestBootSession.Open, deprivilege ? new SandboxRequest(preparation) : null, forked: true, handOver);
                    if (result.Code == ExitCode.Success && result.RamdiskUsed)
                    {
                        Libc.WriteAll(statusFd, "ramdisk\n"u8);
                    }

                    return (int)result.Code;
                }
                catch (Exception e)
                {
                    return (int)Report(e, options, stderr);
                }
                finally
                {
                    if (captured is not null)
                    {
                        Libc.WriteAll(statusFd, Encoding.ASCII.GetBytes(CapturedOutput.ToStatusLine(captured.ToString()) + "\n"));
                    }
                }
            },
            options.Deadline,
            preparation);
        if (outcome.Signal != 0 && terminalMode is not null)
        {
            RawTerminal.RestoreMode(0, MenuOutput(), terminalMode);
        }

        if (outcome.DeadlinePassed)
        {
            stderr.WriteLine($"pygrub: error: {options.Image}: not done after {options.Deadline.TotalSeconds:0} s; the worker was killed and no output was kept");
            stderr.WriteLine("hint: the backing device may be blocked or very slow; --deadline=SECONDS changes the limit");
            return new RunResult(ExitCode.DeadlineExceeded, false);
        }

        if (outcome.Signal != 0)
        {
            stderr.WriteLine($"pygrub: error: {options.Image}: the worker was killed by signal {outcome.Signal}; no output was kept");
            return new RunResult((ExitCode)(128 + outcome.Signal), false);
        }

        bool ramdiskUsed = outcome.Status.Split('\n').Contains("ramdisk");
        if (parentWrites && outcome.ExitCode == (int)ExitCode.Success && BootReport.FromStatus(outcome.Status) is BootReport report)
        {
            if (report.RamdiskWritten != ramdiskUsed || (report.KernelWritten && outputs.KernelPath is null))
            {
                throw new ShimException("the worker's result report does not match the files it wrote", "this is a bug or a compromised worker; nothing was written");
            }

            BootRun.WriteRaw(stdout, outputs.OutputFd, BootOutput.Encode(report.Format(options.Format, outputs.KernelPath, outputs.RamdiskPath)));
        }
        else if (stdoutHandedOver && outcome.ExitCode != (int)ExitCode.Success && CapturedOutput.FromStatus(outcome.Status) is { Length: > 0 } text)
        {
            BootRun.WriteRaw(stdout, -1, Encoding.UTF8.GetBytes(text));
        }

        return new RunResult((ExitCode)outcome.ExitCode, ramdiskUsed);
    }

    /// <summary>pygrub's <c>os.makedirs(output_directory, 0o700)</c> for the default directory.</summary>
    internal static void EnsureDefaultOutputDirectory(string directory)
    {
        string trimmed = directory.TrimEnd('/');
        if (Directory.Exists(trimmed))
        {
            return;
        }

        string? parent = Path.GetDirectoryName(trimmed);
        if (parent is not null && !Directory.Exists(parent))
        {
            Directory.CreateDirectory(parent);
        }

        if (Libc.Mkdir(trimmed, Convert.ToInt32("700", 8)) != 0 && Libc.Errno != Libc.EEXIST)
        {
            throw new ShimException($"cannot create the output directory {trimmed}: {Libc.Describe(Libc.Errno)}", "create it (mode 0700) or pass --output-directory");
        }
    }

    /// <summary>The per-file output cap: PYGRUB_MAX_FILE_SIZE_MB as pygrub reads it, else the library's default.</summary>
    private static long FileSizeCap()
    {
        string? megabytes = Environment.GetEnvironmentVariable("PYGRUB_MAX_FILE_SIZE_MB");
        if (megabytes is not null && long.TryParse(megabytes, NumberStyles.None, CultureInfo.InvariantCulture, out long mb) && mb is > 0 and < (1L << 40))
        {
            return mb << 20;
        }

        return Core.FileSystems.FileSystemBudgets.Default.MaxFileBytes;
    }

    /// <summary>Prints one error line and a hint; the stack only with <c>--debug</c>.</summary>
    internal static ExitCode Report(Exception error, PygrubOptions options, TextWriter stderr)
    {
        (string message, string hint, ExitCode code) = error switch
        {
            CorruptImageException e => (
                $"{e.SourceName}: {e.Structure}.{e.Field} at byte {e.Offset}: {e.Problem}",
                e.Kind == ImageProblem.LimitExceeded
                    ? "the image asks for more than PvBoot's limits allow; a real boot loader would not need this"
                    : "the guest's boot file system is damaged or crafted; repair it from inside the guest or boot with --kernel",
                ExitCode.Failure),
            ConfigSyntaxException e => (
                $"{e.Location}: {e.Problem}",
                "fix the boot configuration inside the guest, or boot a kernel directly with --kernel/--ramdisk/--args",
                ExitCode.Failure),
            GuestBootException e => (e.Message, e.Hint, ExitCode.Failure),
            ShimException e => (e.Message, e.Hint, e.Code),
            UnrepresentableOutputException e => (e.Message, "the guest's values contain the format's separator; use --output-format=sxp", ExitCode.Failure),
            OutOfMemoryException => (
                $"{options.Image}: out of memory: the guest's boot data needs more than the worker's {Deprivileger.HeapLimit >> 20} MiB heap",
                "the image is crafted or damaged; boot with --kernel/--ramdisk instead",
                ExitCode.Failure),
            SandboxException e => ($"cannot deprivilege: {e.Message}", "run as root, or pass --no-depriv to parse without the sandbox", ExitCode.SandboxFailure),
            IOException e => (
                $"cannot write the output: {e.Message}",
                "the output directory's file system is full or the file-size limit (ulimit -f, PYGRUB_MAX_FILE_SIZE_MB) is too low",
                ExitCode.Failure),
            _ => ($"internal error: {error.GetType().Name}: {error.Message}", "this is a bug in PvBoot; --debug prints the stack", ExitCode.InternalError),
        };
        stderr.WriteLine("pygrub: error: " + MenuText.Sanitize(message));
        stderr.WriteLine("hint: " + MenuText.Sanitize(hint));
        if (options.Debug)
        {
            stderr.WriteLine(error.ToString());
        }

        stderr.Flush();
        return code;
    }
}

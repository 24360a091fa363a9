using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using PvBoot.Core.Boot;
using PvBoot.Shim.Boot;
using PvBoot.Shim.CommandLine;
using PvBoot.Shim.Menu;
using PvBoot.Shim.Output;

namespace PvBoot.Shim;

/// <summary>Where a run writes: the already-open descriptors and the host paths they stand for.</summary>
/// <param name="KernelFd">The kernel file, or -1 (with <c>-n</c>, <c>-l</c>, <c>--isconfig</c>).</param>
/// <param name="KernelPath">The kernel file's host path.</param>
/// <param name="RamdiskFd">The ramdisk file, or -1.</param>
/// <param name="RamdiskPath">The ramdisk file's host path.</param>
/// <param name="OutputFd">The result's descriptor (<c>--output</c>), or -1 for standard output.</param>
internal sealed record RunOutputs(int KernelFd, string? KernelPath, int RamdiskFd, string? RamdiskPath, int OutputFd);

/// <summary>The outcome of <see cref="BootRun.Execute"/>.</summary>
/// <param name="Code">The exit code.</param>
/// <param name="RamdiskUsed">Whether the ramdisk file holds a ramdisk (else the parent removes it).</param>
internal readonly record struct RunResult(ExitCode Code, bool RamdiskUsed);

/// <summary>
/// One pygrub run on an opened guest: list, pick (menu, <c>--entry</c>, <c>--kernel</c> or the default), copy and
/// report, with pygrub's texts on standard output.
/// </summary>
internal sealed class BootRun(PygrubOptions options, TextWriter stdout, TextWriter stderr, ILogger logger)
{
    /// <summary>pygrub's names of its parser classes, for its <c>Using … to parse …</c> line.</summary>
    private static readonly Dictionary<string, string> PygrubParserClasses = new(StringComparer.Ordinal)
    {
        ["grub2"] = "<class 'grub.GrubConf.Grub2ConfigFile'>",
        ["grub-legacy"] = "<class 'grub.GrubConf.GrubConfigFile'>",
        ["syslinux"] = "<class 'grub.ExtLinuxConf.ExtLinuxConfigFile'>",
    };

    /// <summary>Runs the menu (or null for non-interactive runs and tests).</summary>
    public Func<BootSelection, MenuResult>? Menu { get; init; }

    /// <summary>
    /// When set, a result in pygrub's formats is handed to it instead of written to <see cref="RunOutputs.OutputFd"/>
    /// (the sandboxed worker hands it to the parent, which writes it; JSON is always written here).
    /// </summary>
    public Action<BootReport>? HandOver { get; init; }

    /// <summary>Does the run on <paramref name="session"/>.</summary>
    public RunResult Execute(IBootSession session, RunOutputs outputs)
    {
        BootSelection selection = session.Selection;
        if (!options.IsConfig && PygrubParserClasses.TryGetValue(selection.ConfigFormat, out string? parserClass))
        {
            stderr.WriteLine($"Using {parserClass} to parse {selection.ConfigPath}");
        }

        foreach (string warning in selection.Warnings)
        {
            logger.LogWarning("{Warning}", warning);
        }

        if (options.Explain)
        {
            foreach (string line in session.Explanation)
            {
                stderr.WriteLine("explain: " + line);
            }
        }

        if (options.ListEntries)
        {
            if (options.Format == OutputFormat.Json)
            {
                WriteRaw(outputs.OutputFd, Encoding.UTF8.GetBytes(Json(session, null, null, null, null) + "\n"));
            }
            else
            {
                foreach (BootEntry entry in selection.Menu)
                {
                    stdout.Write(ListingOf(entry));
                }

                stdout.Flush();
            }

            return new RunResult(ExitCode.Success, false);
        }

        BootEntry? chosen = Choose(session);
        if (chosen is null)
        {
            stdout.WriteLine("No kernel image selected!");
            stdout.Flush();
            return new RunResult(ExitCode.Failure, false);
        }

        if (options.Explain)
        {
            stderr.WriteLine($"explain: booting '{MenuText.Sanitize(chosen.Title)}' ({chosen.Kernel})");
        }

        string arguments = options.Kernel is not null
            ? options.Args
            : chosen.Arguments + (options.Args.Length > 0 ? " " + options.Args : string.Empty);
        BootFile kernel = chosen.Kernel ?? throw new ShimException(
            $"the entry '{MenuText.Sanitize(chosen.Title)}' loads no kernel", chosen.NotBootableReason ?? "choose another entry with --entry");
        bool hasRamdisk = session.HasInitrd(chosen);

        if (options.IsConfig)
        {
            var text = new StringBuilder();
            text.Append("  kernel: ").Append(kernel.Path).Append('\n');
            if (hasRamdisk)
            {
                text.Append("  initrd: ").Append(chosen.Initrds[0].Path).Append('\n');
            }

            text.Append("  args: ").Append(arguments).Append('\n');
            stdout.Write(text.ToString());
            stdout.Flush();
            return new RunResult(ExitCode.Success, false);
        }

        string? kernelOut;
        string? ramdiskOut = null;
        if (options.NotReally)
        {
            // pygrub -n checks the files exist, then reports no paths (it prints the kernel as None).
            if (!session.FileExists(kernel))
            {
                stderr.WriteLine("The requested kernel file does not exist");
                return new RunResult(ExitCode.Failure, false);
            }

            if (hasRamdisk && !chosen.Initrds.All(session.FileExists))
            {
                stderr.WriteLine("The requested ramdisk file does not exist");
                return new RunResult(ExitCode.Failure, false);
            }

            kernelOut = null;
        }
        else
        {
            using (var kernelStream = new FdWriteStream(outputs.KernelFd, reserveAhead: true))
            {
                session.CopyKernel(chosen, kernelStream);
            }

            kernelOut = outputs.KernelPath;
            if (hasRamdisk)
            {
                using var ramdiskStream = new FdWriteStream(outputs.RamdiskFd, reserveAhead: true);
                session.CopyInitrd(chosen, ramdiskStream);
                ramdiskOut = outputs.RamdiskPath;
            }
        }

        string? argsOut = arguments.Length > 0 ? arguments : null;
        var report = new BootReport(kernelOut is not null, ramdiskOut is not null, argsOut);
        bool json = options.Format == OutputFormat.Json;
        string result = json
            ? Json(session, chosen, kernelOut, ramdiskOut, argsOut)
            : report.Format(options.Format, outputs.KernelPath, outputs.RamdiskPath);
        // Encoded even when handed over, so that a result no format can carry fails here, in the run that made it.
        byte[] bytes = BootOutput.Encode(result);
        stdout.Flush();
        if (HandOver is not null && !json)
        {
            HandOver(report);
        }
        else
        {
            WriteRaw(outputs.OutputFd, bytes);
        }

        return new RunResult(ExitCode.Success, ramdiskOut is not null);
    }

    /// <summary>pygrub's <c>-l</c> block for one entry; <c>root:</c> comes from the entry's own root line, as in pygrub.</summary>
    internal static string ListingOf(BootEntry entry)
    {
        string root = PygrubRoot(RootLineOf(entry));
        var text = new StringBuilder();
        text.Append("title: ").Append(entry.Title).Append('\n');
        text.Append("  root: ").Append(root).Append('\n');
        text.Append("  kernel: ").Append(entry.Kernel?.Path ?? "None").Append('\n');
        text.Append("  args: ").Append(entry.Arguments.Length > 0 ? entry.Arguments : "None").Append('\n');
        if (entry.Initrds.Count > 0)
        {
            text.Append("  initrd: ").Append(entry.Initrds[0].Path).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>The device of the entry's <c>set root=…</c> (GRUB 2) or <c>root …</c> (GRUB legacy) line, or <see langword="null"/>.</summary>
    internal static string? RootLineOf(BootEntry entry)
    {
        string? root = null;
        foreach (string raw in entry.Lines)
        {
            string line = raw.Trim();
            if (line.StartsWith("set root=", StringComparison.Ordinal))
            {
                root = line["set root=".Length..].Trim('\'', '"');
            }
            else if (line.StartsWith("root ", StringComparison.Ordinal) || line.StartsWith("rootnoverify ", StringComparison.Ordinal))
            {
                root = line[(line.IndexOf(' ', StringComparison.Ordinal) + 1)..].Trim().Trim('(', ')');
            }
        }

        return root;
    }

    /// <summary>pygrub's <c>d0p1</c> spelling of a GRUB device such as <c>hd0,msdos1</c>; <c>None</c> when it has none.</summary>
    internal static string PygrubRoot(string? device)
    {
        if (string.IsNullOrEmpty(device) || !device.StartsWith("hd", StringComparison.Ordinal))
        {
            return "None";
        }

        string[] parts = device[2..].Split(',', 2);
        if (!int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out int disk))
        {
            return "None";
        }

        if (parts.Length == 1)
        {
            return "d" + disk.ToString(CultureInfo.InvariantCulture);
        }

        string part = parts[1];
        part = part.StartsWith("msdos", StringComparison.Ordinal) ? part[5..] : part.StartsWith("gpt", StringComparison.Ordinal) ? part[3..] : part;
        return int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out int number)
            ? $"d{disk}p{number}"
            : "None";
    }

    private BootEntry? Choose(IBootSession session)
    {
        if (options.Kernel is not null)
        {
            return session.CreateEntry(options.Kernel, options.Ramdisk, options.Args);
        }

        BootSelection selection = session.Selection;
        BootEntry? chosen = selection.Chosen;
        if (options.Interactive && Menu is not null)
        {
            MenuResult picked = Menu(selection);
            chosen = picked.Lines is null ? picked.Entry : EntryFromLines(session, picked.Lines, picked.Entry);
        }

        if (options.Entry is not null)
        {
            BootEntry? named = session.FindEntry(options.Entry);
            if (named is null)
            {
                logger.LogWarning("--entry={Entry} names no entry; booting the default", options.Entry);
            }
            else
            {
                chosen = named;
            }
        }

        return chosen;
    }

    /// <summary>Turns edited entry lines (or command-line mode lines) into an entry, as pygrub re-reads them.</summary>
    internal static BootEntry? EntryFromLines(IBootSession session, IReadOnlyList<string> lines, BootEntry? original)
    {
        string? kernel = null;
        string? ramdisk = null;
        string arguments = string.Empty;
        foreach (string raw in lines)
        {
            string line = raw.Trim();
            string[] words = line.Split([' ', '\t'], 2, StringSplitOptions.RemoveEmptyEntries);
            if (words.Length == 0)
            {
                continue;
            }

            string rest = words.Length > 1 ? words[1].Trim() : string.Empty;
            string[] pathAndArgs = rest.Split([' ', '\t'], 2, StringSplitOptions.RemoveEmptyEntries);
            switch (words[0])
            {
                case "linux" or "linux16" or "linuxefi" or "kernel":
                    if (pathAndArgs.Length > 0)
                    {
                        kernel = WithoutDevice(pathAndArgs[0]);
                        arguments = pathAndArgs.Length > 1 ? pathAndArgs[1] : string.Empty;
                    }

                    break;
                case "initrd" or "initrd16" or "initrdefi":
                    if (pathAndArgs.Length > 0)
                    {
                        ramdisk = WithoutDevice(pathAndArgs[0]);
                    }

                    break;
                default:
                    break;
            }
        }

        return kernel is null ? original : session.CreateEntry(kernel, ramdisk, arguments);
    }

    private static string WithoutDevice(string path)
    {
        if (path.StartsWith('('))
        {
            int close = path.IndexOf(')', StringComparison.Ordinal);
            return close < 0 ? path : path[(close + 1)..];
        }

        return path;
    }

    /// <summary>Writes the result: to the <c>--output</c> descriptor, or (fd -1) to standard output as bytes.</summary>
    private void WriteRaw(int fd, byte[] bytes) => WriteRaw(stdout, fd, bytes);

    /// <summary>
    /// Writes result bytes to <paramref name="fd"/>, or (fd -1) to standard output: straight to descriptor 1 for the
    /// console, else through <paramref name="stdout"/> (tests).
    /// </summary>
    internal static void WriteRaw(TextWriter stdout, int fd, byte[] bytes)
    {
        stdout.Flush();
        if (fd >= 0)
        {
            Native.Libc.WriteAll(fd, bytes);
        }
        else if (ReferenceEquals(stdout, Console.Out))
        {
            Native.Libc.WriteAll(1, bytes);
        }
        else
        {
            stdout.Write(Encoding.UTF8.GetString(bytes));
            stdout.Flush();
        }
    }

    private static string Json(IBootSession session, BootEntry? chosen, string? kernel, string? ramdisk, string? args)
    {
        BootSelection selection = session.Selection;
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("configFormat", selection.ConfigFormat);
            json.WriteString("configPath", selection.ConfigPath);
            json.WriteString("bootDevice", session.BootDevice);
            if (selection.TimeoutSeconds is double timeout)
            {
                json.WriteNumber("timeoutSeconds", timeout);
            }
            else
            {
                json.WriteNull("timeoutSeconds");
            }

            json.WriteNumber("default", selection.Chosen is null ? -1 : IndexOf(selection, selection.Chosen));
            json.WriteStartArray("entries");
            foreach (BootEntry entry in selection.Menu)
            {
                WriteEntry(json, entry);
            }

            json.WriteEndArray();
            if (chosen is not null)
            {
                json.WritePropertyName("chosen");
                WriteEntry(json, chosen);
                json.WriteStartObject("output");
                json.WriteString("kernel", kernel);
                json.WriteString("ramdisk", ramdisk);
                json.WriteString("args", args);
                json.WriteEndObject();
            }

            json.WriteStartArray("warnings");
            foreach (string warning in selection.Warnings)
            {
                json.WriteStringValue(warning);
            }

            json.WriteEndArray();
            json.WriteStartArray("explanation");
            foreach (string line in session.Explanation)
            {
                json.WriteStringValue(line);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static int IndexOf(BootSelection selection, BootEntry entry)
    {
        for (int i = 0; i < selection.Menu.Count; i++)
        {
            if (ReferenceEquals(selection.Menu[i], entry))
            {
                return i;
            }
        }

        return -1;
    }

    private static void WriteEntry(Utf8JsonWriter json, BootEntry entry)
    {
        json.WriteStartObject();
        json.WriteString("title", entry.Title);
        json.WriteString("id", entry.Id);
        json.WriteStartArray("submenuPath");
        foreach (string submenu in entry.SubmenuPath)
        {
            json.WriteStringValue(submenu);
        }

        json.WriteEndArray();
        json.WriteNumber("index", entry.Index);
        json.WriteNumber("flatIndex", entry.FlatIndex);
        json.WriteString("kernel", entry.Kernel?.ToString());
        json.WriteStartArray("initrds");
        foreach (BootFile initrd in entry.Initrds)
        {
            json.WriteStringValue(initrd.ToString());
        }

        json.WriteEndArray();
        json.WriteString("args", entry.Arguments);
        json.WriteBoolean("bootable", entry.IsBootable);
        json.WriteString("notBootableReason", entry.NotBootableReason);
        json.WriteEndObject();
    }
}

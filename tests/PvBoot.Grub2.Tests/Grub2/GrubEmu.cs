using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace PvBoot.Grub2.Tests.Grub2;

/// <summary>
/// What GRUB itself (grub-emu) did when it auto-booted: the entries it tried in order (the default, then each
/// <c>fallback</c>), and what the entry that would boot loaded. <see cref="Title"/> is empty when no entry loaded a
/// kernel (GRUB reports "Failed to boot both default and fallback entries").
/// </summary>
internal sealed record GrubEmuBoot(
    string Title,
    string Kernel,
    IReadOnlyList<string> Arguments,
    IReadOnlyList<string> Initrds,
    IReadOnlyList<string> MissingInitrds,
    IReadOnlyList<string> Attempts,
    bool Crashed,
    string Output);

/// <summary>
/// Runs a configuration in <c>grub-emu</c> (GRUB built as a Linux program, which has no Linux loader) with
/// <c>linux</c> and <c>initrd</c> redefined as script functions that stand in for the loader:
/// <list type="bullet">
/// <item><c>linux FILE ARGS…</c> checks with GRUB's own <c>test -f</c> whether FILE (device prefix removed) exists in
/// the guest tree; if so it prints the file and every argument and marks the kernel loaded, otherwise it prints the
/// file as missing and loads nothing, as the real command fails with "file not found".</item>
/// <item><c>initrd FILES…</c> prints its files if all exist (one missing file fails the whole command, as
/// <c>grub_initrd_init</c> does, and is printed as missing) and, when a kernel was loaded, halts the emulator: the entry
/// boots, since a failed <c>initrd</c> leaves the kernel's loader in place (<c>loader/i386/xen.c</c>, <c>linux.c</c>).</item>
/// </list>
/// An entry that returns without booting is what GRUB's <c>normal/menu.c</c> treats as a failed boot: it prints
/// "Falling back to `T'", waits 2.5 s and runs the next <c>fallback</c> entry, or prints "Failed to boot both default
/// and fallback entries." and returns to the menu. The fallback walk is therefore GRUB's own. An entry that loaded a
/// kernel but has no <c>initrd</c> line also returns (nothing here can start a kernel): it is the entry GRUB boots,
/// since the real <c>linux</c> command leaves a loader that <c>normal/menu.c</c> starts once the entry's commands end.
/// The run stops as soon as the outcome is known (halt, the next fallback line after a loaded kernel, or the failure
/// line), so no menu is ever waited on; where an entry printed an error, GRUB waits for a key ("Press any key to
/// continue...", up to 10 s) and the harness sends one on the emulator's console input. The emulator's <c>$prefix</c>
/// is the directory holding the configuration, so a <c>grubenv</c> placed there is what <c>load_env</c> reads.
/// </summary>
internal static partial class GrubEmu
{
    public const string Program = "/usr/bin/grub-emu";

    private const string FailureLine = "Failed to boot both default and fallback entries.";

    private const string KeyPrompt = "Press any key to continue...";

    private const int TimeoutMilliseconds = 30_000;

    /// <summary>
    /// Boots <paramref name="config"/> (with <paramref name="epilogue"/> appended) against the guest tree <paramref name="guestRoot"/>;
    /// <paramref name="prelude"/>, when given, replaces the stand-in <c>linux</c>/<c>initrd</c> functions.
    /// </summary>
    public static GrubEmuBoot Boot(string config, string epilogue, string? grubenv, string guestRoot, string? prelude = null) =>
        BootAll([(config, epilogue, grubenv)], guestRoot, prelude)[0];

    /// <summary>Runs several configurations at once (fallback runs mostly sleep in GRUB's 2.5 s error delay).</summary>
    public static IReadOnlyList<GrubEmuBoot> BootAll(IReadOnlyList<(string Config, string Epilogue, string? Grubenv)> runs, string guestRoot, string? prelude = null)
    {
        // Dedicated threads: each run blocks on the emulator's output, which would starve the thread pool.
        var tasks = runs.Select(r => Task.Factory.StartNew(() => Run(r.Config, r.Epilogue, r.Grubenv, guestRoot, prelude), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();
        Task.WaitAll(tasks);
        return [.. tasks.Select(t => t.Result)];
    }

    private static string Prelude(string guestRoot)
    {
        if (guestRoot.IndexOfAny(['"', '$', '\\', '\'', '\n']) >= 0)
        {
            throw new ArgumentException("the guest directory must be a plain path", nameof(guestRoot));
        }

        return $$"""
            function linux {
              regexp --set=2:pvb_file '^(\([^)]*\))?(.*)$' "$1"
              if [ -f "(host){{guestRoot}}$pvb_file" ]; then
                set pvb_kernel=1
                echo "PVB-KERNEL [$1]"; shift; while [ "$#" != 0 ]; do echo "PVB-ARG [$1]"; shift; done; echo PVB-KEND
              else
                echo "PVB-NOKERNEL [$1]"
              fi
            }
            function linux16 { linux "$@"; }
            function initrd {
              set pvb_initrds=1
              for pvb_each in "$@"; do
                regexp --set=2:pvb_file '^(\([^)]*\))?(.*)$' "$pvb_each"
                if [ ! -f "(host){{guestRoot}}$pvb_file" ]; then set pvb_initrds=0; echo "PVB-NOINITRD [$pvb_each]"; fi
              done
              if [ "$pvb_initrds" = 1 ]; then
                while [ "$#" != 0 ]; do echo "PVB-INITRD [$1]"; shift; done
              fi
              echo PVB-IEND
              if [ "$pvb_kernel" = 1 ]; then halt; fi
            }
            function initrd16 { initrd "$@"; }

            """;
    }

    private static GrubEmuBoot Run(string config, string epilogue, string? grubenv, string guestRoot, string? prelude)
    {
        string dir = HostDirectoryFileSystem.NewDirectory("emu");
        File.WriteAllBytes(Path.Combine(dir, "grub.cfg"), Encoding.Latin1.GetBytes((prelude ?? Prelude(guestRoot)) + config + "\n" + epilogue + "\nset timeout=0\n"));
        if (grubenv is not null)
        {
            File.WriteAllBytes(Path.Combine(dir, "grubenv"), Encoding.Latin1.GetBytes(grubenv));
        }

        var start = new ProcessStartInfo(Program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = dir,
        };
        foreach (string argument in (string[])["-d", dir, "-r", "host"])
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        var raw = new MemoryStream();
        Stream stdout = process.StandardOutput.BaseStream;
        byte[] buffer = new byte[16384];
        var clock = Stopwatch.StartNew();
        bool killed = false;
        int answered = 0;
        while (true)
        {
            Task<int> read = stdout.ReadAsync(buffer).AsTask();
            int remaining = TimeoutMilliseconds - (int)clock.ElapsedMilliseconds;
            if (remaining <= 0 || !read.Wait(remaining))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"grub-emu did not finish within {TimeoutMilliseconds / 1000} s:\n{Clean(raw.ToArray())}");
            }

            if (read.Result == 0)
            {
                break;
            }

            raw.Write(buffer, 0, read.Result);
            string text = Clean(raw.ToArray());
            if (Parse(text, crashed: false).Decided)
            {
                process.Kill(entireProcessTree: true);
                killed = true;
                break;
            }

            // An entry that printed an error makes GRUB wait up to 10 s for a key before it goes on: press one.
            int prompts = CountOf(text, KeyPrompt);
            for (; answered < prompts; answered++)
            {
                try
                {
                    process.StandardInput.Write(' ');
                    process.StandardInput.Flush();
                }
                catch (IOException)
                {
                    // The emulator ended meanwhile; its output says how.
                }
            }
        }

        process.WaitForExit();
        _ = stderr.Result;

        // grub-emu 2.06 dereferences a null entry (SIGSEGV) when a fallback number is past the end of the menu.
        bool crashed = !killed && process.ExitCode is 128 + 11 or -11;
        return Parse(Clean(raw.ToArray()), crashed).Boot;
    }

    private static int CountOf(string text, string value)
    {
        int count = 0;
        for (int at = text.IndexOf(value, StringComparison.Ordinal); at >= 0; at = text.IndexOf(value, at + value.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    private static string Clean(byte[] output) =>
        AnsiEscape().Replace(Encoding.Latin1.GetString(output), string.Empty).Replace("\r", "\n", StringComparison.Ordinal);

    /// <summary>Reads the attempts from the output; <c>Decided</c> once nothing GRUB prints later can change the result.</summary>
    private static (GrubEmuBoot Boot, bool Decided) Parse(string output, bool crashed)
    {
        var attempts = new List<string>();
        string title = string.Empty, current = string.Empty, kernel = string.Empty;
        var arguments = new List<string>();
        var initrds = new List<string>();
        var missingInitrds = new List<string>();
        bool booted = false, decided = false;
        foreach (string line in output.Split('\n'))
        {
            Match marker = AttemptLine().Match(line);
            if (marker.Success)
            {
                if (booted)
                {
                    decided = true;
                    break;
                }

                // Choosing a submenu prints "Booting `submenu'" before the line of the entry inside it.
                current = marker.Groups[2].Value;
                attempts.Add(current);
                continue;
            }

            if (line.Contains(FailureLine, StringComparison.Ordinal))
            {
                decided = true;
                break;
            }

            if (Value(line, "PVB-KERNEL") is { } k)
            {
                booted = true;
                title = current;
                kernel = k;
                arguments.Clear();
                initrds.Clear();
                missingInitrds.Clear();
            }
            else if (booted && Value(line, "PVB-ARG") is { } a)
            {
                arguments.Add(a);
            }
            else if (booted && Value(line, "PVB-INITRD") is { } i)
            {
                initrds.Add(i);
            }
            else if (booted && Value(line, "PVB-NOINITRD") is { } missing)
            {
                missingInitrds.Add(missing);
            }
        }

        return (new GrubEmuBoot(title, kernel, arguments, initrds, missingInitrds, attempts, crashed, output), decided);
    }

    private static string? Value(string line, string tag) =>
        line.StartsWith(tag + " [", StringComparison.Ordinal) && line.EndsWith(']') ? line[(tag.Length + 2)..^1] : null;

    [GeneratedRegex(@"\x1b\[[0-9;?]*[A-Za-z]")]
    private static partial Regex AnsiEscape();

    [GeneratedRegex(@"^\s*(Booting|Falling back to) `(.*)'\s*$")]
    private static partial Regex AttemptLine();
}

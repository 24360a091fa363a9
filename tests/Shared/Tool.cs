using System.Diagnostics;

namespace PvBoot.Testing;

/// <summary>The result of running an external tool.</summary>
internal sealed record ToolResult(int ExitCode, byte[] Stdout, string Stderr);

/// <summary>Runs the real tools the tests compare against (debugfs, grub-fstest, xfs_db, pygrub, …).</summary>
internal static class Tool
{
    /// <summary>Whether a program is on PATH (including /sbin and /usr/sbin).</summary>
    public static bool Exists(string program) => Locate(program) is not null;

    /// <summary>Runs <paramref name="program"/> and captures its output; fails the test after <paramref name="timeoutSeconds"/>.</summary>
    public static ToolResult Run(string program, IEnumerable<string> arguments, int timeoutSeconds = 120, string? workingDirectory = null, IDictionary<string, string>? environment = null)
    {
        string path = Locate(program) ?? throw new InvalidOperationException($"{program} is not installed (eng/test.sh installs it)");
        var start = new ProcessStartInfo(path)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Fixtures.WorkDirectory,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        if (environment is not null)
        {
            foreach (var (key, value) in environment)
            {
                start.Environment[key] = value;
            }
        }

        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = new MemoryStream();
        Task copy = process.StandardOutput.BaseStream.CopyToAsync(stdout);
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeoutSeconds * 1000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} did not finish within {timeoutSeconds} s");
        }

        copy.Wait();
        return new ToolResult(process.ExitCode, stdout.ToArray(), stderr.Result);
    }

    private static string? Locate(string program)
    {
        if (program.Contains('/'))
        {
            return File.Exists(program) ? program : null;
        }

        string path = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty) + ":/usr/sbin:/sbin:/usr/bin:/bin";
        return path.Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, program))
            .FirstOrDefault(File.Exists);
    }
}

using System.Text;
using PvBoot.Testing;

namespace PvBoot.Grub2.Tests.Grub2;

/// <summary>Runs GRUB's own parser, <c>grub-script-check</c>, on script text.</summary>
internal static class GrubScriptCheck
{
    public const string Program = "/usr/bin/grub-script-check";

    /// <summary>Whether grub-script-check accepts the file (exit 0).</summary>
    public static bool AcceptsFile(string path)
    {
        ToolResult result = Tool.Run(Program, [path], timeoutSeconds: 30);
        Assert.That(result.ExitCode, Is.AnyOf(0, 1), $"grub-script-check crashed: {result.Stderr}");
        return result.ExitCode == 0;
    }

    /// <summary>Whether grub-script-check accepts each script (written to temp files, checked by one shell loop).</summary>
    public static bool[] Accepts(IReadOnlyList<string> scripts)
    {
        string dir = Path.Combine(Fixtures.WorkDirectory, "gsc-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        for (int i = 0; i < scripts.Count; i++)
        {
            File.WriteAllBytes(Path.Combine(dir, $"{i}.cfg"), Encoding.Latin1.GetBytes(scripts[i]));
        }

        string loop = $"for i in $(seq 0 {scripts.Count - 1}); do {Program} \"$i.cfg\" >/dev/null 2>&1; echo $?; done";
        ToolResult result = Tool.Run("/bin/sh", ["-c", loop], timeoutSeconds: 120, workingDirectory: dir);
        string[] codes = Encoding.ASCII.GetString(result.Stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(codes, Has.Length.EqualTo(scripts.Count));
        Assert.That(codes, Is.All.AnyOf("0", "1"), "grub-script-check crashed");
        Directory.Delete(dir, recursive: true);
        return [.. codes.Select(c => c == "0")];
    }
}

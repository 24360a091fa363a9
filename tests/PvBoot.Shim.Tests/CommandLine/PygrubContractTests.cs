using System.Text;
using PvBoot.Testing;

namespace PvBoot.Shim.Tests.CommandLine;

/// <summary>
/// Runs the real pygrub 4.17 and PvBoot's pygrub on the same argv and asserts the same exit code, standard output and
/// (where pygrub's is not a Python traceback) standard error, with each program's own path replaced by PROG.
/// TMP in a row stands for a fresh existing directory, NOPE for one that does not exist.
/// </summary>
[TestFixture]
[Parallelizable(ParallelScope.All)]
public sealed class PygrubContractTests
{
    /// <summary>Rows: argv, whether standard error must match too (false where pygrub prints a traceback), POSIXLY_CORRECT.</summary>
    private static readonly object[] Rows =
    [
        new object[] { "", true, false },
        new object[] { "-h", true, false },
        new object[] { "-h x", true, false },
        new object[] { "-hx img", true, false },
        new object[] { "-h -- img", true, false },
        new object[] { "--help", true, false },
        new object[] { "--help img", true, false },
        new object[] { "--he img", true, false },
        new object[] { "--h img", true, false },
        new object[] { "--help=x img", true, false },
        new object[] { "-x img", true, false },
        new object[] { "-qz img", true, false },
        new object[] { "-: img", true, false },
        new object[] { "--bogus img", true, false },
        new object[] { "--o=x img", true, false },
        new object[] { "--out=x img", true, false },
        new object[] { "--i img", true, false },
        new object[] { "--r=1 img", true, false },
        new object[] { "--=x img", true, false },
        new object[] { "--xen img", true, false },
        new object[] { "--xen-dom0 img", true, false },
        new object[] { "--kernel", true, false },
        new object[] { "--kernel=/k", true, false },
        new object[] { "--args", true, false },
        new object[] { "--quiet=1 img", true, false },
        new object[] { "--isconfig=yes img", true, false },
        new object[] { "--output-f=bad img", true, false },
        new object[] { "--output-format bad img", true, false },
        new object[] { "img --output-format=xml", true, false },
        new object[] { "-q img extra --output-format=xml", true, false },
        new object[] { "- --output-format=bad", true, false },
        new object[] { "--output-format=simple --output-format=sxp0 img", true, false },
        new object[] { "--e=0 --output-format=bad img", true, false },
        new object[] { "--entry x --output-format=bad img", true, false },
        new object[] { "--d --output-format=bad img", true, false },
        new object[] { "--no --output-format=bad img", true, false },
        new object[] { "--is --output-format=bad img", true, false },
        new object[] { "--l --n --q --output-format=bad img", true, false },
        new object[] { "--runas=abc img", true, false },
        new object[] { "--runas 12x img", true, false },
        new object[] { "--runas=1000 img", true, false },
        new object[] { "--runas=1000 --output-directory=NOPE img", true, false },
        new object[] { "--runas=0 --output-format=bad img", true, false },
        new object[] { "--offset=x img", true, false },
        new object[] { "--offset=1__0 img", true, false },
        new object[] { "--offset=1_0 --output-format=bad img", true, false },
        new object[] { "--offset= +12 --output-format=bad img", true, false },
        new object[] { "--offset=0x10 img", true, false },
        new object[] { "--output-directory=NOPE img", true, false },
        new object[] { "--output-dir NOPE img", true, false },
        new object[] { "-l --output-directory=NOPE img", true, false },
        new object[] { "-q --output-directory=TMP /nonexistent/disk.img", false, false },
        new object[] { "--output-directory=TMP -- --kernel", false, false },
        new object[] { "--output-directory=TMP -q img --output-format=bad", false, true },
        new object[] { "--output-directory=TMP -q img --output-format=bad", true, false },
    ];

    [TestCaseSource(nameof(Rows))]
    public void SameAsPygrub(string argv, bool compareStderr, bool posixlyCorrect)
    {
        Result reference = RunBoth(ShimBinary.Reference, argv, posixlyCorrect, out string referenceDirectory);
        Result ours = RunBoth(ShimBinary.Path, argv, posixlyCorrect, out string ourDirectory);

        Assert.Multiple(() =>
        {
            Assert.That(ours.ExitCode, Is.EqualTo(reference.ExitCode), "exit code");
            Assert.That(ours.Stdout, Is.EqualTo(reference.Stdout), "standard output");
            if (compareStderr)
            {
                Assert.That(ours.Stderr, Is.EqualTo(reference.Stderr), "standard error");
            }

            // pygrub leaves empty boot_kernel.*/boot_ramdisk.* files behind on failures; PvBoot leaves nothing.
            Assert.That(Directory.GetFileSystemEntries(ourDirectory), Is.Empty, "files left in the output directory");
        });
        _ = referenceDirectory;
    }

    private sealed record Result(int ExitCode, string Stdout, string Stderr);

    private static Result RunBoth(string program, string argv, bool posixlyCorrect, out string directory)
    {
        string scratch = ShimBinary.NewDirectory("contract");
        directory = scratch;
        string missing = Path.Combine(directory, "missing");
        string[] args = argv.Length == 0
            ? []
            : argv.Split(' ').Select(a => a.Replace("TMP", scratch, StringComparison.Ordinal).Replace("NOPE", missing, StringComparison.Ordinal)).ToArray();
        var environment = new Dictionary<string, string>();
        if (posixlyCorrect)
        {
            environment["POSIXLY_CORRECT"] = "1";
        }

        ToolResult result = Tool.Run(program, args, timeoutSeconds: 60, environment: environment);
        string Normalise(string text) => text.Replace(program, "PROG", StringComparison.Ordinal).Replace(scratch, "TMP", StringComparison.Ordinal);
        return new Result(result.ExitCode, Normalise(Encoding.UTF8.GetString(result.Stdout)), Normalise(result.Stderr));
    }
}

using System.Text;
using FsCheck;
using FsCheck.Fluent;
using PvBoot.Shim.CommandLine;
using PvBoot.Shim.Output;

namespace PvBoot.Shim.Tests.Output;

/// <summary>The worker's result report: what it hands the parent on the status pipe, and the line the parent writes from it.</summary>
[TestFixture]
public sealed class BootReportTests
{
    [Test]
    public void EveryReportComesBackFromTheStatusAsItWasSent()
    {
        Gen<char> interesting = Gen.Elements('\'', '"', '\\', '\t', '\n', '\r', '\0', ' ', 'é', '\u00a0', '\u2028', '\ufeff');
        Gen<char> any = Gen.Choose(0, 0xFFFF).Select(i => (char)i);
        Gen<string> piece = Gen.Frequency(
            (3, interesting.Select(c => c.ToString())),
            (3, any.Select(c => c.ToString())),
            (1, Gen.Choose(0x10000, 0x10FFFF).Select(char.ConvertFromUtf32)));
        // Only valid Unicode reaches a report: the worker refuses anything else before it reports.
        Gen<string?> arguments = Gen.OneOf(
            Gen.Constant<string?>(null),
            piece.NonEmptyListOf().Select(parts => string.Concat(parts)).Where(IsValidUnicode).Select(s => (string?)s));
        Gen<BootReport> reports =
            from kernel in Gen.Elements(true, false)
            from ramdisk in Gen.Elements(true, false)
            from args in arguments
            select new BootReport(kernel, ramdisk, args);
        Prop.ForAll(reports.ToArbitrary(), report =>
        {
            string status = (report.RamdiskWritten ? "ramdisk\n" : string.Empty) + report.ToStatusLine() + "\nexit 0\n";
            return BootReport.FromStatus(status) == report && report.ToStatusLine().All(c => c is >= ' ' and <= '~');
        }).QuickCheckThrowOnFailure();
    }

    [TestCase("ramdisk\nexit 0\n")]
    [TestCase("exit 1\n")]
    [TestCase("")]
    public void NoReportLineIsNoReport(string status) => Assert.That(BootReport.FromStatus(status), Is.Null);

    [TestCase("result 11 -\nresult 11 -\n", TestName = "two reports")]
    [TestCase("result 21 -\n", TestName = "a flag that is not 0 or 1")]
    [TestCase("result 1 -\n", TestName = "one flag")]
    [TestCase("result 11-\n", TestName = "no blank after the flags")]
    [TestCase("result 11 \n", TestName = "no command line field")]
    [TestCase("result 11 ABC\n", TestName = "odd hex")]
    [TestCase("result 11 6162\u0020\n", TestName = "a trailing blank")]
    [TestCase("result 11 6a\n", TestName = "lower-case hex")]
    [TestCase("result 11 C3\n", TestName = "a truncated UTF-8 sequence")]
    [TestCase("result 11 EDA080\n", TestName = "an encoded surrogate")]
    [TestCase("result 11 -x\n", TestName = "text after the dash")]
    public void AMalformedReportIsRefused(string status) =>
        Assert.That(() => BootReport.FromStatus(status), Throws.TypeOf<ShimException>().With.Message.Contains("result report is malformed"));

    [Test]
    public void TheLineNamesOnlyThePathsItIsGiven()
    {
        var report = new BootReport(KernelWritten: true, RamdiskWritten: false, "root=/dev/xvda1 ro");
        Assert.Multiple(() =>
        {
            Assert.That(report.Format(OutputFormat.Simple0, "/run/k", "/run/r"), Is.EqualTo(BootOutput.FormatSimple("/run/k", null, "root=/dev/xvda1 ro", '\0')));
            Assert.That(report.Format(OutputFormat.Simple, "/run/k", "/run/r"), Is.EqualTo(BootOutput.FormatSimple("/run/k", null, "root=/dev/xvda1 ro", '\n')));
            Assert.That(report.Format(OutputFormat.Sxp, "/run/k", "/run/r"), Is.EqualTo("linux (kernel '/run/k')(args 'root=/dev/xvda1 ro')"));
            Assert.That(new BootReport(false, false, null).Format(OutputFormat.Sxp, "/run/k", "/run/r"), Is.EqualTo("linux (kernel None)"));
            Assert.That(() => new BootReport(true, true, "a\0b").Format(OutputFormat.Simple0, "/run/k", "/run/r"), Throws.TypeOf<UnrepresentableOutputException>());
        });
    }

    private static bool IsValidUnicode(string text)
    {
        try
        {
            _ = new UTF8Encoding(false, throwOnInvalidBytes: true).GetBytes(text);
            return true;
        }
        catch (EncoderFallbackException)
        {
            return false;
        }
    }
}

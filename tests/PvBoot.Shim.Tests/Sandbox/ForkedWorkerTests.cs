using System.Text;
using PvBoot.Shim.Sandbox;

namespace PvBoot.Shim.Tests.Sandbox;

/// <summary>The worker's last status line, which lets the parent finish while the worker is torn down.</summary>
[TestFixture]
public sealed class ForkedWorkerTests
{
    [TestCase("exit 0\n", 0)]
    [TestCase("ramdisk\nexit 0\n", 0)]
    [TestCase("exit 124\n", 124)]
    [TestCase("exit 255\n", 255)]
    public void ReportedExitIsTheLastLine(string status, int expected)
    {
        Assert.That(ForkedWorker.ReportedExit(new StringBuilder(status)), Is.EqualTo(expected));
    }

    [Test]
    public void ReportedExitFollowsALongResultReport()
    {
        var status = new StringBuilder("result 11 ").Append('A', 200_000).Append("\nramdisk\nexit 3\n");
        Assert.Multiple(() =>
        {
            Assert.That(ForkedWorker.ReportedExit(status), Is.EqualTo(3));
            Assert.That(ForkedWorker.ReportedExit(new StringBuilder().Append('A', 200_000).Append("exit 3\n")), Is.Null, "the last line is not a report");
            Assert.That(ForkedWorker.ReportedExit(new StringBuilder("ramdisk\n").Append("xxxxexit 3\n")), Is.Null, "a report line is at most 9 characters");
        });
    }

    [TestCase("")]
    [TestCase("\n")]
    [TestCase("\n\n")]
    [TestCase("exit 0")]
    [TestCase("exit 256\n")]
    [TestCase("exit -1\n")]
    [TestCase("exit 1234\n")]
    [TestCase("exit \n")]
    [TestCase("exit 0\nramdisk\n")]
    [TestCase("xexit 0\n")]
    [TestCase("exit 0x1\n")]
    public void AnythingElseIsNoReport(string status)
    {
        Assert.That(ForkedWorker.ReportedExit(new StringBuilder(status)), Is.Null);
    }
}

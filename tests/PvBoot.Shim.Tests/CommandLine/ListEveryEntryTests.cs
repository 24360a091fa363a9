using PvBoot.Shim.Boot;
using PvBoot.Shim.Tests.Image;

namespace PvBoot.Shim.Tests.CommandLine;

/// <summary>
/// Which runs evaluate every menu entry: those whose output shows entries other than the default (the menu, <c>-l</c>,
/// <c>--entry</c>, <c>--explain</c>, JSON). A quiet run of the default runs only the entry it boots, and boots the same.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class ListEveryEntryTests
{
    private static (ExitCode Code, string Stdout, string Stderr, bool ListEveryEntry) Run(string options)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        bool? listEveryEntry = null;
        string directory = ShimBinary.NewDirectory("list-every-entry");
        string[] args = [.. options.Split(' '), "--output-directory=" + directory, PygrubImageTests.Image];
        ExitCode code = Pygrub.Run(args, "pygrub", stdout, stderr, request =>
        {
            listEveryEntry = request.ListEveryEntry;
            return GuestBootSession.Open(request);
        }, supervise: false);
        Assert.That(listEveryEntry, Is.Not.Null, "the guest was opened");
        return (code, stdout.ToString(), stderr.ToString(), listEveryEntry!.Value);
    }

    [TestCase("-q", false)]
    [TestCase("-q -n", false)]
    [TestCase("-q --output-format=simple0", false)]
    [TestCase("-q --args=console=hvc0", false)]
    [TestCase("-q -l", true)]
    [TestCase("-q --entry=1", true)]
    [TestCase("--entry=0", true)]
    [TestCase("-q --explain", true)]
    [TestCase("-q --output-format=json", true)]
    public void OnlyOutputsThatShowOtherEntries_EvaluateThemAll(string options, bool expected)
    {
        var run = Run(options);
        Assert.That((run.Code, run.ListEveryEntry), Is.EqualTo((ExitCode.Success, expected)), run.Stderr);
    }

    [Test]
    public void QuietDefaultRun_BootsWhatTheFullListingChooses()
    {
        var quiet = Run("-q --output-format=simple");
        var listed = Run("-q --output-format=simple --explain");
        string[] Items(string stdout) => stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Multiple(() =>
        {
            Assert.That((quiet.ListEveryEntry, listed.ListEveryEntry), Is.EqualTo((false, true)));
            Assert.That(Items(quiet.Stdout).Length, Is.EqualTo(Items(listed.Stdout).Length));
            Assert.That(Items(quiet.Stdout)[^1], Is.EqualTo(Items(listed.Stdout)[^1]), "the same arguments");
            for (int i = 0; i < Items(quiet.Stdout).Length - 1; i++)
            {
                string ours = Items(quiet.Stdout)[i], theirs = Items(listed.Stdout)[i];
                Assert.That(ours.Split(' ')[0], Is.EqualTo(theirs.Split(' ')[0]));
                Assert.That(File.ReadAllBytes(ours[(ours.IndexOf(' ') + 1)..]), Is.EqualTo(File.ReadAllBytes(theirs[(theirs.IndexOf(' ') + 1)..])));
            }
        });
    }
}

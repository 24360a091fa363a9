using System.Text;
using PvBoot.Core.Boot;
using PvBoot.Grub2.Ast;
using PvBoot.Testing;

namespace PvBoot.Grub2.Tests.Grub2;

/// <summary>PvBoot's grammar accepts exactly the scripts GRUB's own parser (<c>grub-script-check</c>) accepts.</summary>
public sealed class Grub2GrammarConformanceTests
{
    private static string CorpusDirectory => Path.Combine(Fixtures.RepositoryRoot, "fuzz-corpus", "grub2-cfg");

    public static IEnumerable<TestCaseData> CorpusFiles() =>
        Directory.EnumerateFiles(Path.Combine(Fixtures.RepositoryRoot, "fuzz-corpus", "grub2-cfg"), "*.cfg", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)
            .Select(f => new TestCaseData(Path.GetRelativePath(Path.Combine(Fixtures.RepositoryRoot, "fuzz-corpus", "grub2-cfg"), f))
                .SetName($"Corpus_AgreesWithGrubScriptCheck({Path.GetFileName(f)})"));

    /// <summary>PvBoot's verdict as grub-script-check gives it: parses, and has at least one command.</summary>
    internal static bool PvBootAccepts(string text)
    {
        try
        {
            Script script = Grub2ScriptParser.ParseStrict(text, "t.cfg");
            return script.HasCommands;
        }
        catch (ConfigSyntaxException)
        {
            return false;
        }
    }

    [TestCaseSource(nameof(CorpusFiles))]
    public void Corpus_AgreesWithGrubScriptCheck(string relativePath)
    {
        string path = Path.Combine(CorpusDirectory, relativePath);
        string text = Encoding.Latin1.GetString(File.ReadAllBytes(path));
        bool grub = GrubScriptCheck.AcceptsFile(path);
        Assert.That(PvBootAccepts(text), Is.EqualTo(grub), $"grub-script-check says {(grub ? "valid" : "invalid")}");
    }

    [Test]
    public void Corpus_HasGeneratedAndRejectedFiles()
    {
        Assert.That(Directory.EnumerateFiles(Path.Combine(CorpusDirectory, "generated"), "*.cfg").Count(), Is.GreaterThanOrEqualTo(8));
        Assert.That(Directory.EnumerateFiles(Path.Combine(CorpusDirectory, "handwritten"), "*.cfg").Count(), Is.GreaterThanOrEqualTo(100));
    }
}

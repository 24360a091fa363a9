using System.Text;
using PvBoot.Core.Boot;
using PvBoot.Grub2.Ast;
using PvBoot.Testing;
using Sprache;

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

/// <summary>Every production of the grammar exists and parses its own example.</summary>
public sealed class Grub2GrammarProductionTests
{
    [Test]
    public void EveryProduction_IsInitialised_AndParsesAnExample()
    {
        Assert.Multiple(() =>
        {
            Assert.That(Grub2Grammar.Blank.TryParse(" ").WasSuccessful);
            Assert.That(Grub2Grammar.Comment.TryParse("# c").Value, Is.EqualTo(" c"));
            Assert.That(Grub2Grammar.LineContinuation.TryParse("\\\n").WasSuccessful);
            Assert.That(Grub2Grammar.Gap.TryParse(" \t\\\n # x").WasSuccessful);
            Assert.That(Grub2Grammar.Name.TryParse("_a1").Value, Is.EqualTo("_a1"));
            Assert.That(Grub2Grammar.Digits.TryParse("12").Value, Is.EqualTo("12"));
            Assert.That(Grub2Grammar.Special.TryParse("#").Value, Is.EqualTo("#"));
            Assert.That(Grub2Grammar.VariableName.TryParse("{x}").Value, Is.EqualTo("x"));
            Assert.That(Grub2Grammar.VariableRef.TryParse("$?").Value.Text, Is.EqualTo("?"));
            Assert.That(Grub2Grammar.Unquoted.TryParse("ab#c").Value.Text, Is.EqualTo("ab#c"));
            Assert.That(Grub2Grammar.Escaped.TryParse("\\;").Value.Text, Is.EqualTo(";"));
            Assert.That(Grub2Grammar.SingleQuoted.TryParse("'a\\b'").Value.Text, Is.EqualTo("a\\b"));
            Assert.That(Grub2Grammar.DoubleQuotedEscape.TryParse("\\f").Value, Is.EqualTo("\\"));
            Assert.That(Grub2Grammar.DoubleQuoted.TryParse("\"a$x\"").Value.Count(), Is.EqualTo(3));
            Assert.That(Grub2Grammar.Translatable.TryParse("$\"a\\\"b\"").Value.Text, Is.EqualTo("a\"b"));
            Assert.That(Grub2Grammar.WordPart.TryParse("'x'").WasSuccessful);
            Assert.That(Grub2Grammar.WordToken.TryParse("a\"b c\"'d'$x").Value.Raw, Is.EqualTo("a\"b c\"'d'$x"));
            Assert.That(Grub2Grammar.Newline.TryParse(" \n").WasSuccessful);
            Assert.That(Grub2Grammar.Delimiter.TryParse(";").WasSuccessful);
            Assert.That(Grub2Grammar.Newlines0.TryParse("\n\n").WasSuccessful);
            Assert.That(Grub2Grammar.Delimiters1.TryParse(";\n\n").WasSuccessful);
            Assert.That(Grub2Grammar.Delimiters0.TryParse(string.Empty).WasSuccessful);
            Assert.That(Grub2Grammar.CommandWord.TryParse("fi").WasSuccessful, Is.False);
            Assert.That(Grub2Grammar.Argument.TryParse("fi").WasSuccessful);
            Assert.That(Grub2Grammar.NameToken.TryParse("1a").WasSuccessful, Is.False);
            Assert.That(Grub2Grammar.OpenBrace.TryParse(" {").WasSuccessful);
            Assert.That(Grub2Grammar.CloseBrace.TryParse(" }").WasSuccessful);
            Assert.That(Grub2Grammar.Commands1.TryParse("\na; b").Value, Has.Count.EqualTo(2));
            Assert.That(Grub2Grammar.MoreCommands.TryParse("; b;").Value, Has.Count.EqualTo(1));
            Assert.That(Grub2Grammar.Block.TryParse("{ a }").Value.Text, Is.EqualTo(" a "));
            Assert.That(Grub2Grammar.Function.TryParse("function f { a; }").Value, Is.TypeOf<Ast.FunctionDefinition>());
            Assert.That(Grub2Grammar.Statement.TryParse("echo").WasSuccessful);
            Assert.That(Grub2Grammar.ScriptUnit.TryParse("\necho;").WasSuccessful);
            Assert.That(Grub2Grammar.Script.TryParse("a\nb\n").Value, Has.Count.EqualTo(2));
            Assert.That(Grub2Grammar.EndOfInput.TryParse(string.Empty).WasSuccessful);
            Assert.That(Grub2Grammar.GrubCmd.TryParse("menuentry x { a; }").Value, Is.TypeOf<Ast.SimpleCommand>());
            Assert.That(Grub2Grammar.IfClause.TryParse("a; then b; else c; ").WasSuccessful);
            Assert.That(Grub2Grammar.IfCmd.TryParse("if a; then b; fi").Value, Is.TypeOf<Ast.IfCommand>());
            Assert.That(Grub2Grammar.ForCmd.TryParse("for i in a b; do c; done").Value, Is.TypeOf<Ast.ForCommand>());
            Assert.That(Grub2Grammar.WhileCmd.TryParse("while a; do b; done").Value, Is.TypeOf<Ast.WhileCommand>());
            Assert.That(((Ast.WhileCommand)Grub2Grammar.UntilCmd.TryParse("until a; do b; done").Value).IsUntil);
            Assert.That(Grub2Grammar.Command.TryParse("echo x").WasSuccessful);
        });
    }
}

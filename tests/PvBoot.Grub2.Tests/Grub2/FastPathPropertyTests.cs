using FsCheck;
using FsCheck.Fluent;
using PvBoot.Grub2.Ast;
using PvBoot.Grub2.Common;
using Sprache;

namespace PvBoot.Grub2.Tests.Grub2;

/// <summary>
/// The grammar's hand-written fast paths against the Sprache forms they stand for. <c>WORD</c> is read in one pass
/// for its common shapes and by the composed parser for the rest: on any text, at any position, the two give the same
/// word (pieces, raw text, start, end) and the same remainder, or the same failure. <c>arguments0</c> is a loop
/// instead of Sprache's <c>XMany</c>, with the same results.
/// </summary>
public sealed class FastPathPropertyTests
{
    /// <summary>Characters that matter to words: every kind of quote, escape and boundary, variable names, digits (one not ASCII).</summary>
    private static readonly char[] Alphabet =
        ['a', 'Z', '_', '1', '٣', '-', '/', '=', '#', '?', '*', '@', '$', '{', '}', '\'', '"', '\\', ' ', '\t', '\n', ';', '|', '&', '<', '>', '[', ']'];

    private static Gen<string> Text =>
        Gen.Elements(Alphabet).ArrayOf().Select(chars => new string(chars));

    [FsCheck.NUnit.Property(MaxTest = 3000)]
    public Property ScannedWord_EqualsComposedWord() =>
        Prop.ForAll(Text.ToArbitrary(), Gen.Choose(0, 8).ToArbitrary(), (text, offset) => SameResult(text, Math.Min(offset, text.Length)));

    [FsCheck.NUnit.Property(MaxTest = 2000)]
    public Property Arguments0_EqualsSpracheXMany() =>
        Prop.ForAll(Text.ToArbitrary(), text => SameArguments(text));

    /// <summary>The one-character tokens against the compositions their summaries give, at any offset of any text.</summary>
    [FsCheck.NUnit.Property(MaxTest = 3000)]
    public Property Punctuation_EqualsItsComposition() =>
        Prop.ForAll(Text.ToArbitrary(), Gen.Choose(0, 8).ToArbitrary(), Gen.Elements(false, true).ToArbitrary(), (text, offset, textInput) =>
        {
            IInput At() => CharParsers.Skip(textInput ? new TextInput(text) : new Input(text), Math.Min(offset, text.Length));
            Parser<char> newline = Grub2Grammar.AfterGap(CharParsers.Char('\n')).Named("newline");
            Parser<char> delimiter = Grub2Grammar.AfterGap(CharParsers.Char(';')).Or(newline).Named("';' or newline");
            Parser<TextPosition> open = Grub2Grammar.AfterGap(from pos in Grub2Grammar.Here from b in CharParsers.Char('{') select pos).Named("'{'");
            Parser<char> close = Grub2Grammar.AfterGap(CharParsers.Char('}')).Named("'}'");
            return Show(Grub2Grammar.Newline(At())) == Show(newline(At()))
                && Show(Grub2Grammar.Delimiter(At())) == Show(delimiter(At()))
                && Show(Grub2Grammar.OpenBrace(At())) == Show(open(At()))
                && Show(Grub2Grammar.CloseBrace(At())) == Show(close(At()));
        });

    /// <summary>The keyword parsers against the composition their summary gives, at any offset of any text.</summary>
    [FsCheck.NUnit.Property(MaxTest = 3000)]
    public Property Keyword_EqualsItsComposition() =>
        Prop.ForAll(
            Gen.OneOf(Text, Gen.Elements("if", " fi", "\tthen x", "done;", "in\n", "'if'", "iffy", " \"fi").SelectMany(k => Text.Select(t => k + t))).ToArbitrary(),
            Gen.Choose(0, 3).ToArbitrary(),
            Gen.Elements("if", "fi", "then", "done", "in").ToArbitrary(),
            (text, offset, keyword) =>
            {
                IInput At() => new TextInput(text).Skip(Math.Min(offset, text.Length));
                Parser<TextPosition> composed = Grub2Grammar.AfterGap(from word in Grub2Grammar.WordToken where word.Raw == keyword select word.Start).Named($"'{keyword}'");
                return Show(Run(Grub2Grammar.Keyword(keyword), At(), out Type? ours), ours, p => p.ToString())
                    == Show(Run(composed, At(), out Type? theirs), theirs, p => p.ToString());
            });

    /// <summary><c>block0</c> and <c>newlines0</c> against <c>Block.XOptional()</c> and <c>Newline.Many()</c>.</summary>
    [FsCheck.NUnit.Property(MaxTest = 3000)]
    public Property OptionalBlockAndNewlines_EqualTheirCompositions() =>
        Prop.ForAll(Text.ToArbitrary(), Gen.Choose(0, 8).ToArbitrary(), (text, offset) =>
        {
            IInput At() => new TextInput(text).Skip(Math.Min(offset, text.Length));
            string ours = Show(Run(Grub2Grammar.Block0, At(), out Type? oursThrew), oursThrew, b => b.IsDefined ? $"{b.Get().Start} {b.Get().Text}" : "none");
            string theirs = Show(Run(Grub2Grammar.Block.XOptional(), At(), out Type? theirsThrew), theirsThrew, b => b.IsDefined ? $"{b.Get().Start} {b.Get().Text}" : "none");
            string newlines = Show(Grub2Grammar.Newlines0(At()), null, n => new string([.. n]));
            return ours == theirs && newlines == Show(Grub2Grammar.Newline.Many()(At()), null, n => new string([.. n]));
        });

    /// <summary>Adjacent unquoted pieces join, and so do adjacent double-quoted ones; other kinds stay apart.</summary>
    [TestCase("a\\ b\"c\"'d'\"e$f\"g", "Bare:a b|DoubleQuoted:c|SingleQuoted:d|DoubleQuoted:e|QuotedVariable:f|Bare:g")]
    [TestCase("\"a\"\"b\"", "DoubleQuoted:ab")]
    [TestCase("x$y${z}'w'", "Bare:x|Variable:y|Variable:z|SingleQuoted:w")]
    public void WordPieces_JoinAsGrubReadsThem(string text, string pieces)
    {
        foreach (Parser<Word> parser in new[] { Grub2Grammar.WordToken, Grub2Grammar.ComposedWordToken })
        {
            Word word = parser(new TextInput(text)).Value;
            Assert.That(string.Join("|", word.Pieces.Select(p => $"{p.Kind}:{p.Text}")), Is.EqualTo(pieces));
        }
    }

    /// <summary>
    /// Whole scripts, valid and mutated, read from a <see cref="TextInput"/> (blocks kept within the budget, the last
    /// word remembered) and from Sprache's own <see cref="Input"/> (neither): the same tree, or the same failure.
    /// </summary>
    [FsCheck.NUnit.Property(MaxTest = 400)]
    public Property Script_FromTextInput_EqualsFromSprachesInput() =>
        Prop.ForAll(Gen.OneOf(GrubScriptGenerators.Script, GrubScriptGenerators.Mutant).ToArbitrary(), text =>
        {
            string source = Grub2ScriptParser.Prepare(text, normalMode: false);
            return Outcome(new TextInput(source, new SyntaxTreeBudget(SyntaxTreeBudget.DefaultCharacters))) == Outcome(new Input(source));
        });

    [TestCase("linux16")]
    [TestCase("root='hd0,msdos1'")]
    [TestCase("$menuentry_id_option")]
    [TestCase("'CentOS Linux (3.10.0-1160.el7.x86_64) 7 (Core)'")]
    [TestCase("\"${saved_entry}\"")]
    [TestCase("x\"${feature_menuentry_id}\"")]
    [TestCase("\"$1 and $? and ${#}\"x'y'$z")]
    [TestCase("a\\ b")]
    [TestCase("$\"translated\"")]
    [TestCase("'unclosed")]
    [TestCase("\"$\"")]
    [TestCase("${1a}")]
    [TestCase("[[")]
    [TestCase("]]")]
    [TestCase("{")]
    [TestCase("\"line\nbreak\"after")]
    public void CommonAndUncommonShapes_AgreeWithTheComposedParser(string text)
    {
        Assert.That(SameResult(text, 0), Is.True);
    }

    /// <summary>The shapes grub-mkconfig writes are read by the scanner, not left to the composed parser.</summary>
    [TestCase("linux16", "linux16")]
    [TestCase("root='hd0,msdos1'", "root='hd0,msdos1'")]
    [TestCase("$menuentry_id_option {", "$menuentry_id_option")]
    [TestCase("x\"${feature_menuentry_id}\" = xy", "x\"${feature_menuentry_id}\"")]
    [TestCase("'Debian GNU/Linux' --class", "'Debian GNU/Linux'")]
    [TestCase("/vmlinuz-6.1.0-13-amd64\n", "/vmlinuz-6.1.0-13-amd64")]
    public void GeneratedShapes_AreScannedInOnePass(string text, string word)
    {
        IResult<Word>? scanned = Grub2Grammar.ScanWord(new TextInput(text));

        Assert.That(scanned, Is.Not.Null);
        Assert.That(scanned!.Value.Raw, Is.EqualTo(word));
    }

    [Test]
    public void OverLongTokens_AreRefusedAsBefore()
    {
        foreach (string text in new[] { new string('a', Grub2Grammar.MaxTokenLength + 1), "'" + new string('a', Grub2Grammar.MaxTokenLength) + "'" })
        {
            Assert.Throws<Grub2ParseLimitException>(() => Grub2Grammar.WordToken(new TextInput(text)));
            Assert.Throws<Grub2ParseLimitException>(() => Grub2Grammar.ComposedWordToken(new TextInput(text)));
        }

        string longest = new('a', Grub2Grammar.MaxTokenLength);
        Assert.That(Grub2Grammar.WordToken(new TextInput(longest)).Value.Raw, Is.EqualTo(longest));
    }

    private static bool SameResult(string text, int offset)
    {
        IInput input = new TextInput(text).Skip(offset);
        IResult<Word>? composed = Run(Grub2Grammar.ComposedWordToken, input, out Type? composedThrew);
        IResult<Word>? either = Run(Grub2Grammar.WordToken, input, out Type? eitherThrew);
        if (composedThrew is not null || eitherThrew is not null)
        {
            return composedThrew == eitherThrew;
        }

        if (composed!.WasSuccessful != either!.WasSuccessful)
        {
            return false;
        }

        if (!composed.WasSuccessful)
        {
            return composed.Remainder.Position == either.Remainder.Position && composed.Message == either.Message
                && composed.Expectations.SequenceEqual(either.Expectations);
        }

        Word a = composed.Value, b = either.Value;
        return a.Raw == b.Raw && a.Start == b.Start && a.End == b.End && a.Pieces.SequenceEqual(b.Pieces)
            && composed.Remainder.Position == either.Remainder.Position
            && composed.Remainder.Line == either.Remainder.Line
            && composed.Remainder.Column == either.Remainder.Column;
    }

    private static bool SameArguments(string text)
    {
        Parser<IEnumerable<Word>> sprache = Grub2Grammar.Argument.XMany();
        IResult<IEnumerable<Word>>? expected = Run(sprache, new TextInput(text), out Type? expectedThrew);
        IResult<IEnumerable<Word>>? actual = Run(Grub2Grammar.Arguments0, new TextInput(text), out Type? actualThrew);
        if (expectedThrew is not null || actualThrew is not null)
        {
            return expectedThrew == actualThrew;
        }

        return expected!.WasSuccessful == actual!.WasSuccessful
            && expected.Remainder.Position == actual.Remainder.Position
            && (expected.WasSuccessful
                ? expected.Value.Select(w => w.Raw).SequenceEqual(actual.Value.Select(w => w.Raw))
                : expected.Message == actual.Message && expected.Expectations.SequenceEqual(actual.Expectations));
    }

    private static string Show<T>(IResult<T> result) => Show(result, null, value => $"{value}");

    private static string Show<T>(IResult<T>? result, Type? threw, Func<T, string> value) =>
        threw is not null ? threw.Name
        : result!.WasSuccessful ? $"ok {value(result.Value)} {result.Remainder.Position}:{result.Remainder.Line}:{result.Remainder.Column}"
        : $"failed {result.Remainder.Position}:{result.Remainder.Line}:{result.Remainder.Column} {result.Message} {string.Join("|", result.Expectations)}";

    private static string Outcome(IInput input) =>
        Show(Run(Grub2Grammar.Script, input, out Type? threw), threw, SyntaxTreeText.Render);

    private static IResult<T>? Run<T>(Parser<T> parser, IInput input, out Type? threw)
    {
        try
        {
            threw = null;
            return parser(input);
        }
        catch (Grub2ParseLimitException e)
        {
            threw = e.GetType();
            return null;
        }
    }
}

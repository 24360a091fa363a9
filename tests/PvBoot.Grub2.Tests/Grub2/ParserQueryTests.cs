using FsCheck;
using FsCheck.Fluent;
using PvBoot.Grub2.Common;
using Sprache;

namespace PvBoot.Grub2.Tests.Grub2;

/// <summary>
/// <see cref="ParserQuery"/>'s <c>Select</c> and <c>SelectMany</c> against Sprache's own, on chains of parsers that
/// succeed, fail without consuming, fail after consuming and always succeed: the same value, remainder (position, line,
/// column), message and expectations, on any text and from either kind of input.
/// </summary>
public sealed class ParserQueryTests
{
    private static readonly Parser<string>[] Atoms =
    [
        Parse.String("ab").Text(),
        Parse.Char('a').Once().Text(),
        Parse.Char('b').Many().Text(),
        Parse.String("ba").Text().Named("ba"),
        Parse.Char('a').Then(_ => Parse.Char('c')).Once().Text(),
        Parse.Char('\n').Once().Text().Or(Parse.Char('c').Once().Text()),
        Parse.Char('c').Once().Text().Where(s => s.Length > 1),
    ];

    private static Gen<string> Text => Gen.Elements('a', 'b', 'c', '\n').ArrayOf().Select(chars => new string(chars));

    [FsCheck.NUnit.Property(MaxTest = 3000)]
    public Property SelectMany_EqualsSpraches() =>
        Prop.ForAll(Text.ToArbitrary(), Gen.Choose(0, Atoms.Length - 1).ArrayOf(3).ToArbitrary(), Gen.Elements(false, true).ToArbitrary(), (text, picks, textInput) =>
        {
            (Parser<string> a, Parser<string> b, Parser<string> c) = (Atoms[picks[0]], Atoms[picks[1]], Atoms[picks[2]]);

            // from x in a from y in (x.Length > 1 ? b : c) from z in b select x + "," + y + "," + z
            Parser<string> ours = ParserQuery.SelectMany(
                ParserQuery.SelectMany(a, x => x.Length > 1 ? b : c, (x, y) => (x, y)), _ => b, (xy, z) => $"{xy.x},{xy.y},{z}");
            Parser<string> theirs = Parse.SelectMany(
                Parse.SelectMany(a, x => x.Length > 1 ? b : c, (x, y) => (x, y)), _ => b, (xy, z) => $"{xy.x},{xy.y},{z}");
            return Describe(ours, text, textInput) == Describe(theirs, text, textInput);
        });

    [FsCheck.NUnit.Property(MaxTest = 2000)]
    public Property Select_EqualsSpraches() =>
        Prop.ForAll(Text.ToArbitrary(), Gen.Choose(0, Atoms.Length - 1).ToArbitrary(), Gen.Elements(false, true).ToArbitrary(), (text, pick, textInput) =>
            Describe(ParserQuery.Select(Atoms[pick], s => s.Length), text, textInput) == Describe(Parse.Select(Atoms[pick], s => s.Length), text, textInput));

    [Test]
    public void QuerySyntax_InThisNamespace_UsesParserQuery()
    {
        int calls = 0;
        Parser<int> counting = input =>
        {
            calls++;
            return Sprache.Result.Success(1, input);
        };

        Parser<int> query = from x in counting from y in counting select x + y;
        IResult<int> result = query(new TextInput("x"));

        Assert.That((result.WasSuccessful, result.Value, calls), Is.EqualTo((true, 2, 2)));
        Assert.That(query.Method.DeclaringType?.DeclaringType, Is.EqualTo(typeof(ParserQuery)), "the closure is ParserQuery's, not Sprache's");
    }

    private static string Describe<T>(Parser<T> parser, string text, bool textInput)
    {
        IResult<T> result = parser(textInput ? new TextInput(text) : new Input(text));
        IInput at = result.Remainder;
        string where = $"{at.Position}:{at.Line}:{at.Column}";
        return result.WasSuccessful
            ? $"ok {result.Value} {where}"
            : $"failed {where} '{result.Message}' [{string.Join("|", result.Expectations)}]";
    }
}

using FsCheck;
using FsCheck.Fluent;
using PvBoot.Grub2.Common;
using Sprache;

namespace PvBoot.Grub2.Tests.Grub2;

/// <summary>
/// <see cref="ParserOperators"/> against Sprache's own operators: random trees of <c>SelectMany</c>, <c>Select</c>,
/// <c>Where</c>, <c>Or</c> and <c>Named</c> over parsers that succeed, succeed without consuming, fail without consuming
/// and fail after consuming, built once with each set of operators, give the same value, remainder (position, line,
/// column), message and expectations on any text, from either kind of input.
/// </summary>
public sealed class ParserOperatorsTests
{
    private static readonly Parser<string>[] Atoms =
    [
        Parse.String("ab").Text(),
        Parse.Char('a').Once().Text(),
        Parse.Char('b').Many().Text(),
        Parse.String("ba").Text().Named("ba"),
        Parse.Char('a').Then(_ => Parse.Char('c')).Once().Text(),
        Parse.Char('\n').Once().Text(),
        Parse.Char('c').Once().Text(),
    ];

    /// <summary>The operators a tree is built with.</summary>
    private interface IOperators
    {
        Parser<string> Then(Parser<string> first, Func<string, Parser<string>> next);

        Parser<string> Map(Parser<string> parser);

        Parser<string> Where(Parser<string> parser);

        Parser<string> Or(Parser<string> first, Parser<string> second);

        Parser<string> Named(Parser<string> parser, string name);
    }

    private static Gen<string> Text => Gen.Elements('a', 'b', 'c', '\n').ArrayOf().Select(chars => new string(chars));

    private static Gen<Tree> Trees { get; } = TreeOf(4);

    [FsCheck.NUnit.Property(MaxTest = 4000)]
    public Property Trees_GiveWhatSprachesOperatorsGive() =>
        Prop.ForAll(Trees.ToArbitrary(), Text.ToArbitrary(), Gen.Elements(false, true).ToArbitrary(), (tree, text, textInput) =>
            Describe(tree.Build(new Ours()), text, textInput) == Describe(tree.Build(new Spraches()), text, textInput));

    [Test]
    public void QuerySyntax_InThisNamespace_UsesParserOperators()
    {
        int calls = 0;
        Parser<int> counting = input =>
        {
            calls++;
            return Sprache.Result.Success(1, input);
        };

        Parser<int> query = from x in counting from y in counting where x == y select x + y;
        IResult<int> result = query(new TextInput("x"));

        Assert.That((result.WasSuccessful, result.Value, calls), Is.EqualTo((true, 2, 2)));
        Assert.That(query.Method.DeclaringType?.DeclaringType, Is.EqualTo(typeof(ParserOperators)), "the closure is ParserOperators', not Sprache's");
    }

    /// <summary>Trees up to <paramref name="depth"/> levels, each level's generator made once.</summary>
    private static Gen<Tree> TreeOf(int depth)
    {
        Gen<Tree> tree = Gen.Choose(0, Atoms.Length - 1).Select(i => (Tree)new Atom(i));
        for (int level = 1; level < depth; level++)
        {
            Gen<Tree> inner = tree;
            tree = Gen.OneOf(
                Gen.Choose(0, Atoms.Length - 1).Select(i => (Tree)new Atom(i)),
                from a in inner from b in inner from c in inner select (Tree)new Sequence(a, b, c),
                from a in inner select (Tree)new Mapped(a),
                from a in inner select (Tree)new Filtered(a),
                from a in inner from b in inner select (Tree)new Alternatives(a, b),
                from a in inner from name in Gen.Elements("x", "y") select (Tree)new Name(a, name));
        }

        return tree;
    }

    private static string Describe(Parser<string> parser, string text, bool textInput)
    {
        IResult<string> result = parser(textInput ? new TextInput(text) : new Input(text));
        IInput at = result.Remainder;
        string where = $"{at.Position}:{at.Line}:{at.Column}";
        return result.WasSuccessful
            ? $"ok '{result.Value}' {where}"
            : $"failed {where} '{result.Message}' [{string.Join("|", result.Expectations)}]";
    }

    private abstract record Tree
    {
        public abstract Parser<string> Build(IOperators operators);
    }

    private sealed record Atom(int Index) : Tree
    {
        public override Parser<string> Build(IOperators operators) => Atoms[Index];
    }

    /// <summary><c>from x in A from y in (x is long ? B : C) select …</c>.</summary>
    private sealed record Sequence(Tree A, Tree B, Tree C) : Tree
    {
        public override Parser<string> Build(IOperators operators)
        {
            Parser<string> b = B.Build(operators), c = C.Build(operators);
            return operators.Then(A.Build(operators), x => x.Length > 1 ? b : c);
        }
    }

    private sealed record Mapped(Tree A) : Tree
    {
        public override Parser<string> Build(IOperators operators) => operators.Map(A.Build(operators));
    }

    private sealed record Filtered(Tree A) : Tree
    {
        public override Parser<string> Build(IOperators operators) => operators.Where(A.Build(operators));
    }

    private sealed record Alternatives(Tree A, Tree B) : Tree
    {
        public override Parser<string> Build(IOperators operators) => operators.Or(A.Build(operators), B.Build(operators));
    }

    private sealed record Name(Tree A, string Text) : Tree
    {
        public override Parser<string> Build(IOperators operators) => operators.Named(A.Build(operators), Text);
    }

    private sealed class Ours : IOperators
    {
        public Parser<string> Then(Parser<string> first, Func<string, Parser<string>> next) =>
            ParserOperators.SelectMany(first, next, (x, y) => $"{x}+{y}");

        public Parser<string> Map(Parser<string> parser) => ParserOperators.Select(parser, s => s.ToUpperInvariant());

        public Parser<string> Where(Parser<string> parser) => ParserOperators.Where(parser, s => s.Length != 1);

        public Parser<string> Or(Parser<string> first, Parser<string> second) => ParserOperators.Or(first, second);

        public Parser<string> Named(Parser<string> parser, string name) => ParserOperators.Named(parser, name);
    }

    private sealed class Spraches : IOperators
    {
        public Parser<string> Then(Parser<string> first, Func<string, Parser<string>> next) =>
            Parse.SelectMany(first, next, (x, y) => $"{x}+{y}");

        public Parser<string> Map(Parser<string> parser) => Parse.Select(parser, s => s.ToUpperInvariant());

        public Parser<string> Where(Parser<string> parser) => Parse.Where(parser, s => s.Length != 1);

        public Parser<string> Or(Parser<string> first, Parser<string> second) => Parse.Or(first, second);

        public Parser<string> Named(Parser<string> parser, string name) => Parse.Named(parser, name);
    }
}

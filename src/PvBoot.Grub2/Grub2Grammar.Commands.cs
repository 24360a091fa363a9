using PvBoot.Grub2.Ast;
using PvBoot.Grub2.Common;
using Sprache;

namespace PvBoot.Grub2;

/// <summary>Compound commands of <c>grub-core/script/parser.y</c>.</summary>
internal static partial class Grub2Grammar
{
    /// <summary><c>grubcmd</c>: <c>word arguments0 block0</c>.</summary>
    public static Parser<Command> GrubCmd => field ??=
        from command in WithSpan(
            from first in CommandWord
            from args in Arguments0
            from block in Block0
            select (first, args, block))
        select (Command)new SimpleCommand(
            command.Value.first.Start, [command.Value.first, .. command.Value.args], command.Value.block.GetOrDefault(), command.Source, command.End);

    /// <summary><c>ifclause</c>: <c>commands1 delimiters1 then commands1 delimiters1</c> [<c>else …</c> | <c>elif ifclause</c>].</summary>
    public static Parser<IfCommand> IfClause => field ??=
        from condition in Commands1
        from d1 in Delimiters1
        from then in Keyword("then")
        from body in Commands1
        from d2 in Delimiters1
        from rest in (from e in Keyword("else")
                      from commands in Commands1
                      from d3 in Delimiters1
                      select commands)
            .Or(from start in Keyword("elif")
                from clause in CharParsers.Ref(() => IfClause)
                select (IReadOnlyList<Command>)[clause with { Start = start }])
            .XOptional()
        select new IfCommand(default, condition, body, rest.GetOrElse([]));

    /// <summary><c>ifcmd</c>: <c>if ifclause fi</c>.</summary>
    public static Parser<Command> IfCmd => field ??= Nested(
        from start in Keyword("if")
        from clause in IfClause
        from fi in Keyword("fi")
        select (Command)(clause with { Start = start }));

    /// <summary><c>forcmd</c>: <c>for NAME in arguments0 delimiters1 do commands1 delimiters1 done</c>.</summary>
    public static Parser<Command> ForCmd => field ??= Nested(
        from start in Keyword("for")
        from name in NameToken
        from @in in Keyword("in")
        from items in Arguments0
        from d1 in Delimiters1
        from @do in Keyword("do")
        from body in Commands1
        from d2 in Delimiters1
        from done in Keyword("done")
        select (Command)new ForCommand(start, name, items.ToList(), body));

    /// <summary><c>whilecmd</c>: <c>while commands1 delimiters1 do commands1 delimiters1 done</c>.</summary>
    public static Parser<Command> WhileCmd => field ??= Loop("while");

    /// <summary><c>untilcmd</c>: <c>until commands1 delimiters1 do commands1 delimiters1 done</c>.</summary>
    public static Parser<Command> UntilCmd => field ??= Loop("until");

    /// <summary><c>command</c>: a simple or compound command.</summary>
    public static Parser<Command> Command => field ??=
        GrubCmd.Or(IfCmd).Or(ForCmd).Or(WhileCmd).Or(UntilCmd).Named("command");

    private static Parser<Command> Loop(string keyword) => Nested(
        from start in Keyword(keyword)
        from condition in Commands1
        from d1 in Delimiters1
        from @do in Keyword("do")
        from body in Commands1
        from d2 in Delimiters1
        from done in Keyword("done")
        select (Command)new WhileCommand(start, condition, body, keyword == "until"));
}

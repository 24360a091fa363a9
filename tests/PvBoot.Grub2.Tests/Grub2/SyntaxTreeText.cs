using System.Text;
using PvBoot.Grub2.Ast;

namespace PvBoot.Grub2.Tests.Grub2;

/// <summary>A GRUB 2 syntax tree written out whole, for comparing two parses.</summary>
internal static class SyntaxTreeText
{
    /// <summary>The whole tree as text: every command, word, piece and position, each block's commands expanded.</summary>
    public static string Render(Script script) => Render(script.Commands);

    /// <summary>The trees of <paramref name="commands"/> as text (see <see cref="Render(Script)"/>).</summary>
    public static string Render(IEnumerable<Command> commands)
    {
        var text = new StringBuilder();
        foreach (Command command in commands)
        {
            Render(command, text, 0);
        }

        return text.ToString();
    }

    private static void Render(Command command, StringBuilder text, int depth)
    {
        text.Append(' ', depth * 2).Append(command.GetType().Name).Append(Position(command.Start));
        switch (command)
        {
            case SimpleCommand simple:
                text.Append(' ').Append(simple.End);
                Words(simple.Words, text);
                text.Append('\n');
                if (simple.Block is { } block)
                {
                    Render(block, text, depth + 1);
                }

                break;
            case IfCommand conditional:
                text.Append('\n');
                List("condition", conditional.Condition, text, depth + 1);
                List("then", conditional.Then, text, depth + 1);
                List("else", conditional.Else, text, depth + 1);
                break;
            case ForCommand loop:
                text.Append(' ').Append(loop.Variable);
                Words(loop.Items, text);
                text.Append('\n');
                List("body", loop.Body, text, depth + 1);
                break;
            case WhileCommand loop:
                text.Append(loop.IsUntil ? " until\n" : " while\n");
                List("condition", loop.Condition, text, depth + 1);
                List("body", loop.Body, text, depth + 1);
                break;
            case FunctionDefinition function:
                text.Append(' ').Append(function.Name).Append('\n');
                Render(function.Body, text, depth + 1);
                break;
            default:
                throw new AssertionException($"a command this test does not know: {command.GetType().Name}");
        }
    }

    private static void Render(Block block, StringBuilder text, int depth)
    {
        text.Append(' ', depth * 2).Append('{').Append(Position(block.Start)).Append(' ').Append(block.Text.Length).Append('\n');
        foreach (Command command in block.Commands)
        {
            Render(command, text, depth + 1);
        }

        text.Append(' ', depth * 2).Append("}\n");
    }

    private static void List(string name, IEnumerable<Command> commands, StringBuilder text, int depth)
    {
        text.Append(' ', depth * 2).Append(name).Append('\n');
        foreach (Command command in commands)
        {
            Render(command, text, depth + 1);
        }
    }

    private static void Words(IEnumerable<Word> words, StringBuilder text)
    {
        foreach (Word word in words)
        {
            text.Append(" [").Append(word.Raw).Append(Position(word.Start)).Append('-').Append(word.End);
            foreach (WordPiece piece in word.Pieces)
            {
                text.Append(' ').Append(piece.Kind).Append(':').Append(piece.Text);
            }

            text.Append(']');
        }
    }

    private static string Position(TextPosition position) => FormattableString.Invariant($"@{position.Line}:{position.Column}:{position.Offset}");
}

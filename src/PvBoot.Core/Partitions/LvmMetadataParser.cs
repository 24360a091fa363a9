using System.Text;

namespace PvBoot.Core.Partitions;

/// <summary>
/// A recursive-descent parser for LVM2 text metadata (the format of <c>/etc/lvm/backup</c> files):
/// <c>name { ... }</c> sections, <c>key = value</c> pairs, quoted strings with backslash escapes, bare words and
/// numbers, bracketed lists, and <c>#</c> comments. The text is already capped in size by the caller; the parser caps
/// the nesting of sections and lists so that recursion depth is bounded whatever the text holds.
/// </summary>
internal sealed class LvmMetadataParser
{
    private readonly byte[] text;
    private readonly int length;
    private readonly int maxDepth;
    private readonly string source;
    private readonly Func<int, long> offsetOf;
    private int position;

    private LvmMetadataParser(byte[] text, int length, int maxDepth, string source, Func<int, long> offsetOf)
    {
        this.text = text;
        this.length = length;
        this.maxDepth = maxDepth;
        this.source = source;
        this.offsetOf = offsetOf;
    }

    private enum TokenKind
    {
        End,
        Word,
        String,
        OpenBrace,
        CloseBrace,
        OpenBracket,
        CloseBracket,
        EqualsSign,
        Comma,
    }

    /// <summary>Parses the text into its top-level section.</summary>
    /// <param name="text">The metadata bytes; a NUL ends the text early.</param>
    /// <param name="length">The number of bytes of <paramref name="text"/> to parse.</param>
    /// <param name="maxDepth">The deepest nesting of sections and lists allowed.</param>
    /// <param name="source">The image name, for error messages.</param>
    /// <param name="offsetOf">Maps an index in <paramref name="text"/> to its absolute offset in the image.</param>
    /// <returns>The unnamed top-level section.</returns>
    public static LvmMetadataSection Parse(byte[] text, int length, int maxDepth, string source, Func<int, long> offsetOf)
    {
        var parser = new LvmMetadataParser(text, length, maxDepth, source, offsetOf);
        var root = new LvmMetadataSection(string.Empty, string.Empty, offsetOf(0), source);
        parser.ParseItems(root, 0, inBraces: false);
        return root;
    }

    private void ParseItems(LvmMetadataSection section, int depth, bool inBraces)
    {
        while (true)
        {
            Token name = Next();
            switch (name.Kind)
            {
                case TokenKind.End when inBraces:
                    throw Error(name, $"section {section.Path} is not closed before the end of the text");
                case TokenKind.End:
                    return;
                case TokenKind.CloseBrace when inBraces:
                    return;
                case TokenKind.Word:
                    break;
                default:
                    throw Error(name, $"expected a name, found {Describe(name)}");
            }

            Token after = Next();
            if (after.Kind == TokenKind.EqualsSign)
            {
                section.Add(name.Text, ParseValue(depth), Offset(name));
            }
            else if (after.Kind == TokenKind.OpenBrace)
            {
                CheckDepth(depth + 1, after);
                string path = section.Path.Length == 0 ? name.Text : section.Path + "/" + name.Text;
                var child = new LvmMetadataSection(name.Text, path, Offset(name), source);
                ParseItems(child, depth + 1, inBraces: true);
                section.Add(child);
            }
            else
            {
                throw Error(after, $"expected '=' or '{{' after '{name.Text}', found {Describe(after)}");
            }
        }
    }

    private LvmMetadataValue ParseValue(int depth)
    {
        Token token = Next();
        switch (token.Kind)
        {
            case TokenKind.Word:
                return new LvmMetadataText(token.Text, false, Offset(token));
            case TokenKind.String:
                return new LvmMetadataText(token.Text, true, Offset(token));
            case TokenKind.OpenBracket:
                CheckDepth(depth + 1, token);
                var items = new List<LvmMetadataValue>();
                if (Peek() == TokenKind.CloseBracket)
                {
                    Next();
                    return new LvmMetadataList(items, Offset(token));
                }

                while (true)
                {
                    items.Add(ParseValue(depth + 1));
                    Token separator = Next();
                    if (separator.Kind == TokenKind.CloseBracket)
                    {
                        return new LvmMetadataList(items, Offset(token));
                    }

                    if (separator.Kind != TokenKind.Comma)
                    {
                        throw Error(separator, $"expected ',' or ']' in a list, found {Describe(separator)}");
                    }
                }

            default:
                throw Error(token, $"expected a value, found {Describe(token)}");
        }
    }

    private void CheckDepth(int depth, Token token)
    {
        if (depth > maxDepth)
        {
            throw new CorruptImageException(
                source,
                LvmMetadataSection.StructureName,
                "text",
                Offset(token),
                $"sections and lists are nested more than {maxDepth} deep",
                ImageProblem.LimitExceeded);
        }
    }

    private TokenKind Peek()
    {
        int saved = position;
        TokenKind kind = Next().Kind;
        position = saved;
        return kind;
    }

    private Token Next()
    {
        SkipBlanksAndComments();
        int start = position;
        if (position >= length || text[position] == 0)
        {
            return new Token(TokenKind.End, start, string.Empty);
        }

        byte b = text[position];
        TokenKind single = b switch
        {
            (byte)'{' => TokenKind.OpenBrace,
            (byte)'}' => TokenKind.CloseBrace,
            (byte)'[' => TokenKind.OpenBracket,
            (byte)']' => TokenKind.CloseBracket,
            (byte)'=' => TokenKind.EqualsSign,
            (byte)',' => TokenKind.Comma,
            _ => TokenKind.End,
        };
        if (single != TokenKind.End)
        {
            position++;
            return new Token(single, start, string.Empty);
        }

        if (b == (byte)'"')
        {
            return ReadString(start);
        }

        while (position < length && IsWordByte(text[position]))
        {
            position++;
        }

        if (position == start)
        {
            throw new CorruptImageException(source, LvmMetadataSection.StructureName, "text", offsetOf(start), $"unexpected byte 0x{b:X2}");
        }

        return new Token(TokenKind.Word, start, Encoding.UTF8.GetString(text, start, position - start));
    }

    private Token ReadString(int start)
    {
        position++;
        var value = new List<byte>();
        while (true)
        {
            if (position >= length || text[position] == 0)
            {
                throw new CorruptImageException(source, LvmMetadataSection.StructureName, "text", offsetOf(start), "a quoted string is not closed before the end of the text");
            }

            byte b = text[position++];
            if (b == (byte)'"')
            {
                return new Token(TokenKind.String, start, Encoding.UTF8.GetString([.. value]));
            }

            if (b == (byte)'\\' && position < length && text[position] != 0)
            {
                b = text[position++];
            }

            value.Add(b);
        }
    }

    private void SkipBlanksAndComments()
    {
        while (position < length)
        {
            byte b = text[position];
            if (b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
            {
                position++;
            }
            else if (b == (byte)'#')
            {
                while (position < length && text[position] != (byte)'\n' && text[position] != 0)
                {
                    position++;
                }
            }
            else
            {
                return;
            }
        }
    }

    private static bool IsWordByte(byte b)
        => b > (byte)' ' && b != 0x7F && b is not ((byte)'{' or (byte)'}' or (byte)'[' or (byte)']' or (byte)'=' or (byte)',' or (byte)'"' or (byte)'#');

    private long Offset(Token token) => offsetOf(token.Start);

    private CorruptImageException Error(Token token, string problem)
        => new(source, LvmMetadataSection.StructureName, "text", Offset(token), problem);

    private static string Describe(Token token) => token.Kind switch
    {
        TokenKind.End => "the end of the text",
        TokenKind.Word => $"'{(token.Text.Length <= 40 ? token.Text : token.Text[..40] + "…")}'",
        TokenKind.String => "a quoted string",
        TokenKind.OpenBrace => "'{'",
        TokenKind.CloseBrace => "'}'",
        TokenKind.OpenBracket => "'['",
        TokenKind.CloseBracket => "']'",
        TokenKind.EqualsSign => "'='",
        _ => "','",
    };

    private readonly record struct Token(TokenKind Kind, int Start, string Text);
}

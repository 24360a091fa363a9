using FsCheck;
using FsCheck.Fluent;

namespace PvBoot.Grub2.Tests.Grub2;

/// <summary>FsCheck generators of valid GRUB scripts (after parser.y) and of one-edit mutations of them.</summary>
internal static class GrubScriptGenerators
{
    private static readonly string[] CommandWords = ["echo", "insmod", "set", "linux", "initrd", "true", "search", "load_env", "x=y", "[", "!", "export"];

    private static readonly string[] PlainWords =
        ["a", "b1", "--class", "os", "/boot/vmlinuz-6.1", "root=/dev/xvda1", "ro", "quiet", "!", "[", "]", "-f", "x#y", "a=b", "fi", "then", "done", "in", "for", "if", "function", "esac", "(hd0,gpt2)/x", "a]]", "[[a", "*", "?"];

    private static readonly string[] SingleQuoted = ["'a b'", "'c\\d'", "''", "'x\ny'", "'$x'", "'\"'"];

    private static readonly string[] DoubleQuoted = ["\"a b\"", "\"$x\"", "\"${y}z\"", "\"e\\f\"", "\"g\\$h\"", "\"i\\\"j\"", "\"\"", "\"a\\\nb\"", "\"k\nl\"", "\"'\""];

    private static readonly string[] Variables = ["$x", "${x}", "$1", "$#", "$?", "${10}", "$@", "$*", "${_a1}", "$\"gettext $x\""];

    private static readonly string[] Escapes = ["a\\ b", "\\{", "\\}", "\\;", "\\#c", "\\$", "\\'", "\\\\"];

    private static readonly string[] Separators = ["; ", "\n", " ;\n\n", ";\t", "\n  # comment\n"];

    /// <summary>A word: plain text, quotes, variables, escapes, or two of them glued.</summary>
    public static Gen<string> Word { get; } = Gen.Frequency(
        (4, Gen.Elements(PlainWords)),
        (2, Gen.Elements(SingleQuoted)),
        (2, Gen.Elements(DoubleQuoted)),
        (2, Gen.Elements(Variables)),
        (1, Gen.Elements(Escapes))).SelectMany(first => Gen.Frequency(
            (3, Gen.Constant(first)),
            (1, Gen.Elements(PlainWords).Select(second => first + second is "[[" or "]]" ? first : first + second)),
            (1, Gen.Elements(Variables).Select(second => first + second))));

    /// <summary>A list of commands at nesting <paramref name="depth"/>.</summary>
    public static Gen<string> Commands(int depth) =>
        from count in Gen.Choose(1, 3)
        from commands in Command(depth).ListOf(count)
        from separators in Gen.Elements(Separators).ListOf(count)
        select commands[0] + string.Concat(commands.Skip(1).Zip(separators, (c, s) => s + c));

    /// <summary>A command: simple, with a block, or compound.</summary>
    public static Gen<string> Command(int depth)
    {
        Gen<string> simple =
            from word in Gen.Elements(CommandWords)
            from count in Gen.Choose(0, 3)
            from args in Word.ListOf(count)
            select string.Join(' ', args.Prepend(word));
        if (depth <= 0)
        {
            return simple;
        }

        Gen<string> inner = Commands(depth - 1);
        return Gen.Frequency(
            (5, simple),
            (2, from title in Word from body in inner from nl in Gen.Elements(" ", "\n") select $"menuentry {title} {{{nl}{body}{nl}}}"),
            (1, from body in inner select $"submenu 'S' --id s {{\n{body}\n}}"),
            (2, from cond in simple from then in inner from rest in Gen.Elements("", "else echo e; ", "elif false; then echo f; ") from nl in Gen.Elements("; ", "\n")
                select $"if {cond}{nl}then {then}{nl}{rest}fi"),
            (1, from items in Word.ListOf(2) from body in inner select $"for i in {string.Join(' ', items)}; do {body}; done"),
            (1, from body in inner from kind in Gen.Elements("while", "until") select $"{kind} false; do {body}; done"));
    }

    /// <summary>A valid script: statements (commands and function definitions), each ended by a newline.</summary>
    public static Gen<string> Script { get; } =
        from count in Gen.Choose(1, 4)
        from statements in Gen.Frequency(
            (6, Command(2)),
            (1, from body in Commands(1) select $"function f {{ {body}; }}\nf")).ListOf(count)
        select string.Join('\n', statements) + "\n";

    /// <summary>A valid script with one edit: a character deleted, inserted or duplicated, or two swapped.</summary>
    public static Gen<string> Mutant { get; } =
        from script in Script
        from kind in Gen.Choose(0, 3)
        from position in Gen.Choose(0, 1 << 20)
        from insert in Gen.Elements('{', '}', '|', '&', ';', '<', '>', '\'', '"', '\\', '$', '#', '\n', ' ', 'f', '[')
        from kind2 in Gen.Choose(0, 3)
        from position2 in Gen.Choose(0, 1 << 20)
        from insert2 in Gen.Elements('{', '}', ';', '\'', '"', '\\', '$', '\n', 'i')
        let once = Mutate(script, kind, position % script.Length, insert)
        select once.Length == 0 ? once : Mutate(once, kind2, position2 % once.Length, insert2);

    private static string Mutate(string script, int kind, int at, char insert) => script.Length == 0 ? script : kind switch
    {
        0 => script.Remove(at, 1),
        1 => script.Insert(at, insert.ToString()),
        2 => script.Insert(at, script[at].ToString()),
        _ => at + 1 < script.Length ? string.Concat(script.AsSpan(0, at), script[at + 1].ToString(), script[at].ToString(), script.AsSpan(at + 2)) : script,
    };
}

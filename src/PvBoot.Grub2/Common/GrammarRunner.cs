using System.Runtime.CompilerServices;
using PvBoot.Core.Boot;
using Sprache;

namespace PvBoot.Grub2.Common;

/// <summary>Runs a Sprache grammar over a whole file and turns a failure into a positioned <see cref="ConfigSyntaxException"/>.</summary>
internal static class GrammarRunner
{
    /// <summary>Parses <paramref name="text"/> with <paramref name="grammar"/>, which must consume all of it.</summary>
    /// <typeparam name="T">The grammar's result.</typeparam>
    /// <param name="grammar">A parser that ends with <c>.End()</c>.</param>
    /// <param name="text">The file's text.</param>
    /// <param name="file">The file's path, for messages.</param>
    /// <returns>The parse tree.</returns>
    /// <exception cref="ConfigSyntaxException">The text does not match the grammar.</exception>
    public static T Run<T>(Parser<T> grammar, string text, string file)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        IResult<T> result = grammar(new TextInput(text));
        if (result.WasSuccessful)
        {
            return result.Value;
        }

        IInput at = result.Remainder;
        string found = at.AtEnd ? "end of file" : Describe(at.Current);
        string expected = result.Expectations.Any() ? string.Join(" or ", result.Expectations.Distinct()) : "more input";
        throw new ConfigSyntaxException(new SourceLocation(file, at.Line, at.Column), $"unexpected {found}, expected {expected}");
    }

    /// <summary>Describes one character for an error message, escaping control characters.</summary>
    /// <param name="c">The character.</param>
    /// <returns>A printable description.</returns>
    public static string Describe(char c) => c switch
    {
        '\n' => "end of line",
        '\t' => "TAB",
        < ' ' or (>= '\x7f' and <= '\x9f') => $"byte 0x{(int)c:x2}",
        _ => $"'{c}'",
    };
}

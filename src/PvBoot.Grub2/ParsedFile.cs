using PvBoot.Core.Boot;
using PvBoot.Grub2.Ast;

namespace PvBoot.Grub2;

/// <summary>A file's script as GRUB's normal mode reads it: the units that parsed, and the syntax errors of those it left out.</summary>
/// <param name="Script">The units that parsed.</param>
/// <param name="Errors">The syntax errors, in order.</param>
internal sealed record ParsedFile(Script Script, IReadOnlyList<ConfigSyntaxException> Errors)
{
    /// <summary>Parses <paramref name="text"/> with <see cref="Grub2ScriptParser.Parse"/>, recovering after errors.</summary>
    /// <exception cref="ConfigSyntaxException">A cap (token length, nesting) was exceeded.</exception>
    public static ParsedFile Of(string text, string file)
    {
        var errors = new List<ConfigSyntaxException>();
        Script script = Grub2ScriptParser.Parse(text, file, errors);
        return new ParsedFile(script, errors);
    }
}

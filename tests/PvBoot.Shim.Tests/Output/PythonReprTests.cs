using System.Text;
using FsCheck;
using FsCheck.Fluent;
using PvBoot.Shim.Output;
using PvBoot.Testing;

namespace PvBoot.Shim.Tests.Output;

/// <summary>PvBoot's repr() against python3's, on generated strings and on the cases XSA-198 is about.</summary>
[TestFixture]
public sealed class PythonReprTests
{
    private const int Cases = 400;

    [TestCase("plain", "'plain'")]
    [TestCase("It's", "\"It's\"")]
    [TestCase("both ' and \"", "'both \\' and \"'")]
    [TestCase("only \"double\"", "'only \"double\"'")]
    [TestCase("back\\slash", "'back\\\\slash'")]
    [TestCase("tab\tnl\ncr\r", "'tab\\tnl\\ncr\\r'")]
    [TestCase("nul\0esc\u001bdel\u007f", "'nul\\x00esc\\x1bdel\\x7f'")]
    [TestCase("c1\u0085nbsp\u00a0é", "'c1\\x85nbsp\\xa0é'")]
    [TestCase("zwsp\u200bline\u2028", "'zwsp\\u200bline\\u2028'")]
    [TestCase("emoji\U0001F600 private\U000F0000", "'emoji\U0001F600 private\\U000f0000'")]
    [TestCase("') (kernel '/etc/shadow", "\"') (kernel '/etc/shadow\"")]
    public void KnownCases(string value, string expected) => Assert.That(PythonRepr.Quote(value), Is.EqualTo(expected));

    [Test]
    public void LoneSurrogatesAreEscapedAsPythonEscapesSurrogateCodePoints() =>
        Assert.That(PythonRepr.Quote("lone" + (char)0xDC80 + (char)0xD800), Is.EqualTo("'lone\\udc80\\ud800'"));

    [Test]
    public void GeneratedStringsMatchPython3()
    {
        Gen<char> interesting = Gen.Elements('\'', '"', '\\', '\t', '\n', '\r', '\0', '\u001b', '\u007f', '\u0085', '\u00a0', 'é', '\u200b', '\u2028', '\ufeff', '\ud800', '\udc80', ' ');
        Gen<char> any = Gen.Choose(0, 0xFFFF).Select(i => (char)i);
        Gen<char> ascii = Gen.Choose(0x20, 0x7E).Select(i => (char)i);
        Gen<string> astral = Gen.Choose(0x10000, 0x10FFFF).Select(char.ConvertFromUtf32);
        Gen<string> piece = Gen.Frequency(
            (4, ascii.Select(c => c.ToString())),
            (3, interesting.Select(c => c.ToString())),
            (3, any.Select(c => c.ToString())),
            (1, astral));
        Gen<string> text = piece.ListOf().Select(parts => string.Concat(parts));
        string[] values = text.Sample(Cases, 40).ToArray();

        string[] expected = PythonReprs(values);
        Assert.Multiple(() =>
        {
            for (int i = 0; i < values.Length; i++)
            {
                Assert.That(PythonRepr.Quote(values[i]), Is.EqualTo(expected[i]), "code points " + CodePoints(values[i]));
            }
        });
    }

    /// <summary>repr() of each value in one python3 run; values travel as UTF-16 code unit lists (lone surrogates included).</summary>
    internal static string[] PythonReprs(IReadOnlyList<string> values)
    {
        string input = Path.Combine(ShimBinary.NewDirectory("repr"), "values.txt");
        File.WriteAllLines(input, values.Select(CodePoints));
        const string script = """
            import sys, struct
            for line in open(sys.argv[1]):
                units = [int(x, 16) for x in line.split()]
                s = struct.pack('<%dH' % len(units), *units).decode('utf-16-le', 'surrogatepass')
                print(repr(s).encode('utf-8', 'surrogatepass').hex())
            """;
        ToolResult result = Tool.Run("python3", ["-c", script, input]);
        Assert.That(result.ExitCode, Is.Zero, result.Stderr);
        string[] lines = Encoding.ASCII.GetString(result.Stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Has.Length.EqualTo(values.Count));
        return lines.Select(hex => Encoding.UTF8.GetString(Convert.FromHexString(hex))).ToArray();
    }

    private static string CodePoints(string value) => string.Join(' ', value.Select(c => ((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture)));
}

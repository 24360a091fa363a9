using System.Text.RegularExpressions;
using FsCheck;
using FsCheck.Fluent;
using PvBoot.Grub2.Selection;

namespace PvBoot.Grub2.Tests.Grub2;

/// <summary>
/// pygrub numbers a grub.cfg's entries by the lines that match its regular expression; PvBoot's linear scan must
/// accept exactly the lines that expression (Python and .NET agree on it) accepts.
/// </summary>
[TestFixture]
public sealed class PygrubNumberingTests
{
    private static readonly Regex PygrubPattern = new("^menuentry [\"'](.*?)[\"'] (.*)\\{", RegexOptions.CultureInvariant);

    private static readonly string[] Prefixes = ["", "menuentry ", "menuentry '", "menuentry \""];

    private static readonly string[] Pieces = ["menuentry", "menuentry ", " ", "\"", "'", "{", "}", "x", "Debian", "--class", "\t", "\r", "\\"];

    [TestCase("menuentry 'Debian GNU/Linux' --class debian {", true)]
    [TestCase("menuentry \"Debian\" {", true)]
    [TestCase("menuentry 'a'{", false)]
    [TestCase("menuentry a' {", false)]
    [TestCase("menuentry 'a' ", false)]
    [TestCase("menuentry '{' x", false)]
    [TestCase("menuentry '' {", true)]
    [TestCase("menuentry  'a' {", false)]
    [TestCase("submenu 'a' {", false)]
    public void KnownLines(string line, bool expected)
    {
        Assert.Multiple(() =>
        {
            Assert.That(PygrubNumbering.IsMenuEntryLine(line), Is.EqualTo(expected));
            Assert.That(PygrubPattern.IsMatch(line), Is.EqualTo(expected), "the reference expression disagrees with the case");
        });
    }

    [FsCheck.NUnit.Property(MaxTest = 3000)]
    public Property AgreesWithPygrubsExpressionOnGeneratedLines() =>
        Prop.ForAll(
            Gen.Elements(Prefixes).SelectMany(prefix => Gen.Elements(Pieces).ListOf().Select(parts => prefix + string.Concat(parts))).ToArbitrary(),
            line => PygrubNumbering.IsMenuEntryLine(line) == PygrubPattern.IsMatch(line));
}

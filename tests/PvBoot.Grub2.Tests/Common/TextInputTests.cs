using PvBoot.Grub2.Common;
using Sprache;

namespace PvBoot.Grub2.Tests.Common;

/// <summary><see cref="TextInput"/> behaves as Sprache's own <see cref="Input"/> where the grammars can tell.</summary>
public sealed class TextInputTests
{
    /// <summary>
    /// <c>Parse.Ref</c> remembers a result in the memo table of the input object it was given, and throws when it is
    /// asked again on that object after a failure. The same position reached another way is another object: there
    /// the reference runs again and fails normally, as with Sprache's input.
    /// </summary>
    [Test]
    public void ParseRef_MemoIsPerInputObject_AsWithSprachesInput()
    {
        Parser<char> x = CharParsers.Char('x');
        Parser<char> reference = Parse.Ref(() => x);
        foreach (IInput start in new IInput[] { new TextInput("ab"), new Input("ab") })
        {
            IInput first = start.Advance();
            IInput again = start.Advance();

            Assert.That(reference(first).WasSuccessful, Is.False);
            Assert.That(reference(again).WasSuccessful, Is.False, $"{start.GetType().Name}: another object at the same position");
            Assert.Throws<ParseException>(() => reference(first), $"{start.GetType().Name}: the same object again");
        }
    }

    [Test]
    public void AdvanceAndSkip_CountLinesAndColumnsAsSprachesInput()
    {
        const string text = "a\nbc\n\nd";
        IInput sprache = new Input(text);
        IInput stepped = new TextInput(text);
        for (int count = 0; count <= text.Length; count++)
        {
            TextInput skipped = new TextInput(text).Skip(count);
            Assert.That((skipped.Position, skipped.Line, skipped.Column), Is.EqualTo((sprache.Position, sprache.Line, sprache.Column)), $"after {count} characters");
            Assert.That((stepped.Position, stepped.Line, stepped.Column), Is.EqualTo((sprache.Position, sprache.Line, sprache.Column)), $"after {count} steps");
            Assert.That(skipped.Equals(stepped), Is.True);
            if (count < text.Length)
            {
                sprache = sprache.Advance();
                stepped = stepped.Advance();
            }
        }

        Assert.That(stepped.AtEnd, Is.True);
        Assert.Throws<InvalidOperationException>(() => stepped.Advance());
    }
}

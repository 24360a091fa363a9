using System.Text;
using FsCheck;
using FsCheck.Fluent;
using PvBoot.Core.Boot;
using PvBoot.Grub2.Ast;
using PvBoot.Grub2.Common;
using PvBoot.Testing;

namespace PvBoot.Grub2.Tests.Grub2;

/// <summary>
/// Blocks keep the commands of their first reading while the file's <see cref="SyntaxTreeBudget"/> lasts, and are
/// parsed again when run past it. Either way a block's commands are the same: the whole tree, blocks expanded, is
/// compared across budgets on generated scripts and on the configurations grub-mkconfig writes.
/// </summary>
public sealed class KeptBlockTests
{
    private static readonly string Corpus = Path.Combine(Fixtures.RepositoryRoot, "fuzz-corpus", "grub2-cfg", "generated");

    [FsCheck.NUnit.Property(MaxTest = 300)]
    public Property GeneratedScripts_HaveTheSameTree_WhateverTheBudget() =>
        Prop.ForAll(GrubScriptGenerators.Script.ToArbitrary(), Gen.Choose(1, 400).ToArbitrary(), (script, budget) =>
        {
            string reparsed = SyntaxTreeText.Render(Parse(script, 0));
            return reparsed == SyntaxTreeText.Render(Parse(script, budget)) && reparsed == SyntaxTreeText.Render(Parse(script, SyntaxTreeBudget.DefaultCharacters));
        });

    [TestCaseSource(nameof(GeneratedConfigurations))]
    public void GeneratedConfiguration_KeepsEveryBlock_AndTheSameTree(string file)
    {
        string text = File.ReadAllText(file, Encoding.Latin1);
        Script kept = Parse(text, SyntaxTreeBudget.DefaultCharacters);
        Script reparsed = Parse(text, 0);

        Assert.That(Blocks(kept.Commands).Select(b => b.HoldsCommands), Is.Not.Empty.And.All.True, "a configuration grub-mkconfig writes fits the budget");
        Assert.That(Blocks(reparsed.Commands).Select(b => b.HoldsCommands), Is.All.False, "with no budget, no block is kept");
        Assert.That(SyntaxTreeText.Render(kept), Is.EqualTo(SyntaxTreeText.Render(reparsed)));
    }

    [Test]
    public void PastTheBudget_BlocksAreParsedOnDemand_AndTheKeptTextStaysWithinIt()
    {
        var script = new StringBuilder();
        for (int i = 0; i < 200; i++)
        {
            script.Append(CultureFormat($"menuentry 'entry {i}' --id e{i} {{\n  insmod gzio\n  linux /vmlinuz-{i} root=/dev/xvda1 ro\n  initrd /initrd-{i}\n}}\n"));
        }

        const int budget = 2000;
        Script parsed = Parse(script.ToString(), budget);
        Block[] blocks = [.. parsed.Commands.OfType<SimpleCommand>().Select(c => c.Block!)];
        int keptCharacters = blocks.Where(b => b.HoldsCommands).Sum(b => b.Text.Trim().Length);

        Assert.That(blocks, Has.Length.EqualTo(200));
        Assert.That(blocks[0].HoldsCommands, Is.True, "the first entries fit");
        Assert.That(blocks[^1].HoldsCommands, Is.False, "the last entries are past the budget");
        Assert.That(keptCharacters, Is.GreaterThan(budget / 2).And.LessThanOrEqualTo(budget));
        Assert.That(SyntaxTreeText.Render(parsed), Is.EqualTo(SyntaxTreeText.Render(Parse(script.ToString(), 0))));
    }

    [Test]
    public void ABlockLargerThanTheBudget_IsDroppedWhole_ItsSmallNeighbourKept()
    {
        string big = "submenu big {\n" + string.Concat(Enumerable.Repeat("  echo a line of text in a large submenu\n", 100)) + "}\n";
        string small = "menuentry small {\n  linux /vmlinuz\n}\n";
        Script parsed = Parse(big + small, 1000);
        Block[] blocks = [.. parsed.Commands.OfType<SimpleCommand>().Select(c => c.Block!)];

        Assert.That(blocks.Select(b => b.HoldsCommands), Is.EqualTo(new[] { false, true }));
        Assert.That(blocks[0].Commands.Count(), Is.EqualTo(100), "the dropped block is read again from its text");
    }

    private static IEnumerable<string> GeneratedConfigurations() =>
        Directory.EnumerateFiles(Corpus, "*.cfg").Order(StringComparer.Ordinal);

    private static Script Parse(string text, int budget)
    {
        var errors = new List<ConfigSyntaxException>();
        Script script = Grub2ScriptParser.Parse(text, "t.cfg", errors, keptBlockCharacters: budget);
        Assert.That(errors, Is.Empty, "the script parses");
        return script;
    }

    private static string CultureFormat(FormattableString text) => FormattableString.Invariant(text);

    private static IEnumerable<Block> Blocks(IEnumerable<Command> commands)
    {
        foreach (Command command in commands)
        {
            Block? block = command switch
            {
                SimpleCommand simple => simple.Block,
                FunctionDefinition function => function.Body,
                _ => null,
            };
            IEnumerable<Command> inner = command switch
            {
                IfCommand c => [.. c.Condition, .. c.Then, .. c.Else],
                ForCommand c => c.Body,
                WhileCommand c => [.. c.Condition, .. c.Body],
                _ => [],
            };
            if (block is not null)
            {
                yield return block;
                inner = block.Commands;
            }

            foreach (Block nested in Blocks(inner))
            {
                yield return nested;
            }
        }
    }
}

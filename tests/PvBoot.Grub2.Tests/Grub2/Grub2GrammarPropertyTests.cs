using FsCheck;
using FsCheck.Fluent;

namespace PvBoot.Grub2.Tests.Grub2;

/// <summary>FsCheck-generated scripts: PvBoot and <c>grub-script-check</c> agree on every one.</summary>
public sealed class Grub2GrammarPropertyTests
{
    [FsCheck.NUnit.Property(MaxTest = 200)]
    public Property GeneratedValidScripts_AreAccepted() =>
        Prop.ForAll(GrubScriptGenerators.Script.ToArbitrary(), script => Grub2GrammarConformanceTests.PvBootAccepts(script));

    [TestCase(1UL)]
    [TestCase(2UL)]
    [TestCase(3UL)]
    public void GeneratedScriptsAndMutants_AgreeWithGrubScriptCheck(ulong seed)
    {
        string[] valid = GrubScriptGenerators.Script.Sample(20, new Rnd(seed), 150);
        string[] mutants = GrubScriptGenerators.Mutant.Sample(20, new Rnd(seed + 100), 250);
        string[] all = [.. valid, .. mutants];
        bool[] grub = GrubScriptCheck.Accepts(all);
        var disagreements = new List<string>();
        for (int i = 0; i < all.Length; i++)
        {
            bool ours = Grub2GrammarConformanceTests.PvBootAccepts(all[i]);
            if (ours != grub[i])
            {
                disagreements.Add($"grub-script-check {(grub[i] ? "accepts" : "rejects")}, PvBoot {(ours ? "accepts" : "rejects")}:\n{all[i]}");
            }
        }

        Assert.That(grub.Take(valid.Length), Is.All.True, "the generator makes only valid scripts: " + valid.Zip(grub).FirstOrDefault(p => !p.Second).First);
        Assert.That(grub.Skip(valid.Length).Count(g => !g), Is.GreaterThan(5), "mutations reach rejected scripts");
        Assert.That(disagreements, Is.Empty, string.Join("\n----\n", disagreements.Take(5)));
    }
}

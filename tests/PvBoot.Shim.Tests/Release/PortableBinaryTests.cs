using System.Buffers.Binary;
using System.Text;
using System.Text.RegularExpressions;
using PvBoot.Testing;

namespace PvBoot.Shim.Tests.Release;

/// <summary>The release binary must start on every dom0 with glibc 2.17 or newer (EL7, XenServer/XCP-ng 8, Debian 11).</summary>
[TestFixture]
[NonParallelizable]
public partial class PortableBinaryTests
{
    private static readonly string[] AllowedLibraries =
        ["libc.so.6", "libm.so.6", "libdl.so.2", "librt.so.1", "libpthread.so.0", "ld-linux-x86-64.so.2"];

    [Test]
    public void ReleaseBinary_NeedsNoGlibcSymbolVersionAbove2_17()
    {
        ToolResult symbols = Tool.Run("objdump", ["-T", ReleaseArtifacts.PortablePygrub]);
        Assert.That(symbols.ExitCode, Is.Zero, symbols.Stderr);

        var versions = GlibcVersion().Matches(Encoding.ASCII.GetString(symbols.Stdout))
            .Select(m => new Version(m.Groups[1].Value))
            .Distinct()
            .ToList();

        Assert.That(versions, Is.Not.Empty, "objdump found no GLIBC symbol versions: is this the dynamically linked binary?");
        Assert.That(versions.Where(v => v > new Version(2, 17)), Is.Empty, "symbol versions newer than glibc 2.17");
    }

    [Test]
    public void ReleaseBinary_NeedsOnlyTheCoreGlibcLibraries()
    {
        ToolResult headers = Tool.Run("objdump", ["-p", ReleaseArtifacts.PortablePygrub]);
        Assert.That(headers.ExitCode, Is.Zero, headers.Stderr);

        var needed = NeededLibrary().Matches(Encoding.ASCII.GetString(headers.Stdout)).Select(m => m.Groups[1].Value).ToList();

        Assert.That(needed, Is.Not.Empty);
        Assert.That(needed, Is.SubsetOf(AllowedLibraries));
    }

    [Test]
    public void ReleaseBinary_IsAPositionIndependentExecutable()
    {
        // The binary that parses hostile images gets a random load address: an ELF64 ET_DYN file with a program
        // interpreter (a shared library would have none).
        byte[] image = File.ReadAllBytes(ReleaseArtifacts.PortablePygrub);
        ReadOnlySpan<byte> elf = image;
        Assert.That(elf[..4].ToArray(), Is.EqualTo("\u007fELF"u8.ToArray()), "not an ELF file");
        Assert.That(elf[4], Is.EqualTo(2), "EI_CLASS: not ELF64");
        Assert.That(BinaryPrimitives.ReadUInt16LittleEndian(elf[16..]), Is.EqualTo(3), "e_type: not ET_DYN, so the load address is fixed");

        long programHeaders = (long)BinaryPrimitives.ReadUInt64LittleEndian(elf[32..]);
        int entrySize = BinaryPrimitives.ReadUInt16LittleEndian(elf[54..]);
        int count = BinaryPrimitives.ReadUInt16LittleEndian(elf[56..]);
        Assert.That(programHeaders + ((long)entrySize * count), Is.LessThanOrEqualTo(image.Length), "program headers past the end of the file");
        bool hasInterpreter = Enumerable.Range(0, count)
            .Any(i => BinaryPrimitives.ReadUInt32LittleEndian(image.AsSpan((int)(programHeaders + (i * entrySize)))) == 3);
        Assert.That(hasInterpreter, Is.True, "no PT_INTERP: not an executable");
    }

    [GeneratedRegex(@"GLIBC_(\d+\.\d+(?:\.\d+)?)")]
    private static partial Regex GlibcVersion();

    [GeneratedRegex(@"NEEDED\s+(\S+)")]
    private static partial Regex NeededLibrary();
}

using System.Buffers.Binary;
using System.Diagnostics;
using PvBoot.Core;

namespace PvBoot.FileSystems.Tests.Fat;

/// <summary>Patches one field of a copy of a real fixture, and checks refusals.</summary>
internal static class Patch
{
    public static readonly TimeSpan TimeBound = TimeSpan.FromSeconds(5);

    public static void Bytes(string imagePath, long offset, params byte[] bytes)
    {
        using FileStream stream = File.Open(imagePath, FileMode.Open, FileAccess.ReadWrite);
        stream.Position = offset;
        stream.Write(bytes);
    }

    public static void UInt16(string imagePath, long offset, ushort value)
    {
        byte[] b = new byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(b, value);
        Bytes(imagePath, offset, b);
    }

    public static void UInt32(string imagePath, long offset, uint value)
    {
        byte[] b = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, value);
        Bytes(imagePath, offset, b);
    }

    /// <summary>Runs <paramref name="action"/>, which must raise a <see cref="CorruptImageException"/> within the time bound.</summary>
    public static CorruptImageException Refused(Action action)
    {
        var watch = Stopwatch.StartNew();
        CorruptImageException? error = null;
        try
        {
            action();
        }
        catch (CorruptImageException e)
        {
            error = e;
        }

        Assert.That(watch.Elapsed, Is.LessThan(TimeBound));
        Assert.That(error, Is.Not.Null, "the patched image was accepted");
        return error!;
    }

    public static void AssertNames(CorruptImageException error, string structure, string field, long offset)
    {
        Assert.Multiple(() =>
        {
            Assert.That(error.Structure, Is.EqualTo(structure), error.Message);
            Assert.That(error.Field, Is.EqualTo(field), error.Message);
            Assert.That(error.Offset, Is.EqualTo(offset), error.Message);
        });
    }
}

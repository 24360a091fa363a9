using System.Diagnostics;
using System.Security.Cryptography;
using PvBoot.Core.BlockSources;
using PvBoot.Core.FileSystems;
using PvBoot.Testing;

namespace PvBoot.FileSystems.Tests.Btrfs;

public sealed class BtrfsLargeFileTests
{
    [Test]
    public void LargeFile_StreamsWithBoundedMemory()
    {
        string outDir = Path.Combine(Fixtures.WorkDirectory, "large-btrfs");
        ToolResult made = Tool.Run("bash", [Path.Combine(Fixtures.Directory, "scripts", "large-btrfs.sh"), outDir]);
        Assert.That(made.ExitCode, Is.Zero, made.Stderr);
        string[] manifest = File.ReadAllLines(Path.Combine(outDir, "manifests", "large-btrfs.tsv"))[0].Split('\t');

        using var source = new FileBlockSource(Path.Combine(outDir, "images", "btrfs-large.img"));
        IFileSystemReader fs = BtrfsTestImage.Open(source);
        FileSystemEntry kernel = BtrfsTestImage.LookupOrFail(fs, manifest[1]);
        Assert.That(kernel.Size, Is.EqualTo(long.Parse(manifest[2], System.Globalization.CultureInfo.InvariantCulture)));

        using var hash = new HashingStream();
        fs.CopyTo(kernel, Stream.Null);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        fs.CopyTo(kernel, hash);
        clock.Stop();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.That(hash.Hex(), Is.EqualTo(manifest[3]));
        Assert.That(allocated, Is.LessThan(8L << 20), "memory must not grow with the 96 MiB file");
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(10)));
    }

    private sealed class HashingStream : Stream
    {
        private readonly IncrementalHash hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public string Hex() => Convert.ToHexStringLower(hash.GetHashAndReset());

        public override void Write(byte[] buffer, int offset, int count) => hash.AppendData(buffer, offset, count);

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                hash.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}

using System.Security.Cryptography;
using PvBoot.Core.FileSystems;

namespace PvBoot.FileSystems.Tests.Common;

/// <summary>A write-only stream that hashes what it is given with SHA-256 and keeps nothing, so a large copy is checked without holding it.</summary>
internal sealed class Sha256Sink : Stream
{
    private readonly IncrementalHash hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    /// <summary>The lower-case hex SHA-256 of <paramref name="file"/> as the reader copies it out.</summary>
    public static string Of(IFileSystemReader fs, FileSystemEntry file)
    {
        using var sink = new Sha256Sink();
        fs.CopyTo(file, sink);
        return sink.Hex();
    }

    /// <summary>The lower-case hex SHA-256 of what was written since the last call.</summary>
    public string Hex() => Convert.ToHexStringLower(hash.GetHashAndReset());

    public override void Write(byte[] buffer, int offset, int count) => hash.AppendData(buffer, offset, count);

    public override void Write(ReadOnlySpan<byte> buffer) => hash.AppendData(buffer);

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

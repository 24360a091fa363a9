using System.Globalization;
using PvBoot.Shim.Native;
using PvBoot.Shim.Output;
using PvBoot.Testing;

namespace PvBoot.Shim.Tests.Output;

/// <summary>Writes through a raw descriptor; kernel and ramdisk outputs reserve space ahead and give back the rest.</summary>
[TestFixture]
public sealed class FdWriteStreamTests
{
    [Test]
    public void ReservedOutputHoldsExactlyTheDataAndNoSpareBlocks()
    {
        string path = Path.Combine(ShimBinary.NewDirectory("reserve"), "boot_kernel.test");
        byte[] data = new byte[(3 << 20) + 12345];
        new Random(7).NextBytes(data);
        int fd = Libc.Open(path, Libc.O_RDWR | Libc.O_CREAT | Libc.O_EXCL, Convert.ToInt32("600", 8));
        Assert.That(fd, Is.GreaterThanOrEqualTo(0));
        try
        {
            using var stream = new FdWriteStream(fd, reserveAhead: true);
            for (int offset = 0; offset < data.Length; offset += 1 << 20)
            {
                stream.Write(data, offset, Math.Min(1 << 20, data.Length - offset));
            }

            // While writing, space is reserved past the data (8 MiB at first).
            Assert.That(AllocatedBytes(path), Is.GreaterThanOrEqualTo(8L << 20));
        }
        finally
        {
            _ = Libc.Close(fd);
        }

        Assert.Multiple(() =>
        {
            Assert.That(File.ReadAllBytes(path), Is.EqualTo(data));
            Assert.That(AllocatedBytes(path), Is.LessThan(data.Length + (1 << 20)), "the reservation past the data was not given back");
        });
    }

    [Test]
    public void ADescriptorThatCannotReserveStillGetsTheData()
    {
        using var pipe = new AnonymousPipe();
        byte[] data = new byte[100_000];
        new Random(3).NextBytes(data);
        var reader = Task.Run(() =>
        {
            using var input = new FileStream(new Microsoft.Win32.SafeHandles.SafeFileHandle(pipe.ReadFd, ownsHandle: false), FileAccess.Read);
            var copy = new MemoryStream();
            input.CopyTo(copy);
            return copy.ToArray();
        });
        using (var stream = new FdWriteStream(pipe.WriteFd, reserveAhead: true))
        {
            stream.Write(data);
        }

        pipe.CloseWrite();
        Assert.That(reader.Result, Is.EqualTo(data));
    }

    private static long AllocatedBytes(string path)
    {
        ToolResult stat = Tool.Run("stat", ["-c", "%b %B", path]);
        string[] fields = System.Text.Encoding.ASCII.GetString(stat.Stdout).Trim().Split(' ');
        return long.Parse(fields[0], CultureInfo.InvariantCulture) * long.Parse(fields[1], CultureInfo.InvariantCulture);
    }

    private sealed class AnonymousPipe : IDisposable
    {
        private readonly int[] fds = new int[2];
        private bool writeOpen = true;

        public AnonymousPipe() => Assert.That(Libc.Pipe2(fds, Libc.O_CLOEXEC), Is.Zero);

        public int ReadFd => fds[0];

        public int WriteFd => fds[1];

        public void CloseWrite()
        {
            if (writeOpen)
            {
                _ = Libc.Close(fds[1]);
                writeOpen = false;
            }
        }

        public void Dispose()
        {
            CloseWrite();
            _ = Libc.Close(fds[0]);
        }
    }
}

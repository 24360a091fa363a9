using System.Security.Cryptography;
using PvBoot.Core.Boot;
using PvBoot.Grub2;

// The whole job in a few lines, as a NuGet consumer writes it: open a guest disk, see what it would boot, stream the
// kernel and initrd out. Prints the chosen title, the SHA-256 of kernel and initrd, and the command line.
if (args.Length != 1)
{
    Console.Error.WriteLine("usage: PackageConsumer DISK-IMAGE");
    return 2;
}

using GuestBoot boot = GuestBoot.Open(args[0], GuestBootOptions.Default);
BootEntry entry = boot.Selection.Chosen ?? throw new InvalidOperationException("nothing to boot");
using var kernel = new MemoryStream();
boot.CopyKernel(entry, kernel);
using var initrd = new MemoryStream();
boot.CopyInitrd(entry, initrd);
Console.WriteLine($"title: {entry.Title}");
Console.WriteLine($"kernel: {entry.Kernel} {Convert.ToHexStringLower(SHA256.HashData(kernel.ToArray()))}");
Console.WriteLine($"initrd: {Convert.ToHexStringLower(SHA256.HashData(initrd.ToArray()))}");
Console.WriteLine($"args: {entry.Arguments}");
return 0;

using PvBoot.Core.Boot;
using PvBoot.Shim.Boot;

namespace PvBoot.Shim.Tests;

/// <summary>
/// An <see cref="IBootSession"/> over a menu built in the test and file contents held in memory, to exercise the
/// shim's own logic (choice, output files, cleanup) apart from the image readers.
/// </summary>
internal sealed class TestSession(BootSelection selection, IReadOnlyDictionary<string, byte[]> files) : IBootSession
{
    public BootSelection Selection => selection;

    public string BootDevice => "hd0,msdos1";

    public IReadOnlyList<string> Explanation => ["test menu"];

    public static BootSelection Menu(double? timeout, int chosen, params (string Title, string Kernel, string? Initrd, string Args)[] entries)
    {
        var menu = entries.Select((e, i) => new BootEntry
        {
            Title = e.Title,
            Index = i,
            FlatIndex = i,
            Kernel = new BootFile("hd0,msdos1", e.Kernel),
            Initrds = e.Initrd is null ? [] : [new BootFile("hd0,msdos1", e.Initrd)],
            Arguments = e.Args,
            Lines = e.Initrd is null ? [$"linux {e.Kernel} {e.Args}"] : [$"linux {e.Kernel} {e.Args}", $"initrd {e.Initrd}"],
        }).ToList();
        return new BootSelection
        {
            ConfigFormat = "grub2",
            ConfigPath = "/boot/grub/grub.cfg",
            Menu = menu,
            Chosen = chosen < 0 ? null : menu[chosen],
            TimeoutSeconds = timeout,
        };
    }

    public BootEntry? FindEntry(string spec) =>
        int.TryParse(spec, out int index) ? selection.Menu.FirstOrDefault(e => e.FlatIndex == index) : selection.Menu.FirstOrDefault(e => e.Title == spec);

    public BootEntry CreateEntry(string kernelPath, string? ramdiskPath, string arguments) => new()
    {
        Title = "command line",
        Kernel = new BootFile(null, kernelPath),
        Initrds = ramdiskPath is null ? [] : [new BootFile(null, ramdiskPath)],
        Arguments = arguments,
    };

    public bool FileExists(BootFile file) => files.ContainsKey(file.Path);

    public void CopyKernel(BootEntry entry, Stream destination) => Copy(entry.Kernel!.Path, destination);

    public bool HasInitrd(BootEntry entry) => entry.Initrds.Count > 0;

    public void CopyInitrd(BootEntry entry, Stream destination) => Copy(entry.Initrds[0].Path, destination);

    public void Dispose()
    {
    }

    private void Copy(string path, Stream destination)
    {
        byte[] data = files.TryGetValue(path, out byte[]? bytes) ? bytes : throw new FileNotFoundException(path);
        for (int offset = 0; offset < data.Length; offset += 65536)
        {
            destination.Write(data, offset, Math.Min(65536, data.Length - offset));
        }
    }
}

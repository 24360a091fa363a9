using PvBoot.Core.Boot;
using PvBoot.Core.FileSystems;

namespace PvBoot.Grub2.Tests.Legacy;

/// <summary>A device map for tests: GRUB names to file systems, accepting <c>hd0,1</c> and <c>hd0,msdos1</c> alike.</summary>
internal sealed class LegacyTestDeviceMap(IReadOnlyDictionary<string, IFileSystemReader> devices) : IBootDeviceMap
{
    public IReadOnlyList<string> DeviceNames { get; } = [.. devices.Keys];

    /// <summary>Every name asked for, in order.</summary>
    public List<string> Requested { get; } = [];

    public IFileSystemReader? Open(string device)
    {
        Requested.Add(device);
        string wanted = Normalise(device);
        return devices.FirstOrDefault(d => Normalise(d.Key) == wanted).Value;
    }

    private static string Normalise(string name) =>
        string.Join(',', name.Split(',').Select(p => p.StartsWith("msdos", StringComparison.Ordinal) ? p[5..] : p.StartsWith("gpt", StringComparison.Ordinal) ? p[3..] : p));
}

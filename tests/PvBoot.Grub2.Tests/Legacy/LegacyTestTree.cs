using System.Text;
using PvBoot.Core.Boot;
using PvBoot.Core.FileSystems;
using PvBoot.Testing;

namespace PvBoot.Grub2.Tests.Legacy;

/// <summary>A guest file system tree written into a scratch directory, and helpers to run a configuration reader on it.</summary>
internal sealed class LegacyTestTree
{
    private static int counter;

    public LegacyTestTree(string name)
    {
        Root = Path.Combine(Fixtures.WorkDirectory, "legacy-configs", $"{name}-{Interlocked.Increment(ref counter)}");
        if (Directory.Exists(Root))
        {
            Directory.Delete(Root, recursive: true);
        }

        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    /// <summary>Writes a file; the text is encoded one byte per character (Latin-1), as configuration bytes are.</summary>
    public LegacyTestTree Write(string path, string text)
    {
        string host = Host(path);
        Directory.CreateDirectory(Path.GetDirectoryName(host)!);
        File.WriteAllBytes(host, Encoding.Latin1.GetBytes(text));
        return this;
    }

    /// <summary>Writes small stand-in files for kernels and initrds (the readers only check that they exist).</summary>
    public LegacyTestTree Files(params string[] paths)
    {
        foreach (string path in paths)
        {
            Write(path, $"contents of {path}\n");
        }

        return this;
    }

    public LegacyTestTree Symlink(string path, string target)
    {
        string host = Host(path);
        Directory.CreateDirectory(Path.GetDirectoryName(host)!);
        File.CreateSymbolicLink(host, target);
        return this;
    }

    public LegacyTestFileSystem FileSystem() => new(Root);

    public string Host(string path) => Path.Combine(Root, path.TrimStart('/'));

    /// <summary>Runs <paramref name="parser"/> on <paramref name="configPath"/> with this tree as <c>hd0,msdos1</c>.</summary>
    public BootSelection Parse(IBootConfigParser parser, string configPath, BootConfigOptions? options = null, IReadOnlyDictionary<string, IFileSystemReader>? otherDevices = null)
    {
        var fileSystem = FileSystem();
        var devices = new Dictionary<string, IFileSystemReader> { ["hd0,msdos1"] = fileSystem };
        foreach (var (name, reader) in otherDevices ?? new Dictionary<string, IFileSystemReader>())
        {
            devices[name] = reader;
        }

        return parser.Parse(new BootConfigContext
        {
            FileSystem = fileSystem,
            DeviceName = "hd0,msdos1",
            ConfigPath = configPath,
            Devices = new LegacyTestDeviceMap(devices),
            Options = options ?? BootConfigOptions.Default,
        });
    }
}

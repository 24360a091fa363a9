using PvBoot.Core.Boot;

namespace PvBoot.Grub2.Tests.Grub2;

/// <summary>Builds a guest tree on disk, runs a parser on it and returns the selection.</summary>
internal sealed class Grub2TestHarness
{
    public const string Device = "hd0,msdos1";

    public Grub2TestHarness(string name)
    {
        Root = HostDirectoryFileSystem.NewDirectory(name);
    }

    public string Root { get; }

    public TestDeviceMap Devices { get; } = new();

    public Grub2TestHarness File(string path, string content)
    {
        HostDirectoryFileSystem.Write(Root, path, content);
        return this;
    }

    /// <summary>Writes fake kernels and initrds for these versions under /boot.</summary>
    public Grub2TestHarness Kernels(params string[] versions)
    {
        foreach (string v in versions)
        {
            File($"/boot/vmlinuz-{v}", $"kernel {v}\n");
            File($"/boot/initrd.img-{v}", $"initrd {v}\n");
        }

        return this;
    }

    public Grub2TestHarness Grubenv(params string[] assignments)
    {
        string body = global::PvBoot.Grub2.Grubenv.Signature + string.Concat(assignments.Select(a => a + "\n"));
        return File("/boot/grub/grubenv", body.PadRight(1024, '#'));
    }

    public BootSelection Run(string config, BootConfigOptions? options = null, string configPath = "/boot/grub/grub.cfg")
    {
        File(configPath, config);
        return Parse(new Grub2ConfigParser(), configPath, options);
    }

    public BootSelection Parse(IBootConfigParser parser, string configPath, BootConfigOptions? options = null)
    {
        var fs = new HostDirectoryFileSystem(Root, uuid: "0a1b2c3d-1111-2222-3333-444455556666", label: "rootfs");
        if (Devices.DeviceNames.Count == 0 || Devices.Open(Device) is null)
        {
            Devices.Add(Device, fs);
        }

        return parser.Parse(new BootConfigContext
        {
            FileSystem = fs,
            DeviceName = Device,
            ConfigPath = configPath,
            Devices = Devices,
            Options = options ?? BootConfigOptions.Default,
        });
    }
}

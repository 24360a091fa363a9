namespace PvBoot.Shim;

/// <summary>pygrub's command-line contract.</summary>
internal static class Pygrub
{
    /// <summary>The usage line pygrub prints on stderr for <c>-h</c> and for malformed options.</summary>
    public const string UsageFormat =
        "Usage: {0} [-q|--quiet] [-i|--interactive] [-l|--list-entries] [-n|--not-really] [--output=] [--kernel=] [--ramdisk=] [--args=] [--entry=] [--output-directory=] [--output-format=sxp|simple|simple0] [--runas=] [--offset=] <image>";

    /// <summary>Runs pygrub with <paramref name="args"/>; returns the exit code.</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        _ = stdout;
        _ = args;
        stderr.WriteLine(string.Format(System.Globalization.CultureInfo.InvariantCulture, UsageFormat, Environment.GetCommandLineArgs()[0]));
        return 1;
    }
}

using System.Globalization;
using System.Numerics;

namespace PvBoot.Shim.CommandLine;

/// <summary>The output formats: pygrub's three and PvBoot's JSON.</summary>
internal enum OutputFormat
{
    /// <summary><c>linux (kernel '…')(ramdisk '…')(args '…')</c>, values quoted as Python's repr().</summary>
    Sxp,

    /// <summary>Newline-separated <c>kernel …</c>, <c>ramdisk …</c>, <c>args …</c>, then an empty line.</summary>
    Simple,

    /// <summary>As <see cref="Simple"/> with NUL separators (what libxl asks for).</summary>
    Simple0,

    /// <summary>The whole menu and the choice as one JSON object.</summary>
    Json,
}

/// <summary>The command line after pygrub's option handling.</summary>
internal sealed class PygrubOptions
{
    /// <summary>pygrub's default output directory.</summary>
    public const string DefaultOutputDirectory = "/var/run/xen/pygrub/";

    /// <summary>The default wall-clock deadline of a non-interactive run, in seconds.</summary>
    public const int DefaultDeadlineSeconds = 120;

    /// <summary>The default wall-clock deadline when the menu is shown, in seconds (the menu has its own bounds).</summary>
    public const int DefaultInteractiveDeadlineSeconds = 900;

    /// <summary>pygrub's short options (<c>-h</c> takes an argument in Python's getopt).</summary>
    public const string ShortOptions = "qilnh::";

    /// <summary>pygrub's long options.</summary>
    public static readonly IReadOnlyList<string> LongOptions =
    [
        "quiet", "interactive", "list-entries", "not-really", "help",
        "output=", "output-format=", "output-directory=", "offset=",
        "runas=", "entry=", "kernel=",
        "ramdisk=", "args=", "isconfig", "debug",
    ];

    /// <summary>PvBoot's own long options; accepted only when spelled in full.</summary>
    public static readonly IReadOnlyList<string> ExtensionOptions = ["explain", "no-depriv", "deadline=", "xen-dom0-kernel"];

    /// <summary>The disk image (or, with <c>--isconfig</c>, the config file).</summary>
    public string Image { get; private set; } = string.Empty;

    /// <summary>Whether the menu is shown (default; off with <c>-q</c> or <c>--entry</c>).</summary>
    public bool Interactive { get; private set; } = true;

    /// <summary><c>-l</c>: list the entries.</summary>
    public bool ListEntries { get; private set; }

    /// <summary><c>-n</c>: choose, but copy nothing.</summary>
    public bool NotReally { get; private set; }

    /// <summary><c>--output</c>; <see langword="null"/> for standard output.</summary>
    public string? Output { get; private set; }

    /// <summary><c>--runas</c>, as pygrub reads it (0 means not given, as in pygrub).</summary>
    public int? RunAs { get; private set; }

    /// <summary><c>--kernel</c>.</summary>
    public string? Kernel { get; private set; }

    /// <summary><c>--ramdisk</c>.</summary>
    public string? Ramdisk { get; private set; }

    /// <summary><c>--args</c>.</summary>
    public string Args { get; private set; } = string.Empty;

    /// <summary><c>--offset</c>.</summary>
    public long? Offset { get; private set; }

    /// <summary><c>--entry</c>.</summary>
    public string? Entry { get; private set; }

    /// <summary><c>--isconfig</c>.</summary>
    public bool IsConfig { get; private set; }

    /// <summary><c>--debug</c>.</summary>
    public bool Debug { get; private set; }

    /// <summary><c>--output-format</c>.</summary>
    public OutputFormat Format { get; private set; } = OutputFormat.Sxp;

    /// <summary><c>--output-directory</c> with pygrub's trailing slash.</summary>
    public string OutputDirectory { get; private set; } = DefaultOutputDirectory;

    /// <summary>Whether <c>--output-directory</c> was given (then it must exist).</summary>
    public bool OutputDirectoryGiven { get; private set; }

    /// <summary><c>--explain</c>: the reasoning on standard error.</summary>
    public bool Explain { get; private set; }

    /// <summary><c>--no-depriv</c>: do not drop privileges when run as root.</summary>
    public bool NoDepriv { get; private set; }

    /// <summary><c>--xen-dom0-kernel</c>: a Xen hypervisor entry boots its dom0 kernel (module 1) and initrd (module 2).</summary>
    public bool XenDom0Kernel { get; private set; }

    /// <summary><c>--deadline=SECONDS</c>, or <see langword="null"/> for the default.</summary>
    public int? DeadlineSeconds { get; private set; }

    /// <summary>The wall-clock deadline that applies to this run.</summary>
    public TimeSpan Deadline => TimeSpan.FromSeconds(
        DeadlineSeconds ?? (Interactive && !ListEntries ? DefaultInteractiveDeadlineSeconds : DefaultDeadlineSeconds));

    /// <summary>
    /// Parses <paramref name="args"/> exactly as pygrub's main block does. Returns the options, or the early exit pygrub
    /// takes (usage, <c>-h</c>, bad values) with what it prints.
    /// </summary>
    public static ParseOutcome Parse(IReadOnlyList<string> args, string programName, bool posixlyCorrect, Func<string, bool> isDirectory)
    {
        string usage = Usage(programName) + "\n";
        var getopt = new GnuGetopt(ShortOptions, LongOptions, ExtensionOptions);
        List<ParsedOption> options;
        List<string> operands;
        try
        {
            (options, operands) = getopt.Parse(args, posixlyCorrect);
        }
        catch (GetoptException)
        {
            return ParseOutcome.Exit(ExitCode.Failure, string.Empty, usage);
        }

        if (operands.Count < 1)
        {
            return ParseOutcome.Exit(ExitCode.Failure, string.Empty, usage);
        }

        var result = new PygrubOptions { Image = operands[0] };
        foreach ((string name, string value) in options)
        {
            switch (name)
            {
                case "-q" or "--quiet":
                    result.Interactive = false;
                    break;
                case "-i" or "--interactive":
                    result.Interactive = true;
                    break;
                case "-l" or "--list-entries":
                    result.ListEntries = true;
                    break;
                case "-n" or "--not-really":
                    result.NotReally = true;
                    break;
                case "-h" or "--help":
                    return ParseOutcome.Exit(ExitCode.Success, string.Empty, usage);
                case "--output":
                    if (value != "-")
                    {
                        result.Output = value;
                    }

                    break;
                case "--runas":
                    if (!PythonInteger.TryParse(value, out BigInteger uid))
                    {
                        return ParseOutcome.Exit(ExitCode.Failure, "runas value must be an integer user id\n", usage);
                    }

                    if (uid < 0 || uid > int.MaxValue)
                    {
                        return ParseOutcome.Exit(ExitCode.Failure, string.Empty, $"runas value {uid} is not a valid user id\n");
                    }

                    result.RunAs = (int)uid;
                    break;
                case "--kernel":
                    result.Kernel = value;
                    break;
                case "--ramdisk":
                    result.Ramdisk = value;
                    break;
                case "--args":
                    result.Args = value;
                    break;
                case "--offset":
                    if (!PythonInteger.TryParse(value, out BigInteger offset))
                    {
                        return ParseOutcome.Exit(ExitCode.Failure, "offset value must be an integer\n", usage);
                    }

                    if (offset < 0 || offset > long.MaxValue)
                    {
                        return ParseOutcome.Exit(ExitCode.Failure, string.Empty, $"offset value {offset} is outside the image\n");
                    }

                    result.Offset = (long)offset;
                    break;
                case "--entry":
                    result.Entry = value;
                    result.Interactive = false;
                    break;
                case "--isconfig":
                    result.IsConfig = true;
                    break;
                case "--debug":
                    result.Debug = true;
                    break;
                case "--output-format":
                    OutputFormat? format = value switch
                    {
                        "sxp" => OutputFormat.Sxp,
                        "simple" => OutputFormat.Simple,
                        "simple0" => OutputFormat.Simple0,
                        "json" => OutputFormat.Json,
                        _ => null,
                    };
                    if (format is null)
                    {
                        return ParseOutcome.Exit(ExitCode.Failure, $"unknown output format {value}\n", usage);
                    }

                    result.Format = format.Value;
                    break;
                case "--output-directory":
                    if (!isDirectory(value))
                    {
                        return ParseOutcome.Exit(ExitCode.Failure, $"{value} is not an existing directory\n", string.Empty);
                    }

                    result.OutputDirectory = value + "/";
                    result.OutputDirectoryGiven = true;
                    break;
                case "--explain":
                    result.Explain = true;
                    break;
                case "--no-depriv":
                    result.NoDepriv = true;
                    break;
                case "--xen-dom0-kernel":
                    result.XenDom0Kernel = true;
                    break;
                case "--deadline":
                    if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int seconds) || seconds < 1)
                    {
                        return ParseOutcome.Exit(ExitCode.Failure, string.Empty, $"--deadline needs a whole number of seconds, not '{value}'\n");
                    }

                    result.DeadlineSeconds = seconds;
                    break;
                default:
                    throw new InvalidOperationException("getopt returned an option that is not handled: " + name);
            }
        }

        if (result.Interactive && result.RunAs is > 0)
        {
            return ParseOutcome.Exit(ExitCode.Failure, string.Empty, "In order to use --runas, you must also set --entry or -q\n");
        }

        return ParseOutcome.Parsed(result);
    }

    /// <summary>pygrub's usage line (without the line feed).</summary>
    public static string Usage(string programName) =>
        $"Usage: {programName} [-q|--quiet] [-i|--interactive] [-l|--list-entries] [-n|--not-really] [--output=] [--kernel=] [--ramdisk=] [--args=] [--entry=] [--output-directory=] [--output-format=sxp|simple|simple0] [--runas=] [--offset=] <image>";
}

/// <summary>The result of <see cref="PygrubOptions.Parse"/>: options, or an early exit with its output.</summary>
internal sealed class ParseOutcome
{
    private ParseOutcome(PygrubOptions? options, ExitCode code, string stdout, string stderr)
    {
        Options = options;
        Code = code;
        Stdout = stdout;
        Stderr = stderr;
    }

    /// <summary>The options, or <see langword="null"/> when the run ends here.</summary>
    public PygrubOptions? Options { get; }

    /// <summary>The exit code of an early exit.</summary>
    public ExitCode Code { get; }

    /// <summary>What an early exit prints on standard output.</summary>
    public string Stdout { get; }

    /// <summary>What an early exit prints on standard error.</summary>
    public string Stderr { get; }

    /// <summary>An early exit.</summary>
    public static ParseOutcome Exit(ExitCode code, string stdout, string stderr) => new(null, code, stdout, stderr);

    /// <summary>Parsed options.</summary>
    public static ParseOutcome Parsed(PygrubOptions options) => new(options, ExitCode.Success, string.Empty, string.Empty);
}

namespace PvBoot.Shim;

/// <summary>
/// The exit codes of <c>pygrub</c>. pygrub itself exits 0 on success and 1 on every failure; PvBoot keeps 1 for
/// every failure pygrub has (and for the errors PvBoot adds on the same paths), and adds three codes for failures
/// pygrub does not detect.
/// </summary>
internal enum ExitCode
{
    /// <summary>Done: the output was written (or the listing printed, or <c>-h</c>).</summary>
    Success = 0,

    /// <summary>
    /// pygrub's failure code: a malformed command line (usage on standard error), a bad option value, a missing
    /// image, no partition/file system/config found, a corrupt image, a config syntax error, a missing kernel or
    /// initrd, an output that cannot be written (disk full, file-size limit), a value an output format cannot
    /// represent, an interactive run without a terminal.
    /// </summary>
    Failure = 1,

    /// <summary>An unexpected internal error (a bug); the message names it, <c>--debug</c> prints the stack.</summary>
    InternalError = 70,

    /// <summary>The deprivileged child could not be set up (chroot, rlimits or the uid change failed).</summary>
    SandboxFailure = 71,

    /// <summary>The wall-clock deadline passed (a blocked or slow backing device); the child was killed.</summary>
    DeadlineExceeded = 124,

    /// <summary>The child was killed by a signal (128 + the signal number is reported as this code).</summary>
    KilledBySignal = 128,
}

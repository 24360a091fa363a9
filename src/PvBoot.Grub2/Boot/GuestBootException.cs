namespace PvBoot.Grub2;

/// <summary>
/// The guest cannot be booted for a reason that is not a corrupt structure: no partition holds a boot configuration,
/// the chosen kernel does not exist or is not a regular file, no entry is bootable. <see cref="Hint"/> tells the
/// administrator what to check.
/// </summary>
public sealed class GuestBootException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What went wrong, naming the image and the file.</param>
    /// <param name="hint">What to check.</param>
    public GuestBootException(string message, string hint)
        : base(message)
    {
        Hint = hint;
    }

    /// <summary>What the administrator should check.</summary>
    public string Hint { get; }
}

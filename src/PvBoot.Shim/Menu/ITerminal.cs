namespace PvBoot.Shim.Menu;

/// <summary>The terminal the menu draws on: byte input with a timeout, text output.</summary>
internal interface ITerminal
{
    /// <summary>Reads one input byte, or returns -1 if none arrives within <paramref name="timeoutMilliseconds"/>.</summary>
    int ReadByte(int timeoutMilliseconds);

    /// <summary>Writes text (UTF-8) to the terminal.</summary>
    void Write(string text);
}

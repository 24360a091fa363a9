using System.Text;
using PvBoot.Shim.Menu;

namespace PvBoot.Shim.Tests.Menu;

/// <summary>A terminal that plays back typed bytes and pauses against a simulated clock, and records what was drawn.</summary>
internal sealed class ScriptedTerminal : ITerminal
{
    private readonly Queue<(byte[]? Bytes, int WaitMilliseconds)> script = new();
    private readonly Queue<byte> pending = new();
    private readonly StringBuilder drawn = new();

    /// <summary>The simulated time in milliseconds.</summary>
    public long Now { get; private set; }

    /// <summary>Everything written so far.</summary>
    public string Drawn => drawn.ToString();

    public ScriptedTerminal Type(string text)
    {
        script.Enqueue((Encoding.UTF8.GetBytes(text), 0));
        return this;
    }

    public ScriptedTerminal Wait(int milliseconds)
    {
        script.Enqueue((null, milliseconds));
        return this;
    }

    public int ReadByte(int timeoutMilliseconds)
    {
        while (pending.Count == 0 && script.Count > 0)
        {
            (byte[]? bytes, int wait) = script.Peek();
            if (bytes is not null)
            {
                script.Dequeue();
                foreach (byte b in bytes)
                {
                    pending.Enqueue(b);
                }
            }
            else if (wait <= timeoutMilliseconds)
            {
                script.Dequeue();
                Now += wait;
                timeoutMilliseconds -= wait;
            }
            else
            {
                script.Dequeue();
                script.Enqueue((null, wait - timeoutMilliseconds));
                RotateToFront();
                Now += timeoutMilliseconds;
                return -1;
            }
        }

        if (pending.Count > 0)
        {
            return pending.Dequeue();
        }

        Now += timeoutMilliseconds;
        return -1;
    }

    public void Write(string text) => drawn.Append(text);

    private void RotateToFront()
    {
        // Move the re-queued remainder of the wait back to the front.
        for (int i = 0; i < script.Count - 1; i++)
        {
            script.Enqueue(script.Dequeue());
        }
    }
}

using System.Text;

namespace PvBoot.Shim.Menu;

/// <summary>An 80×24 character screen that renders as plain VT100 output (cursor addressing, reverse video, no colours).</summary>
internal sealed class ScreenText
{
    /// <summary>Screen rows.</summary>
    public const int Rows = 24;

    /// <summary>Screen columns.</summary>
    public const int Columns = 80;

    private readonly char[,] cells = new char[Rows, Columns];
    private readonly bool[,] reverse = new bool[Rows, Columns];

    /// <summary>An empty screen.</summary>
    public ScreenText()
    {
        for (int row = 0; row < Rows; row++)
        {
            for (int column = 0; column < Columns; column++)
            {
                cells[row, column] = ' ';
            }
        }
    }

    /// <summary>A copy of this screen.</summary>
    public ScreenText Copy()
    {
        var copy = new ScreenText();
        Array.Copy(cells, copy.cells, cells.Length);
        Array.Copy(reverse, copy.reverse, reverse.Length);
        return copy;
    }

    /// <summary>Puts <paramref name="text"/> at a position, clipped to the screen.</summary>
    public void Put(int row, int column, string text, bool reverse = false)
    {
        if (row is < 0 or >= Rows)
        {
            return;
        }

        for (int i = 0; i < text.Length && column + i < Columns; i++)
        {
            if (column + i >= 0)
            {
                cells[row, column + i] = text[i];
                this.reverse[row, column + i] = reverse;
            }
        }
    }

    /// <summary>Draws an ASCII box.</summary>
    public void Box(int top, int left, int height, int width)
    {
        Put(top, left, "+" + new string('-', width - 2) + "+");
        Put(top + height - 1, left, "+" + new string('-', width - 2) + "+");
        for (int row = top + 1; row < top + height - 1; row++)
        {
            Put(row, left, "|");
            Put(row, left + width - 1, "|");
        }
    }

    /// <summary>The screen's text, one line per row, trailing blanks removed.</summary>
    public string PlainText()
    {
        var builder = new StringBuilder();
        for (int row = 0; row < Rows; row++)
        {
            var line = new StringBuilder();
            for (int column = 0; column < Columns; column++)
            {
                line.Append(cells[row, column]);
            }

            builder.Append(line.ToString().TrimEnd()).Append('\n');
        }

        return builder.ToString();
    }

    /// <summary>The VT100 output that paints the whole screen.</summary>
    public string Render()
    {
        var builder = new StringBuilder("\x1b[H\x1b[2J");
        for (int row = 0; row < Rows; row++)
        {
            builder.Append("\x1b[").Append(row + 1).Append(";1H");
            bool inReverse = false;
            int end = Columns;
            while (end > 0 && cells[row, end - 1] == ' ' && !reverse[row, end - 1])
            {
                end--;
            }

            for (int column = 0; column < end; column++)
            {
                if (reverse[row, column] != inReverse)
                {
                    builder.Append(reverse[row, column] ? "\x1b[7m" : "\x1b[0m");
                    inReverse = reverse[row, column];
                }

                builder.Append(cells[row, column]);
            }

            if (inReverse)
            {
                builder.Append("\x1b[0m");
            }
        }

        return builder.ToString();
    }
}

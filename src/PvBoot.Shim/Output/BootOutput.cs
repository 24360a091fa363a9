using System.Text;

namespace PvBoot.Shim.Output;

/// <summary>A value that an output format cannot carry (a separator inside a value, an item libxl would drop).</summary>
internal sealed class UnrepresentableOutputException(string message) : Exception(message);

/// <summary>pygrub's output formats for the chosen boot files.</summary>
internal static class BootOutput
{
    /// <summary>libxl reads each result item into a <c>PATH_MAX*2</c> buffer and drops items that do not fit.</summary>
    public const int LibxlItemLimit = 4096 * 2;

    /// <summary>pygrub's <c>sxp</c>: <c>linux (kernel 'k')(ramdisk 'r')(args 'a')</c>; a missing kernel prints <c>None</c>.</summary>
    public static string FormatSxp(string? kernel, string? ramdisk, string? args)
    {
        var builder = new StringBuilder("linux (kernel ");
        builder.Append(kernel is null ? "None" : PythonRepr.Quote(kernel)).Append(')');
        if (!string.IsNullOrEmpty(ramdisk))
        {
            builder.Append("(ramdisk ").Append(PythonRepr.Quote(ramdisk)).Append(')');
        }

        if (!string.IsNullOrEmpty(args))
        {
            builder.Append("(args ").Append(PythonRepr.Quote(args)).Append(')');
        }

        return builder.ToString();
    }

    /// <summary>
    /// pygrub's <c>simple</c> (<paramref name="separator"/> <c>\n</c>) and <c>simple0</c> (<c>\0</c>): one item per
    /// separator and an empty item at the end. A value containing the separator is refused, as pygrub does; an item
    /// longer than libxl's buffer is refused too, because libxl would silently drop it.
    /// </summary>
    /// <exception cref="UnrepresentableOutputException">The result cannot be written in this format.</exception>
    public static string FormatSimple(string? kernel, string? ramdisk, string? args, char separator)
    {
        foreach (string? value in new[] { kernel, ramdisk, args })
        {
            if (value is not null && value.Contains(separator, StringComparison.Ordinal))
            {
                throw new UnrepresentableOutputException("simple format cannot represent delimiter-containing value");
            }
        }

        var builder = new StringBuilder();
        AppendItem(builder, "kernel " + (kernel ?? "None"), separator);
        if (!string.IsNullOrEmpty(ramdisk))
        {
            AppendItem(builder, "ramdisk " + ramdisk, separator);
        }

        if (!string.IsNullOrEmpty(args))
        {
            AppendItem(builder, "args " + args, separator);
        }

        builder.Append(separator);
        return builder.ToString();
    }

    private static void AppendItem(StringBuilder builder, string item, char separator)
    {
        int bytes = Encoding.UTF8.GetByteCount(item);
        if (bytes >= LibxlItemLimit)
        {
            throw new UnrepresentableOutputException(
                $"the item '{item[..Math.Min(item.Length, 40)]}...' is {bytes} bytes; libxl drops items of {LibxlItemLimit} bytes or more");
        }

        builder.Append(item).Append(separator);
    }

    /// <summary>Encodes the output as pygrub does (<c>str.encode()</c>: strict UTF-8).</summary>
    /// <exception cref="UnrepresentableOutputException">The text holds a lone surrogate.</exception>
    public static byte[] Encode(string text)
    {
        try
        {
            return new UTF8Encoding(false, true).GetBytes(text);
        }
        catch (EncoderFallbackException)
        {
            throw new UnrepresentableOutputException("the output is not valid Unicode text");
        }
    }
}

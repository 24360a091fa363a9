using PvBoot.Core;

namespace PvBoot.FileSystems.Iso9660;

/// <summary>
/// A Rock Ridge <c>SL</c> (symbolic link) entry: flags, then component records (flags, length, content) that spell
/// the target. A target may span several <c>SL</c> entries; <see cref="SymlinkBuilder"/> joins them.
/// </summary>
internal static class RrSl
{
    /// <summary>The smallest entry: header and flags.</summary>
    public const int MinimumSize = 5;

    /// <summary>The structure's name in errors.</summary>
    public const string StructureName = "rr_sl";

    /// <summary>Component flag: the component continues in the next component record.</summary>
    public const byte ComponentContinue = 0x01;

    /// <summary>Component flag: ".".</summary>
    public const byte ComponentCurrent = 0x02;

    /// <summary>Component flag: "..".</summary>
    public const byte ComponentParent = 0x04;

    /// <summary>Component flag: the root "/".</summary>
    public const byte ComponentRoot = 0x08;

    /// <summary>Parses the components of one entry and appends them to <paramref name="builder"/>.</summary>
    /// <param name="span">The entry's bytes (its <c>LEN</c>).</param>
    /// <param name="diskOffset">The absolute offset of the entry.</param>
    /// <param name="source">The source name for errors.</param>
    /// <param name="builder">The target being assembled.</param>
    /// <param name="maxBytes">The longest target accepted.</param>
    public static void Parse(ReadOnlySpan<byte> span, long diskOffset, string source, SymlinkBuilder builder, int maxBytes)
    {
        if (span.Length < MinimumSize)
        {
            throw new CorruptImageException(source, StructureName, "LEN", diskOffset + SuspEntry.Layout.Length,
                $"an SL entry of {span.Length} bytes has no flags byte");
        }

        int position = Layout.Components;
        while (position < span.Length)
        {
            if (position + 2 > span.Length)
            {
                throw new CorruptImageException(source, StructureName, "component", diskOffset + position,
                    "a component record header runs past the end of its SL entry");
            }

            byte flags = span[position + ComponentLayout.Flags];
            int length = span[position + ComponentLayout.Length];
            if (position + 2 + length > span.Length)
            {
                throw new CorruptImageException(source, StructureName, "component_len", diskOffset + position + ComponentLayout.Length,
                    $"a component of {length} bytes runs past the end of its {span.Length}-byte SL entry");
            }

            builder.Add(flags, span.Slice(position + ComponentLayout.Content, length));
            if (builder.Length > maxBytes)
            {
                throw new CorruptImageException(source, StructureName, "component", diskOffset + position,
                    $"the symlink target is longer than {maxBytes} bytes", ImageProblem.LimitExceeded);
            }

            position += 2 + length;
        }
    }

    /// <summary>Field offsets of the entry.</summary>
    public static class Layout
    {
        /// <summary>The entry flags (bit 0: the target continues in the next SL entry).</summary>
        public const int Flags = 4;

        /// <summary>The first component record.</summary>
        public const int Components = 5;
    }

    /// <summary>Field offsets of a component record.</summary>
    public static class ComponentLayout
    {
        /// <summary>The component flags.</summary>
        public const int Flags = 0;

        /// <summary>The content length.</summary>
        public const int Length = 1;

        /// <summary>The content.</summary>
        public const int Content = 2;
    }

    /// <summary>Assembles a target from component records.</summary>
    internal sealed class SymlinkBuilder
    {
        private readonly List<byte> bytes = [];
        private bool needSeparator;

        /// <summary>The bytes so far.</summary>
        public int Length => bytes.Count;

        /// <summary>Adds one component.</summary>
        /// <param name="flags">The component flags.</param>
        /// <param name="content">The component content.</param>
        public void Add(byte flags, ReadOnlySpan<byte> content)
        {
            if ((flags & ComponentRoot) != 0)
            {
                bytes.Clear();
                bytes.Add((byte)'/');
                needSeparator = false;
                return;
            }

            if (needSeparator)
            {
                bytes.Add((byte)'/');
            }

            if ((flags & ComponentCurrent) != 0)
            {
                bytes.Add((byte)'.');
            }
            else if ((flags & ComponentParent) != 0)
            {
                bytes.Add((byte)'.');
                bytes.Add((byte)'.');
            }
            else
            {
                foreach (byte b in content)
                {
                    bytes.Add(b);
                }
            }

            needSeparator = (flags & ComponentContinue) == 0;
        }

        /// <summary>The assembled target.</summary>
        /// <returns>The bytes.</returns>
        public byte[] ToArray() => [.. bytes];
    }
}

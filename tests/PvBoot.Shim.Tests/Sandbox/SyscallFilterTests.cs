using System.Buffers.Binary;
using PvBoot.Shim.Sandbox;

namespace PvBoot.Shim.Tests.Sandbox;

/// <summary>The worker's seccomp program, run instruction by instruction as the kernel's classic BPF runs it.</summary>
[TestFixture]
public sealed class SyscallFilterTests
{
    private const uint X8664 = 0xC000003E;
    private const uint Allow = 0x7FFF0000;
    private const uint Eperm = 0x00050001;
    private const uint Kill = 0x00000000;

    [Test]
    public void EveryRefusedCallFailsWithEpermAndTheRuntimesCallsPass()
    {
        byte[] program = SyscallFilter.Program();
        int[] runtime = [0, 1, 3, 9, 10, 11, 12, 13, 14, 17, 18, 28, 39, 56, 60, 186, 202, 204, 228, 231, 257, 262, 285, 318, 324, 334];
        Assert.Multiple(() =>
        {
            foreach ((string name, int number) in SyscallFilter.Refused)
            {
                Assert.That(Run(program, X8664, (uint)number), Is.EqualTo(Eperm), name);
            }

            foreach (int number in runtime)
            {
                Assert.That(Run(program, X8664, (uint)number), Is.EqualTo(Allow), "system call " + number);
            }

            Assert.That(Run(program, X8664, 0x40000000 | 1u), Is.EqualTo(Kill), "an x32 call");
            Assert.That(Run(program, 0x40000003, 4), Is.EqualTo(Kill), "a 32-bit call");
            Assert.That(SyscallFilter.Refused.Select(r => r.Number), Is.Unique);
        });
    }

    /// <summary>Runs the loads, jumps and returns the program uses over a <c>seccomp_data</c> of (nr, arch).</summary>
    private static uint Run(byte[] program, uint arch, uint number)
    {
        uint accumulator = 0;
        int pc = 0;
        for (int steps = 0; steps < 4096; steps++)
        {
            ReadOnlySpan<byte> at = program.AsSpan(pc * 8, 8);
            ushort code = BinaryPrimitives.ReadUInt16LittleEndian(at);
            uint k = BinaryPrimitives.ReadUInt32LittleEndian(at[4..]);
            switch (code)
            {
                case 0x20: // BPF_LD | BPF_W | BPF_ABS
                    accumulator = k switch { 0 => number, 4 => arch, _ => throw new AssertionException("load of offset " + k) };
                    pc++;
                    break;
                case 0x15: // BPF_JMP | BPF_JEQ | BPF_K
                    pc += 1 + (accumulator == k ? at[2] : at[3]);
                    break;
                case 0x35: // BPF_JMP | BPF_JGE | BPF_K
                    pc += 1 + (accumulator >= k ? at[2] : at[3]);
                    break;
                case 0x06: // BPF_RET | BPF_K
                    return k;
                default:
                    throw new AssertionException("unexpected instruction 0x" + code.ToString("x", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        throw new AssertionException("the program does not end");
    }
}

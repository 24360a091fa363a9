namespace PvBoot.Shim;

/// <summary>The <c>pygrub</c> entry point.</summary>
internal static class Program
{
    private static int Main(string[] args) => Pygrub.Entry(args);
}

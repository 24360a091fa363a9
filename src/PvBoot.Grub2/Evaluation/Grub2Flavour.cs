namespace PvBoot.Grub2.Evaluation;

/// <summary>The GRUB 2 build whose rules apply (boot-config-semantics §0, §3.2).</summary>
internal enum Grub2Flavour
{
    /// <summary>Upstream GRUB 2.02–2.12 and the Debian/Ubuntu/SUSE/RHEL 7 builds.</summary>
    Upstream,

    /// <summary>Red Hat's fork as shipped in RHEL 8: <c>blscfg</c>, id-first default matching.</summary>
    El8,

    /// <summary>Red Hat's fork in Fedora ≥ 30 and RHEL 9+: also, submenus inherit every variable.</summary>
    Fedora,
}

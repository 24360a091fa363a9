namespace PvBoot.Shim.Sandbox;

/// <summary>The worker is to deprivilege (<see cref="Deprivileger.Enter"/>), with the parts the parent made ahead, if any.</summary>
/// <param name="Preparation">The network namespace and the uid of <c>nobody</c> made ahead, or <see langword="null"/>.</param>
internal sealed record SandboxRequest(SandboxPreparation? Preparation);

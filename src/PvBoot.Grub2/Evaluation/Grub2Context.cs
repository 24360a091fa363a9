namespace PvBoot.Grub2.Evaluation;

/// <summary>
/// One GRUB variable context (<c>grub_env_context_open</c>): variables with their export flags, and the menu that
/// <c>menuentry</c> commands in this context fill.
/// </summary>
internal sealed class Grub2Context
{
    private readonly Dictionary<string, Grub2Variable> variables = new(StringComparer.Ordinal);

    /// <summary>The menu of this context.</summary>
    public List<Grub2MenuItem> Menu { get; } = [];

    /// <summary>The variables, by name.</summary>
    public IReadOnlyDictionary<string, Grub2Variable> Variables => variables;

    /// <summary>Opens a child context: upstream copies exported variables only; Fedora copies all of them.</summary>
    public Grub2Context Open(bool inheritAll)
    {
        var child = new Grub2Context();
        foreach (var (name, variable) in variables)
        {
            if (inheritAll || variable.Exported)
            {
                child.variables[name] = variable;
            }
        }

        return child;
    }

    /// <summary>A copy with the same variables and an empty menu (for running an entry body without side effects).</summary>
    public Grub2Context Fork()
    {
        var copy = new Grub2Context();
        foreach (var (name, variable) in variables)
        {
            copy.variables[name] = variable;
        }

        return copy;
    }

    /// <summary>The value of <paramref name="name"/>, or <see langword="null"/>.</summary>
    public string? Get(string name) => variables.TryGetValue(name, out Grub2Variable? v) ? v.Value : null;

    /// <summary>Where the current value of <paramref name="name"/> came from, or <see langword="null"/>.</summary>
    public string? OriginOf(string name) => variables.TryGetValue(name, out Grub2Variable? v) ? v.Origin : null;

    /// <summary>Sets a variable, keeping its export flag.</summary>
    public void Set(string name, string value, string origin)
    {
        bool exported = variables.TryGetValue(name, out Grub2Variable? old) && old.Exported;
        variables[name] = new Grub2Variable(value, exported, origin);
    }

    /// <summary>Removes a variable.</summary>
    public void Unset(string name) => variables.Remove(name);

    /// <summary>Marks a variable exported, creating it empty if unset.</summary>
    public void Export(string name, string origin)
    {
        Grub2Variable old = variables.TryGetValue(name, out Grub2Variable? v) ? v : new Grub2Variable(string.Empty, false, origin);
        variables[name] = old with { Exported = true };
    }
}

/// <summary>A variable's value, export flag and where the value came from (for the explanation).</summary>
/// <param name="Value">The value.</param>
/// <param name="Exported">Whether child contexts receive it.</param>
/// <param name="Origin">Where it was set (a config line, a grubenv file).</param>
internal sealed record Grub2Variable(string Value, bool Exported, string Origin);

using System;
using System.Collections.Generic;
using System.Linq;

namespace RmbgPS.Tests;

/// <summary>
/// Sets environment variables for one test and puts back what was there before, on Dispose. Variables are
/// process-wide, so a test that changes one without this leaks it into every later test of the run.
/// </summary>
public sealed class EnvironmentScope : IDisposable
{
    private readonly Dictionary<string, string?> saved;

    /// <summary>Remembers these variables; change them with <see cref="Set"/> (or directly) and they are restored.</summary>
    public EnvironmentScope(params string[] names) =>
        saved = names.Distinct().ToDictionary(n => n, Environment.GetEnvironmentVariable);

    /// <summary>Sets a variable (null removes it), remembering its first value if this scope did not already.</summary>
    public EnvironmentScope Set(string name, string? value)
    {
        saved.TryAdd(name, Environment.GetEnvironmentVariable(name));
        Environment.SetEnvironmentVariable(name, value);
        return this;
    }

    public void Dispose()
    {
        foreach (var (name, value) in saved)
            Environment.SetEnvironmentVariable(name, value);
    }
}

using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;

namespace EdgeNode.Common;

/// <summary>
/// Parses and runs a System.CommandLine command the way every EdgeNode verb behaves: a usage error prints one line
/// naming the verb and a pointer to its <c>--help</c> on stderr and exits 64 (EX_USAGE); help goes to stdout and exits 0.
/// </summary>
public static class CommandLineRunner
{
    /// <summary>Exit code of a usage error (sysexits EX_USAGE).</summary>
    public const int UsageExitCode = 64;

    /// <summary>Help is wrapped at this width whatever the terminal, so that the usage text in README.md is stable.</summary>
    public const int HelpWidth = 110;

    /// <summary>No response files (<c>@file</c>): a token starting with <c>@</c> is a value, as before System.CommandLine.</summary>
    public static ParserConfiguration Parser { get; } = new() { ResponseFileTokenReplacer = null };

    /// <summary>Parses <paramref name="args"/> against <paramref name="command"/> and invokes the matched action with <paramref name="cancellationToken"/>.</summary>
    /// <param name="command">The root (or a verb, in tests).</param>
    /// <param name="args">The arguments after the program name.</param>
    /// <param name="program">The name usage errors start with (<c>edgenode</c>).</param>
    /// <param name="stdout">Where results and help go.</param>
    /// <param name="stderr">Where errors go.</param>
    /// <param name="cancellationToken">Cancels the action (Ctrl-C is the caller's: System.CommandLine's own signal handling is off, so that the node's host keeps its SIGTERM drain).</param>
    public static async Task<int> InvokeAsync(Command command, IReadOnlyList<string> args, string program, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(stderr);
        UseFixedHelpWidth(command);
        var result = command.Parse(args, Parser);
        if (result.Errors.Count > 0)
        {
            var path = CommandPath(result.CommandResult, program);

            // "edgenode model nope" reports both a missing sub-verb and the unknown word; the word is the one to fix.
            var error = result.Errors.OrderBy(e => e.Message.StartsWith("Required command", StringComparison.Ordinal)).First();
            await stderr.WriteLineAsync($"{path}: {error.Message}");
            await stderr.WriteLineAsync($"Try '{path} --help'.");
            return UsageExitCode;
        }

        return await result.InvokeAsync(new InvocationConfiguration { Output = stdout, Error = stderr, ProcessTerminationTimeout = null }, cancellationToken);
    }

    /// <summary>The help text of the verb at <paramref name="path"/> (empty: the root), exactly as <c>--help</c> prints it.</summary>
    public static string Help(Command root, params string[] path)
    {
        ArgumentNullException.ThrowIfNull(root);
        UseFixedHelpWidth(root);
        using var output = new StringWriter();
        root.Parse([.. path, "--help"], Parser).Invoke(new InvocationConfiguration { Output = output, Error = output, ProcessTerminationTimeout = null });
        return output.ToString();
    }

    private static void UseFixedHelpWidth(Command command)
    {
        foreach (var help in command.Options.OfType<HelpOption>())
        {
            if (help.Action is HelpAction action)
            {
                action.MaxWidth = HelpWidth;
            }
        }
    }

    private static string CommandPath(CommandResult result, string program)
    {
        var names = new List<string>();
        for (SymbolResult? r = result; r is CommandResult c; r = c.Parent)
        {
            names.Insert(0, c.Command is RootCommand ? program : c.Command.Name);
        }

        return names[0] == program ? string.Join(' ', names) : program + " " + string.Join(' ', names);
    }
}

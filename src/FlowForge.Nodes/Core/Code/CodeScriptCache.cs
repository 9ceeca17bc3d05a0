using System.Collections.Concurrent;
using Acornima;
using Acornima.Ast;
using Jint;
using JsEngine = Jint.Engine;

namespace FlowForge.Nodes.Core.Code;

/// <summary>
/// Parses <c>core.code</c> sources once and keeps the prepared scripts for reuse, at most
/// <see cref="CodeOptions.MaxCachedScripts"/> of them (the whole cache is dropped when it is full: sources
/// are few and change rarely). A prepared script is immutable, so one is shared by every execution.
/// </summary>
public sealed class CodeScriptCache(int capacity)
{
    /// <summary>Script name in locations and stack traces.</summary>
    public const string ScriptName = "code";

    // The source is the body of a function; the wrapper's first line is counted out of every reported line.
    private const string Header = "(function (input, nodes, run) {\n";
    private const string Footer = "\n})";

    private static readonly ParserOptions CheckOptions = new() { AllowReturnOutsideFunction = true };

    private readonly ConcurrentDictionary<string, Prepared<Script>> _scripts = new(StringComparer.Ordinal);

    public int Count => _scripts.Count;

    /// <summary>The prepared function for <paramref name="source"/>, or why it cannot be read (line and column, 1-based).</summary>
    public bool TryGet(string source, out Prepared<Script> script, out string? problem)
    {
        problem = null;
        if (_scripts.TryGetValue(source, out script))
        {
            return true;
        }

        try
        {
            // The body alone is read first, so that positions are the user's and a body that closes the
            // wrapper early ("}); (function () {") is refused rather than run.
            new Parser(CheckOptions).ParseScript(source, ScriptName, strict: true);
            script = JsEngine.PrepareScript(Header + source + Footer, ScriptName, strict: true);
        }
        catch (ParseErrorException ex)
        {
            problem = $"line {ex.LineNumber}, column {ex.Column + 1}: {ex.Description}";
            return false;
        }
        catch (ScriptPreparationException ex) when (ex.InnerException is ParseErrorException inner)
        {
            problem = $"line {Math.Max(1, inner.LineNumber - 1)}, column {inner.Column + 1}: {inner.Description}";
            return false;
        }
        catch (ScriptPreparationException ex)
        {
            problem = $"the code cannot be prepared: {ex.InnerException?.Message ?? ex.Message}";
            return false;
        }
        catch (InsufficientExecutionStackException)
        {
            problem = "the code nests too deeply to be read; split deeply nested expressions or blocks";
            return false;
        }

        if (capacity > 0)
        {
            if (_scripts.Count >= capacity)
            {
                _scripts.Clear();
            }

            _scripts.TryAdd(source, script);
        }

        return true;
    }

    /// <summary>The line of the user's source that a line of the prepared script is (the wrapper adds one above).</summary>
    public static int SourceLine(int scriptLine) => scriptLine - 1;
}

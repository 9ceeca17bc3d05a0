using System.CommandLine;

namespace FlowForge.Server.Cli;

/// <summary>
/// <c>flowforge completion bash|zsh</c>: prints a script that makes the shell complete commands, options and their
/// values by asking <c>flowforge</c> itself (the <c>[suggest]</c> directive), so it never goes stale.
/// </summary>
internal static class CompletionCommand
{
    private const string Bash = """
        # flowforge completion for bash: add `source <(flowforge completion bash)` to ~/.bashrc
        _flowforge_complete() {
          local IFS=$'\n'
          COMPREPLY=($(compgen -W "$("${COMP_WORDS[0]}" "[suggest:${COMP_POINT}]" "${COMP_LINE}" 2>/dev/null)" -- "${COMP_WORDS[COMP_CWORD]}"))
        }
        complete -o default -F _flowforge_complete flowforge
        """;

    private const string Zsh = """
        # flowforge completion for zsh: add `source <(flowforge completion zsh)` to ~/.zshrc
        _flowforge_complete() {
          local -a candidates
          candidates=("${(@f)$("${words[1]}" "[suggest:${#BUFFER}]" "$BUFFER" 2>/dev/null)}")
          compadd -a candidates
        }
        compdef _flowforge_complete flowforge
        """;

    public static Command Create()
    {
        var shell = new Argument<string>("SHELL") { Description = "The shell to complete in: bash or zsh" };
        shell.AcceptOnlyFromAmong("bash", "zsh");
        var command = new Command("completion", "Print a shell completion script (source <(flowforge completion bash))") { shell };
        command.SetAction(async (parse, cancellationToken) =>
        {
            await parse.InvocationConfiguration.Output.WriteLineAsync(parse.GetValue(shell) == "zsh" ? Zsh : Bash);
            return 0;
        });
        return command;
    }
}

using FlowForge.Server.Cli;

return await FlowForgeCli.RunAsync(args, Console.Out, Console.Error, CancellationToken.None);

using Podnet.Cli;

return PodnetCommand.Run(args, Console.Out, Console.Error);

using Podnet.Cli;
using Podnet.Cli.Output;

return PodnetCommand.Run(args, ConsoleWriter.StandardOutput(), ConsoleWriter.StandardError());

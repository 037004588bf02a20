using Podnet.Cli.Output;
using Podnet.Live;
using Podnet.World;

namespace Podnet.Cli;

/// <summary>
/// What <c>reach</c>, <c>matrix</c>, <c>lint</c> and <c>test</c> decide on: a world's files, or a live cluster read
/// through its APIs (<c>--kubeconfig</c>). Both become the same documents for <see cref="WorldLoader"/>, so what
/// follows the load is one code path.
/// </summary>
public abstract record WorldInput
{
    /// <summary>How messages name the input: the path, or the kubeconfig and context.</summary>
    public abstract string Name { get; }

    /// <summary>Loads the world, or says why not on <paramref name="error"/> (one <c>error:</c> line) and gives null.</summary>
    public abstract Podnet.World.World? TryLoad(TextWriter error);

    /// <summary>A world's file or directory.</summary>
    public sealed record Files(string Path) : WorldInput
    {
        public override string Name => Path;

        public override Podnet.World.World? TryLoad(TextWriter error) => WorldFiles.TryLoad(Path, error);
    }

    /// <summary>A live cluster: its Kubernetes API from the kubeconfig, its VPC from EC2 (<paramref name="EndpointUrl"/> as the aws CLI's --endpoint-url).</summary>
    public sealed record Live(LiveClusterSource Source, string? EndpointUrl) : WorldInput
    {
        public override string Name => Source.Display;

        public override Podnet.World.World? TryLoad(TextWriter error)
        {
            ArgumentNullException.ThrowIfNull(error);
            if (TryRead(error) is not { } snapshot)
            {
                return null;
            }

            try
            {
                return ProgressLine.Run(error, "loading the cluster's world", line =>
                    WorldLoader.Load(snapshot.Sources(Source.Display), settleProgress: line.IsShown ? w => line.Report(() => "settling the cluster's world") : null));
            }
            catch (WorldException e)
            {
                error.WriteLine($"error: {e.Message}");
                return null;
            }
        }

        /// <summary>
        /// Reads the cluster; what a world cannot say goes to <paramref name="error"/> as <c>note:</c> lines (stderr, so
        /// <c>-o json</c> stays parseable); a failure is one <c>error:</c> line and null.
        /// </summary>
        public LiveSnapshot? TryRead(TextWriter error)
        {
            ArgumentNullException.ThrowIfNull(error);
            try
            {
                var snapshot = ProgressLine.Run(error, "reading the cluster", _ => LiveSnapshot.ReadAsync(Source, EndpointUrl).GetAwaiter().GetResult());
                foreach (var note in snapshot.Notes)
                {
                    error.WriteLine($"note: {note}");
                }

                return snapshot;
            }
            catch (LiveClusterException e)
            {
                error.WriteLine($"error: {e.Message}");
                return null;
            }
        }
    }
}

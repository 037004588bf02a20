using System.CommandLine;
using Podnet.Cli.Output;
using Podnet.ResourceController;
using Podnet.World;

namespace Podnet.Cli.Commands;

/// <summary>
/// <c>podnet leaked-enis [WORLD] [--delete-cluster] [--delete]</c>: the tagged, available interfaces a cluster
/// leaves behind — after deleting the cluster's node groups and the cluster, as the seed warns — and their cleanup.
/// </summary>
public static class LeakedEnisCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var world = new Argument<string?>("world") { Description = "A world (default: the default world)", Arity = ArgumentArity.ZeroOrOne };
        var deleteCluster = new Option<bool>("--delete-cluster") { Description = "First delete the cluster's node groups and the cluster, as `aws eks delete-nodegroup` and `delete-cluster` would" };
        var delete = new Option<bool>("--delete") { Description = "Delete the leaked interfaces (as `aws ec2 delete-network-interface` for each)" };
        var command = new Command("leaked-enis", "Find (and delete) the network interfaces a cluster leaves behind") { world, deleteCluster, delete };
        command.SetAction(parse => Execute(parse.GetValue(world), parse.GetValue(deleteCluster), parse.GetValue(delete), output, error));
        return command;
    }

    public static int Execute(string? path, bool deleteCluster, bool delete, TextWriter output, TextWriter error)
    {
        if (WorldFiles.TryLoad(path, error) is not { } loaded)
        {
            return PodnetCommand.ErrorExitCode;
        }

        if (loaded.Cloud is not { } cloud || loaded.Cluster is not { } cluster)
        {
            error.WriteLine("error: the world has no EKS cluster");
            return PodnetCommand.ErrorExitCode;
        }

        if (deleteCluster)
        {
            foreach (var nodegroup in cloud.Eks.ListNodegroups(cluster.Name))
            {
                output.WriteLine($"$ aws eks delete-nodegroup --cluster-name {cluster.Name} --nodegroup-name {nodegroup}");
                cloud.Eks.DeleteNodegroup(cluster.Name, nodegroup);
            }

            // EKS refuses to delete a cluster while its node groups are still being deleted: wait for them, as a user
            // does. Only EKS's clock moves: this replays seed 000's warning, a cluster deleted with its pods' branch
            // interfaces still in place, so the cluster's controllers get no chance to clean up in between.
            AwaitEks(loaded);
            output.WriteLine($"$ aws eks delete-cluster --name {cluster.Name}");
            cloud.Eks.DeleteCluster(cluster.Name);
            AwaitEks(loaded);
        }

        // As the account's administrator would run the aws CLI: through EC2's API, with IAM and throttling.
        var leaked = LeakedInterfaces.FindAsync(cloud.Ec2, cluster.Name).GetAwaiter().GetResult();
        var table = new TextTable("NETWORK INTERFACE", "TYPE", "DESCRIPTION", "SUBNET", "PRIVATE IP", "OWNER");
        foreach (var eni in leaked)
        {
            table.Add(eni.NetworkInterfaceId, eni.InterfaceType, eni.Description, eni.SubnetId, eni.PrivateIpAddress, eni.TagSet.First(t => t.Key == "eks:eni:owner").Value);
        }

        output.WriteLine($"$ aws ec2 describe-network-interfaces --filters Name=status,Values=available Name=tag:eks:eni:owner,Values={string.Join(",", LeakedInterfaces.Owners)} Name=tag:kubernetes.io/cluster/{cluster.Name},Values=owned");
        output.Write(leaked.Count == 0 ? "No leaked network interfaces.\n" : table.ToString());
        if (delete)
        {
            foreach (var id in LeakedInterfaces.DeleteAsync(cloud.Ec2, cluster.Name).GetAwaiter().GetResult())
            {
                output.WriteLine($"$ aws ec2 delete-network-interface --network-interface-id {id}");
            }
        }

        return ExitCodes.Ok;
    }

    /// <summary>Moves virtual time on until EKS has nothing in progress (node groups and clusters being deleted are gone).</summary>
    private static void AwaitEks(Podnet.World.World world)
    {
        while (world.Cloud!.NextTransition is { } next)
        {
            world.Time.AdvanceTo(next);
        }
    }
}

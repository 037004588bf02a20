using System.CommandLine;
using Podnet.Aws;
using Podnet.Aws.Ec2;
using Podnet.Cli.Output;
using Podnet.ResourceController;
using Podnet.World;

namespace Podnet.Cli.Commands;

/// <summary>
/// <c>podnet leaked-enis [WORLD] [--delete-cluster] [--delete]</c>: the tagged, available interfaces a cluster
/// leaves behind — after deleting the cluster's node groups and the cluster, as the seed warns — and their cleanup,
/// as the account's administrator with the aws CLI: IAM, EC2's throttling and the world's faults apply, and each call
/// is retried as the aws CLI retries it; a call that still fails prints the aws CLI's error line on stderr and makes
/// the exit code 1.
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

        // As the account's administrator runs the aws CLI: through EC2's API — IAM, throttling and the world's faults
        // apply — with the CLI's own retries (botocore's legacy mode, 5 attempts).
        var ec2 = new StandardRetryer(cloud.Ec2, StandardRetryer.AwsCliMaxAttempts);
        var describe = $"$ aws ec2 describe-network-interfaces --filters Name=status,Values=available Name=tag:eks:eni:owner,Values={string.Join(",", LeakedInterfaces.Owners)} Name=tag:kubernetes.io/cluster/{cluster.Name},Values=owned";
        IReadOnlyList<NetworkInterface> leaked;
        try
        {
            leaked = LeakedInterfaces.FindAsync(ec2, cluster.Name).GetAwaiter().GetResult();
        }
        catch (AwsException e)
        {
            output.WriteLine(describe);
            error.WriteLine(ec2.CliText(e));
            return ExitCodes.Verdict;
        }

        var table = new TextTable("NETWORK INTERFACE", "TYPE", "DESCRIPTION", "SUBNET", "PRIVATE IP", "OWNER");
        foreach (var eni in leaked)
        {
            table.Add(eni.NetworkInterfaceId, eni.InterfaceType, eni.Description, eni.SubnetId, eni.PrivateIpAddress, eni.TagSet.First(t => t.Key == "eks:eni:owner").Value);
        }

        output.WriteLine(describe);
        output.Write(leaked.Count == 0 ? "No leaked network interfaces.\n" : table.ToString());
        var failed = 0;
        if (delete)
        {
            foreach (var (id, refused) in LeakedInterfaces.DeleteAsync(ec2, leaked).GetAwaiter().GetResult())
            {
                output.WriteLine($"$ aws ec2 delete-network-interface --network-interface-id {id}");
                if (refused is not null)
                {
                    // The aws CLI's own line for the call that failed; the next interface is still tried, as a loop of
                    // aws commands in a shell goes on.
                    output.Flush();
                    error.WriteLine(ec2.CliText(refused));
                    failed++;
                }
            }
        }

        return failed == 0 ? ExitCodes.Ok : ExitCodes.Verdict;
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

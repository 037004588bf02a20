using Podnet.Kube.Api;
using Podnet.Kube.Controllers;
using Podnet.Kube.Store;

namespace Podnet.Tests.Kube.Controllers;

/// <summary>The reconcile contract (controller-runtime's reconcileHandler): done, requeue-after, or an error.</summary>
public class ReconcilingControllerTests
{
    private static readonly ObjectKey Key = new("default", "web");

    [Fact]
    public void Reconcile_Error_IsRetriedWithExponentialBackoff_AndDoneForgetsTheFailures()
    {
        var cluster = new TestCluster();
        var start = cluster.Time.GetUtcNow();
        var controller = new ScriptedController(cluster, Fail, Fail, Fail, Done, Fail);
        controller.Enqueue(Key);

        Drive(cluster, controller, TimeSpan.FromSeconds(1));

        // Tries at 0, then after 5, 10 and 20 ms; the success forgets the failures.
        Assert.Equal([0, 5, 15, 35], controller.Attempts.Take(4).Select(t => (int)(t - start).TotalMilliseconds));
        Assert.Equal(4, controller.Attempts.Count);
        Assert.Empty(controller.Errors);

        // A later failure is a first one again: 5 ms.
        var again = cluster.Time.GetUtcNow();
        controller.Enqueue(Key);
        Drive(cluster, controller, TimeSpan.FromSeconds(1));
        Assert.Equal([0, 5], controller.Attempts.Skip(4).Select(t => (int)(t - again).TotalMilliseconds));
    }

    [Fact]
    public void Reconcile_RequeueAfter_IsNotCountedAsAFailure()
    {
        var cluster = new TestCluster();
        var start = cluster.Time.GetUtcNow();
        var controller = new ScriptedController(cluster, Fail, Fail, After(TimeSpan.FromSeconds(2)), Fail, Done);
        controller.Enqueue(Key);

        Drive(cluster, controller, TimeSpan.FromSeconds(10));

        // 0, +5 ms, +10 ms, then the requeue 2 s later (which forgot the two failures), whose failure waits 5 ms again.
        Assert.Equal([0, 5, 15, 2015, 2020], controller.Attempts.Select(t => (int)(t - start).TotalMilliseconds));
        Assert.Null(controller.NextDue);
    }

    [Fact]
    public void Reconcile_StoreErrorThrown_IsTheReconcilesError()
    {
        var cluster = new TestCluster();
        var controller = new ScriptedController(cluster, () => throw new KubeException("Conflict", "the object has been modified", 409), Done);
        controller.Enqueue(Key);

        Assert.True(controller.ProcessNext());
        Assert.Equal("the object has been modified", controller.Errors[Key]);
        Assert.Equal(cluster.Time.GetUtcNow().AddMilliseconds(5), controller.NextDue);
    }

    [Fact]
    public void Reconcile_FailingPastMaxRetries_IsGivenUp_AndAWaitKeepsTheCount()
    {
        // The resource controller's worker (pkg/worker/worker.go): a requeue-after keeps the failures, and the job is
        // given up once NumRequeues has reached the maximum — here 2: the first try and two retries.
        var cluster = new TestCluster();
        var controller = new ScriptedController(cluster, Fail, After(TimeSpan.FromSeconds(1)), Fail, Fail, Fail) { Retries = 2, ForgetOnRequeue = false };
        controller.Enqueue(Key);

        Drive(cluster, controller, TimeSpan.FromSeconds(10));

        Assert.Equal(4, controller.Attempts.Count);
        Assert.Equal([Key], controller.GivenUp);
        Assert.Null(controller.NextDue);
    }

    private static ReconcileResult Fail() => ReconcileResult.Failed(new InvalidOperationException("not yet"));

    private static ReconcileResult Done() => ReconcileResult.Done;

    private static Func<ReconcileResult> After(TimeSpan delay) => () => ReconcileResult.After(delay);

    /// <summary>Runs the controller's ready work, moving the clock to each due moment within <paramref name="within"/>.</summary>
    private static void Drive(TestCluster cluster, ScriptedController controller, TimeSpan within)
    {
        var end = cluster.Time.GetUtcNow() + within;
        while (true)
        {
            while (controller.ProcessNext())
            {
            }

            if (controller.NextDue is not { } due || due > end)
            {
                return;
            }

            cluster.Time.Advance(due - cluster.Time.GetUtcNow());
        }
    }

    /// <summary>A controller whose reconciles answer from a script, recording when each ran.</summary>
    private sealed class ScriptedController(TestCluster cluster, params Func<ReconcileResult>[] script)
        : ReconcilingController(cluster.Store, cluster.Time)
    {
        public List<DateTimeOffset> Attempts { get; } = [];

        public override string Name => "scripted";

        public int? Retries { get; init; }

        public bool ForgetOnRequeue { get; init; } = true;

        public List<ObjectKey> GivenUp { get; } = [];

        protected override bool ForgetsOnRequeueAfter => ForgetOnRequeue;

        protected override int? MaxRetriesOf(ObjectKey key) => Retries;

        protected override void GaveUp(ObjectKey key) => GivenUp.Add(key);

        public void Enqueue(ObjectKey key) => Queue.Add(key);

        public override void OnChange(WatchEvent change)
        {
        }

        protected override ValueTask<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
        {
            Attempts.Add(Time.GetUtcNow());
            return ValueTask.FromResult(Attempts.Count <= script.Length ? script[Attempts.Count - 1]() : ReconcileResult.Done);
        }
    }
}

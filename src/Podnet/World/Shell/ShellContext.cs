using Podnet.Kube.Views;
using Podnet.Policy;

namespace Podnet.World.Shell;

/// <summary>What every command of one pod's shell works from: the world, a reach snapshot of it, the pod and its resolver.</summary>
internal sealed record ShellContext(Podnet.World.World World, Reachability Reach, PodView Pod, Endpoint Source, PodResolver Resolver);

using System.Text.Json.Nodes;
using Podnet.Kube.Patching;
using static Podnet.Tests.Kube.Patching.JsonAssert;

namespace Podnet.Tests.Kube.Patching;

public class StrategicMergePatchTests
{
    private static JsonNode Pod(string spec, string metadata = """{"name":"p","namespace":"default"}""", string status = "{}")
        => Parse($$"""{"apiVersion":"v1","kind":"Pod","metadata":{{metadata}},"spec":{{spec}},"status":{{status}}}""");

    private static JsonNode PatchPod(JsonNode pod, string patch) => StrategicMergePatch.Apply(pod, Parse(patch), "v1", "Pod");

    private static JsonNode Workload(string apiVersion, string kind, string podSpec, string extraSpec = "")
        => Parse("{\"apiVersion\":\"" + apiVersion + "\",\"kind\":\"" + kind + "\","
            + "\"metadata\":{\"name\":\"w\",\"namespace\":\"kube-system\"},"
            + "\"spec\":{" + extraSpec + "\"selector\":{\"matchLabels\":{\"k8s-app\":\"w\"}},"
            + "\"template\":{\"metadata\":{\"labels\":{\"k8s-app\":\"w\"}},\"spec\":" + podSpec + "}}}");

    private static JsonNode? At(JsonNode node, params string[] path)
    {
        JsonNode? current = node;
        foreach (var step in path)
        {
            current = int.TryParse(step, out var i) ? current![i] : current![step];
        }

        return current;
    }

    [Fact]
    public void SMP_MapsMergeRecursively_NullDeletesKey()
    {
        var pod = Pod("""{"containers":[{"name":"a","image":"a:1"}]}""", """{"name":"p","labels":{"app":"web","tier":"front"}}""");
        var result = PatchPod(pod, """{"metadata":{"labels":{"tier":null,"version":"2"},"annotations":{"x":"y"}}}""");
        Equal("""{"name":"p","labels":{"app":"web","version":"2"},"annotations":{"x":"y"}}""", result["metadata"]);
        Equal("""{"containers":[{"name":"a","image":"a:1"}]}""", result["spec"]);
    }

    [Fact]
    public void SMP_NullForMissingKey_IsDropped()
    {
        var pod = Pod("""{"containers":[{"name":"a"}]}""");
        var result = PatchPod(pod, """{"spec":{"nodeName":null,"nodeSelector":{"zone":null,"os":"linux"}}}""");
        Equal("""{"containers":[{"name":"a"}],"nodeSelector":{"os":"linux"}}""", result["spec"]);
    }

    [Fact]
    public void SMP_ContainersMergedByName_KeepsOthers()
    {
        var deployment = Workload("apps/v1", "Deployment",
            """{"containers":[{"name":"a","image":"a:1","args":["--x"]},{"name":"b","image":"b:1"}]}""");
        var result = StrategicMergePatch.Apply(deployment,
            Parse("""{"spec":{"template":{"spec":{"containers":[{"name":"b","image":"b:2"}]}}}}"""), "apps/v1", "Deployment");
        Equal("""[{"name":"a","image":"a:1","args":["--x"]},{"name":"b","image":"b:2"}]""",
            At(result, "spec", "template", "spec", "containers"));
        Equal("""{"matchLabels":{"k8s-app":"w"}}""", At(result, "spec", "selector"));
    }

    [Fact]
    public void SMP_EnvMergedByNameInsideContainer()
    {
        var pod = Pod("""{"containers":[{"name":"app","env":[{"name":"A","value":"1"},{"name":"B","value":"2"}]},{"name":"side"}]}""");
        var result = PatchPod(pod, """{"spec":{"containers":[{"name":"app","env":[{"name":"B","value":"3"}]}]}}""");
        Equal("""[{"name":"app","env":[{"name":"A","value":"1"},{"name":"B","value":"3"}]},{"name":"side"}]""",
            At(result, "spec", "containers"));
    }

    [Fact]
    public void SMP_KubectlSetEnvDaemonSet_AppendsInSetElementOrder()
    {
        var awsNode = Workload("apps/v1", "DaemonSet", """
            {"containers":[{"name":"aws-node","image":"amazon-k8s-cni:v1.19.0","env":[{"name":"A","value":"a"}]}],
             "hostNetwork":true}
            """);
        var patch = Parse("""{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"aws-node"}],"containers":[{"$setElementOrder/env":[{"name":"A"},{"name":"K"}],"env":[{"name":"K","value":"V"}],"name":"aws-node"}]}}}}""");

        var result = StrategicMergePatch.Apply(awsNode, patch, "apps/v1", "DaemonSet");

        Equal("""
            {"containers":[{"name":"aws-node","image":"amazon-k8s-cni:v1.19.0","env":[{"name":"A","value":"a"},{"name":"K","value":"V"}]}],
             "hostNetwork":true}
            """, At(result, "spec", "template", "spec"));
    }

    [Fact]
    public void SMP_NewItemWithoutSetElementOrder_GoesBeforeLiveItems()
    {
        // What the API server does (strategicpatch.mergeSlice): a new item is not in the live list, so it is
        // placed before the live-only items; that is why kubectl sends $setElementOrder.
        var pod = Pod("""{"containers":[{"name":"app","env":[{"name":"A","value":"1"}]}]}""");
        var result = PatchPod(pod, """{"spec":{"containers":[{"name":"app","env":[{"name":"K","value":"V"}]}]}}""");
        Equal("""[{"name":"K","value":"V"},{"name":"A","value":"1"}]""", At(result, "spec", "containers", "0", "env"));
    }

    [Fact]
    public void SMP_PatchItemsKeepLivePositionRelativeToLiveOnlyItems()
    {
        var pod = Pod("""{"containers":[{"name":"a"},{"name":"b"},{"name":"c"}]}""");
        var result = PatchPod(pod, """{"spec":{"containers":[{"name":"c","image":"c"},{"name":"a","image":"a"}]}}""");
        // Patch items keep the patch's order (c, a); b (live only) goes before c because it came before c live.
        Equal("""[{"name":"b"},{"name":"c","image":"c"},{"name":"a","image":"a"}]""", At(result, "spec", "containers"));
    }

    [Fact]
    public void SMP_KubectlApplySetElementOrder_ReordersAndAdds()
    {
        var pod = Pod("""{"containers":[{"name":"a","image":"a"},{"name":"b","image":"b"}]}""");
        var result = PatchPod(pod, """
            {"spec":{"$setElementOrder/containers":[{"name":"b"},{"name":"a"},{"name":"c"}],
                     "containers":[{"name":"c","image":"c"}]}}
            """);
        Equal("""[{"name":"b","image":"b"},{"name":"a","image":"a"},{"name":"c","image":"c"}]""", At(result, "spec", "containers"));
    }

    [Fact]
    public void SMP_KubectlApplySetElementOrder_WithDeletion()
    {
        var pod = Pod("""{"containers":[{"name":"a","image":"a"},{"name":"b","image":"b"},{"name":"c","image":"c"}]}""");
        var result = PatchPod(pod, """
            {"spec":{"$setElementOrder/containers":[{"name":"c"},{"name":"a"}],
                     "containers":[{"$patch":"delete","name":"b"},{"name":"a","image":"a:2"}]}}
            """);
        Equal("""[{"name":"c","image":"c"},{"name":"a","image":"a:2"}]""", At(result, "spec", "containers"));
    }

    [Fact]
    public void SMP_SetElementOrderAlone_ReordersLiveList_UnlistedItemsKeepRelativePosition()
    {
        var pod = Pod("""{"containers":[{"name":"a"},{"name":"b"},{"name":"c"}]}""");
        var reordered = PatchPod(pod, """{"spec":{"$setElementOrder/containers":[{"name":"c"},{"name":"b"},{"name":"a"}]}}""");
        Equal("""[{"name":"c"},{"name":"b"},{"name":"a"}]""", At(reordered, "spec", "containers"));

        // b is not listed: like the real mergeSortedSlice it stays ahead of c, which followed it in the live list.
        var partial = PatchPod(pod, """{"spec":{"$setElementOrder/containers":[{"name":"c"},{"name":"a"}]}}""");
        Equal("""[{"name":"b"},{"name":"c"},{"name":"a"}]""", At(partial, "spec", "containers"));
    }

    [Fact]
    public void SMP_SetElementOrder_PatchOrderMismatch_Throws()
    {
        var pod = Pod("""{"containers":[{"name":"a"},{"name":"b"}]}""");
        var ex = Assert.Throws<PatchException>(() => PatchPod(pod, """
            {"spec":{"$setElementOrder/containers":[{"name":"a"},{"name":"b"}],"containers":[{"name":"b"},{"name":"a"}]}}
            """));
        Assert.Contains("spec.containers", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SMP_PatchDeleteContainer()
    {
        var pod = Pod("""{"containers":[{"name":"a"},{"name":"b"},{"name":"c"}]}""");
        var result = PatchPod(pod, """{"spec":{"containers":[{"name":"b","$patch":"delete"}]}}""");
        Equal("""[{"name":"a"},{"name":"c"}]""", At(result, "spec", "containers"));
    }

    [Fact]
    public void SMP_PatchReplaceMap()
    {
        var pod = Pod("""{"containers":[{"name":"a"}],"nodeSelector":{"os":"linux","zone":"a"}}""",
            """{"name":"p","labels":{"app":"web","tier":"front"}}""");
        var result = PatchPod(pod, """
            {"metadata":{"labels":{"$patch":"replace","only":"this"}},"spec":{"nodeSelector":{"$patch":"replace"}}}
            """);
        Equal("""{"only":"this"}""", At(result, "metadata", "labels"));
        Equal("""{}""", At(result, "spec", "nodeSelector"));
    }

    [Fact]
    public void SMP_PatchReplaceWholeObject()
    {
        var pod = Pod("""{"containers":[{"name":"a"}]}""");
        var result = PatchPod(pod, """{"$patch":"replace","kind":"Pod","apiVersion":"v1","metadata":{"name":"q"}}""");
        Equal("""{"kind":"Pod","apiVersion":"v1","metadata":{"name":"q"}}""", result);
    }

    [Fact]
    public void SMP_PatchDeleteMap_LeavesEmptyMap()
    {
        // strategicpatch turns {"$patch":"delete"} in a map into an empty map.
        var pod = Pod("""{"containers":[{"name":"a"}],"securityContext":{"runAsUser":1000}}""");
        var result = PatchPod(pod, """{"spec":{"securityContext":{"$patch":"delete"}}}""");
        Equal("""{"containers":[{"name":"a"}],"securityContext":{}}""", result["spec"]);
    }

    [Fact]
    public void SMP_PatchReplaceList()
    {
        var pod = Pod("""{"containers":[{"name":"a","image":"a"},{"name":"b","image":"b"}]}""");
        var result = PatchPod(pod, """{"spec":{"containers":[{"$patch":"replace"},{"name":"z","image":"z"},{"name":"a","image":"a:2"}]}}""");
        Equal("""[{"name":"z","image":"z"},{"name":"a","image":"a:2"}]""", At(result, "spec", "containers"));
    }

    [Fact]
    public void SMP_FinalizersMergeAsSet()
    {
        var pod = Pod("""{"containers":[{"name":"a"}]}""", """{"name":"p","finalizers":["x/a","x/b"]}""");
        var result = PatchPod(pod, """{"metadata":{"finalizers":["x/b","x/c"]}}""");
        Equal("""["x/a","x/b","x/c"]""", At(result, "metadata", "finalizers"));
    }

    [Fact]
    public void SMP_DeleteFromPrimitiveList_Finalizers()
    {
        var pod = Pod("""{"containers":[{"name":"a"}]}""", """{"name":"p","finalizers":["f1","f2","f3"]}""");
        var result = PatchPod(pod, """{"metadata":{"$deleteFromPrimitiveList/finalizers":["f2","missing"]}}""");
        Equal("""{"name":"p","finalizers":["f1","f3"]}""", result["metadata"]);
    }

    [Fact]
    public void SMP_DeleteFromPrimitiveList_WithSetElementOrderAndAddition()
    {
        var pod = Pod("""{"containers":[{"name":"a"}]}""", """{"name":"p","finalizers":["f1","f2","f3"]}""");
        var result = PatchPod(pod, """
            {"metadata":{"$setElementOrder/finalizers":["f4","f1"],"$deleteFromPrimitiveList/finalizers":["f2","f3"],"finalizers":["f4"]}}
            """);
        Equal("""["f4","f1"]""", At(result, "metadata", "finalizers"));
    }

    [Fact]
    public void SMP_DeleteFromPrimitiveList_MissingList_IsNoOp()
    {
        var pod = Pod("""{"containers":[{"name":"a"}]}""");
        var result = PatchPod(pod, """{"metadata":{"$deleteFromPrimitiveList/finalizers":["f1"]}}""");
        Equal("""{"name":"p","namespace":"default"}""", result["metadata"]);
    }

    [Fact]
    public void SMP_RetainKeys_DeploymentStrategy()
    {
        var deployment = Workload("apps/v1", "Deployment", """{"containers":[{"name":"a"}]}""",
            """ "strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":1,"maxUnavailable":0}}, """);
        var result = StrategicMergePatch.Apply(deployment,
            Parse("""{"spec":{"strategy":{"$retainKeys":["type"],"type":"Recreate"}}}"""), "apps/v1", "Deployment");
        Equal("""{"type":"Recreate"}""", At(result, "spec", "strategy"));
    }

    [Fact]
    public void SMP_RetainKeys_VolumeSource()
    {
        var pod = Pod("""{"containers":[{"name":"a"}],"volumes":[{"name":"v","emptyDir":{}},{"name":"w","hostPath":{"path":"/x"}}]}""");
        var result = PatchPod(pod, """
            {"spec":{"volumes":[{"name":"v","$retainKeys":["configMap","name"],"configMap":{"name":"cm"}}]}}
            """);
        Equal("""[{"name":"v","configMap":{"name":"cm"}},{"name":"w","hostPath":{"path":"/x"}}]""", At(result, "spec", "volumes"));
    }

    [Fact]
    public void SMP_RetainKeys_PatchKeyNotRetained_Throws()
    {
        var pod = Pod("""{"containers":[{"name":"a"}],"volumes":[{"name":"v","emptyDir":{}}]}""");
        var ex = Assert.Throws<PatchException>(() => PatchPod(pod, """
            {"spec":{"volumes":[{"name":"v","$retainKeys":["name"],"configMap":{"name":"cm"}}]}}
            """));
        Assert.Contains("spec.volumes[name=v]", ex.Message, StringComparison.Ordinal);
        Assert.Contains("configMap", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SMP_PortsMergedByContainerPort()
    {
        var pod = Pod("""{"containers":[{"name":"a","ports":[{"containerPort":80,"name":"http"},{"containerPort":443,"name":"https"}]}]}""");
        var result = PatchPod(pod, """{"spec":{"containers":[{"name":"a","ports":[{"containerPort":80,"protocol":"TCP"}]}]}}""");
        Equal("""[{"containerPort":80,"name":"http","protocol":"TCP"},{"containerPort":443,"name":"https"}]""",
            At(result, "spec", "containers", "0", "ports"));
    }

    [Fact]
    public void SMP_VolumeMountsMergedByMountPath()
    {
        var pod = Pod("""{"containers":[{"name":"a","volumeMounts":[{"name":"v","mountPath":"/data"},{"name":"w","mountPath":"/w"}]}]}""");
        var result = PatchPod(pod, """{"spec":{"containers":[{"name":"a","volumeMounts":[{"mountPath":"/data","readOnly":true}]}]}}""");
        Equal("""[{"name":"v","mountPath":"/data","readOnly":true},{"name":"w","mountPath":"/w"}]""",
            At(result, "spec", "containers", "0", "volumeMounts"));
    }

    [Fact]
    public void SMP_ServicePortsMergedByPort()
    {
        var service = Parse("""
            {"apiVersion":"v1","kind":"Service","metadata":{"name":"s"},
             "spec":{"selector":{"app":"web"},"ports":[{"name":"http","port":80,"targetPort":8080},{"name":"https","port":443,"targetPort":8443}]}}
            """);
        var result = StrategicMergePatch.Apply(service, Parse("""{"spec":{"ports":[{"port":80,"targetPort":9090}]}}"""), "v1", "Service");
        Equal("""[{"name":"http","port":80,"targetPort":9090},{"name":"https","port":443,"targetPort":8443}]""", At(result, "spec", "ports"));
    }

    [Fact]
    public void SMP_PodConditionsMergedByType()
    {
        var pod = Pod("""{"containers":[{"name":"a"}]}""", status: """
            {"phase":"Pending","conditions":[{"type":"PodScheduled","status":"True"},{"type":"Ready","status":"False","reason":"ContainersNotReady"}]}
            """);
        var result = PatchPod(pod, """{"status":{"phase":"Running","conditions":[{"type":"Ready","status":"True","reason":null}]}}""");
        Equal("""
            {"phase":"Running","conditions":[{"type":"PodScheduled","status":"True"},{"type":"Ready","status":"True"}]}
            """, result["status"]);
    }

    [Fact]
    public void SMP_NodeAddressesAndConditionsMergedByType()
    {
        var node = Parse("""
            {"apiVersion":"v1","kind":"Node","metadata":{"name":"n"},
             "status":{"addresses":[{"type":"InternalIP","address":"10.0.0.1"},{"type":"Hostname","address":"n"}],
                       "conditions":[{"type":"Ready","status":"False"}],"images":[{"names":["a"]}]}}
            """);
        var result = StrategicMergePatch.Apply(node, Parse("""
            {"status":{"addresses":[{"type":"InternalIP","address":"10.0.0.2"}],"conditions":[{"type":"Ready","status":"True"}],"images":[{"names":["b"]}]}}
            """), "v1", "Node");
        Equal("""
            {"addresses":[{"type":"InternalIP","address":"10.0.0.2"},{"type":"Hostname","address":"n"}],
             "conditions":[{"type":"Ready","status":"True"}],"images":[{"names":["b"]}]}
            """, result["status"]);
    }

    [Fact]
    public void SMP_PodIPsMergedByIp_ContainerStatusesReplaced()
    {
        var pod = Pod("""{"containers":[{"name":"a"}]}""", status: """
            {"podIPs":[{"ip":"10.0.0.5"}],"containerStatuses":[{"name":"a","ready":false},{"name":"b","ready":false}]}
            """);
        var result = PatchPod(pod, """
            {"status":{"podIPs":[{"ip":"2600::5"}],"containerStatuses":[{"name":"a","ready":true}]}}
            """);
        Equal("""{"podIPs":[{"ip":"2600::5"},{"ip":"10.0.0.5"}],"containerStatuses":[{"name":"a","ready":true}]}""", result["status"]);
    }

    [Fact]
    public void SMP_OwnerReferencesMergedByUid()
    {
        var pod = Pod("""{"containers":[{"name":"a"}]}""",
            """{"name":"p","ownerReferences":[{"uid":"1","kind":"ReplicaSet","name":"rs"},{"uid":"2","kind":"Node","name":"n"}]}""");
        var result = PatchPod(pod, """{"metadata":{"ownerReferences":[{"uid":"1","controller":true}]}}""");
        Equal("""[{"uid":"1","kind":"ReplicaSet","name":"rs","controller":true},{"uid":"2","kind":"Node","name":"n"}]""",
            At(result, "metadata", "ownerReferences"));
    }

    [Fact]
    public void SMP_ListsWithoutStrategy_AreReplaced()
    {
        var pod = Pod("""
            {"containers":[{"name":"a","args":["--one","--two"],"command":["/bin/a"],"envFrom":[{"configMapRef":{"name":"x"}}]}],
             "tolerations":[{"key":"k1","operator":"Exists"},{"key":"k2","operator":"Exists"}]}
            """);
        var result = PatchPod(pod, """
            {"spec":{"containers":[{"name":"a","args":["--three"],"envFrom":[{"secretRef":{"name":"s"}}]}],
                     "tolerations":[{"key":"k3","operator":"Exists"}]}}
            """);
        Equal("""
            {"containers":[{"name":"a","args":["--three"],"command":["/bin/a"],"envFrom":[{"secretRef":{"name":"s"}}]}],
             "tolerations":[{"key":"k3","operator":"Exists"}]}
            """, result["spec"]);
    }

    [Fact]
    public void SMP_CronJobJobTemplateContainersMergedByName()
    {
        var cronJob = Parse("""
            {"apiVersion":"batch/v1","kind":"CronJob","metadata":{"name":"c"},
             "spec":{"schedule":"* * * * *","jobTemplate":{"spec":{"template":{"spec":{"containers":[{"name":"a","image":"a"},{"name":"b","image":"b"}]}}}}}}
            """);
        var result = StrategicMergePatch.Apply(cronJob, Parse("""
            {"spec":{"jobTemplate":{"spec":{"template":{"spec":{"containers":[{"name":"a","image":"a:2"}]}}}}}}
            """), "batch/v1", "CronJob");
        Equal("""[{"name":"a","image":"a:2"},{"name":"b","image":"b"}]""",
            At(result, "spec", "jobTemplate", "spec", "template", "spec", "containers"));
    }

    [Fact]
    public void SMP_PodTemplateMetadataFinalizersAndLabels()
    {
        var deployment = Workload("apps/v1", "Deployment", """{"containers":[{"name":"a"}]}""");
        var result = StrategicMergePatch.Apply(deployment, Parse("""
            {"spec":{"template":{"metadata":{"annotations":{"kubectl.kubernetes.io/restartedAt":"2025-01-01T00:00:00Z"}}}}}
            """), "apps/v1", "Deployment");
        Equal("""{"labels":{"k8s-app":"w"},"annotations":{"kubectl.kubernetes.io/restartedAt":"2025-01-01T00:00:00Z"}}""",
            At(result, "spec", "template", "metadata"));
    }

    [Fact]
    public void SMP_NewListAndMap_DirectivesNeverInOutput()
    {
        var pod = Pod("""{"containers":[{"name":"a"}]}""");
        var result = PatchPod(pod, """
            {"spec":{"initContainers":[{"name":"x","$patch":"delete"},{"name":"y","env":[{"name":"E","value":"1"},{"name":"F","$patch":"delete"}]}],
                     "$setElementOrder/initContainers":[{"name":"y"}],
                     "securityContext":{"$patch":"replace","runAsUser":1,"fsGroup":null}}}
            """);
        Equal("""
            {"containers":[{"name":"a"}],"initContainers":[{"name":"y","env":[{"name":"E","value":"1"}]}],"securityContext":{"runAsUser":1}}
            """, result["spec"]);
    }

    [Fact]
    public void SMP_ScalarReplacesObjectAndViceVersa()
    {
        var pod = Pod("""{"containers":[{"name":"a"}],"x":{"y":1},"z":"s"}""");
        var result = PatchPod(pod, """{"spec":{"x":"flat","z":{"nested":true,"gone":null}}}""");
        Equal("""{"containers":[{"name":"a"}],"x":"flat","z":{"nested":true}}""", result["spec"]);
    }

    [Fact]
    public void SMP_DoesNotMutateInputs()
    {
        const string podJson = """{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","finalizers":["f"]},"spec":{"containers":[{"name":"a","env":[{"name":"A","value":"1"}]}]}}""";
        const string patchJson = """{"metadata":{"$deleteFromPrimitiveList/finalizers":["f"]},"spec":{"$setElementOrder/containers":[{"name":"a"}],"containers":[{"name":"a","env":[{"name":"A","$patch":"delete"}]}]}}""";
        var pod = Parse(podJson);
        var patch = Parse(patchJson);
        var result = StrategicMergePatch.Apply(pod, patch, "v1", "Pod");
        Equal("""{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","finalizers":[]},"spec":{"containers":[{"name":"a","env":[]}]}}""", result);
        Equal(podJson, pod);
        Equal(patchJson, patch);
    }

    [Theory]
    [InlineData("v1", "Pod")]
    [InlineData("v1", "Service")]
    [InlineData("v1", "ConfigMap")]
    [InlineData("apps/v1", "DaemonSet")]
    [InlineData("batch/v1", "CronJob")]
    [InlineData("networking.k8s.io/v1", "NetworkPolicy")]
    [InlineData("discovery.k8s.io/v1", "EndpointSlice")]
    [InlineData("coordination.k8s.io/v1", "Lease")]
    public void SMP_Supports_BuiltInKinds(string apiVersion, string kind)
    {
        Assert.True(StrategicMergePatch.Supports(apiVersion, kind));
    }

    [Theory]
    [InlineData("vpcresources.k8s.aws/v1beta1", "SecurityGroupPolicy")]
    [InlineData("crd.k8s.amazonaws.com/v1alpha1", "ENIConfig")]
    [InlineData("networking.k8s.aws/v1alpha1", "PolicyEndpoint")]
    [InlineData("example.com/v1", "Widget")]
    public void SMP_Supports_CustomResources_False(string apiVersion, string kind)
    {
        Assert.False(StrategicMergePatch.Supports(apiVersion, kind));
        var ex = Assert.Throws<PatchException>(() =>
            StrategicMergePatch.Apply(Parse("""{"spec":{}}"""), Parse("""{"spec":{"a":1}}"""), apiVersion, kind));
        Assert.Contains(kind, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SMP_UnlistedBuiltInKind_MergesMapsAndReplacesLists()
    {
        var configMap = Parse("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","finalizers":["a"]},"data":{"k":"v","old":"x"}}""");
        var result = StrategicMergePatch.Apply(configMap, Parse("""{"metadata":{"finalizers":["b"]},"data":{"old":null,"new":"y"}}"""), "v1", "ConfigMap");
        Equal("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","finalizers":["b","a"]},"data":{"k":"v","new":"y"}}""", result);
    }

    [Fact]
    public void SMP_ListItemMissingMergeKey_Throws()
    {
        var deployment = Workload("apps/v1", "Deployment", """{"containers":[{"name":"a"}]}""");
        var ex = Assert.Throws<PatchException>(() => StrategicMergePatch.Apply(deployment,
            Parse("""{"spec":{"template":{"spec":{"containers":[{"image":"nginx"}]}}}}"""), "apps/v1", "Deployment"));
        Assert.Contains("spec.template.spec.containers", ex.Message, StringComparison.Ordinal);
        Assert.Contains("\"name\"", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"spec":{"securityContext":{"$patch":"explode"}}}""", "spec.securityContext")]
    [InlineData("""{"spec":{"containers":[{"name":"a","$patch":"explode"}]}}""", "spec.containers")]
    [InlineData("""{"spec":{"containers":[{"name":"a","$patch":"merge"}]}}""", "spec.containers")]
    [InlineData("""{"spec":{"containers":[{"$patch":"delete"}]}}""", "spec.containers")]
    [InlineData("""{"metadata":{"labels":{"$patch":1}}}""", "metadata.labels")]
    [InlineData("""{"spec":{"$setElementOrder/containers":"a"}}""", "$setElementOrder/containers")]
    [InlineData("""{"metadata":{"$deleteFromPrimitiveList/finalizers":"f"}}""", "$deleteFromPrimitiveList/finalizers")]
    [InlineData("""{"spec":{"volumes":[{"name":"v","$retainKeys":"name"}]}}""", "$retainKeys")]
    [InlineData("""{"spec":{"containers":[{"name":"a"},"b"]}}""", "spec.containers")]
    public void SMP_BadDirectives_Throw(string patch, string reason)
    {
        var pod = Pod("""{"containers":[{"name":"a"}],"securityContext":{},"volumes":[{"name":"v"}]}""");
        var ex = Assert.Throws<PatchException>(() => PatchPod(pod, patch));
        Assert.Contains(reason, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SMP_PatchNotAnObject_Throws()
    {
        var pod = Pod("""{"containers":[{"name":"a"}]}""");
        Assert.Throws<PatchException>(() => StrategicMergePatch.Apply(pod, Parse("""[{"op":"add"}]"""), "v1", "Pod"));
        Assert.Throws<PatchException>(() => StrategicMergePatch.Apply(Parse("[]"), Parse("{}"), "v1", "Pod"));
    }

    [Fact]
    public void SMP_CustomSchema_CanBeExtended()
    {
        var widget = new PatchType("Widget", [new("spec", PatchField.Object(new PatchType("WidgetSpec",
            [new("parts", PatchField.MergeList("id"))])))]);
        var result = StrategicMergePatch.Apply(
            Parse("""{"spec":{"parts":[{"id":1,"v":"a"},{"id":2,"v":"b"}]}}"""),
            Parse("""{"spec":{"parts":[{"id":2,"v":"c"}]}}"""), widget);
        Equal("""{"spec":{"parts":[{"id":1,"v":"a"},{"id":2,"v":"c"}]}}""", result);
    }
}

using System.Text.Json.Nodes;
using Podnet.Kube.Admission;
using Podnet.Kube.Api;
using Podnet.Tests.Kube.Patching;
using static Podnet.Tests.Kube.Admission.ClusterHarness;

namespace Podnet.Tests.Kube.Admission;

public class ObjectDefaultsTests
{
    private readonly ClusterHarness _c = new();

    [Fact]
    public void Pod_GetsApiServerDefaults()
    {
        var pod = _c.Create(PodJson("web"));

        Assert.Equal("Always", pod.GetString("spec.restartPolicy"));
        Assert.Equal("ClusterFirst", pod.GetString("spec.dnsPolicy"));
        Assert.Equal("default", pod.GetString("spec.serviceAccountName"));
        Assert.Equal("default", pod.GetString("spec.serviceAccount"));
        Assert.Equal("default-scheduler", pod.GetString("spec.schedulerName"));
        Assert.Equal(30, pod["spec.terminationGracePeriodSeconds"]!.GetValue<int>());
        Assert.True(pod["spec.enableServiceLinks"]!.GetValue<bool>());
        Assert.Equal(0, pod["spec.priority"]!.GetValue<int>());
        Assert.Equal("PreemptLowerPriority", pod.GetString("spec.preemptionPolicy"));
        JsonAssert.Equal("{}", pod["spec.securityContext"]);
        var container = pod["spec.containers"]![0]!;
        Assert.Equal("/dev/termination-log", container["terminationMessagePath"]!.GetValue<string>());
        Assert.Equal("File", container["terminationMessagePolicy"]!.GetValue<string>());
        JsonAssert.Equal("{}", container["resources"]);
    }

    [Fact]
    public void Pod_DownwardApiFieldRef_GetsApiVersionV1()
    {
        var pod = _c.Create(PodJson("web", containers: """[{"name":"app","image":"nginx:1.27","env":[{"name":"MY_NODE_NAME","valueFrom":{"fieldRef":{"fieldPath":"spec.nodeName"}}},{"name":"X","value":"1"}]}]"""));

        JsonAssert.Equal("""{"apiVersion":"v1","fieldPath":"spec.nodeName"}""", pod["spec.containers"]![0]!["env"]![0]!["valueFrom"]!["fieldRef"]);
        Assert.Null(pod["spec.containers"]![0]!["env"]![1]!["valueFrom"]);
    }

    [Fact]
    public void Pod_KeepsWhatWasGiven()
    {
        var pod = _c.Create(PodJson("web", extraSpec: "\"restartPolicy\":\"Never\",\"dnsPolicy\":\"Default\",\"terminationGracePeriodSeconds\":5,"));

        Assert.Equal("Never", pod.GetString("spec.restartPolicy"));
        Assert.Equal("Default", pod.GetString("spec.dnsPolicy"));
        Assert.Equal(5, pod["spec.terminationGracePeriodSeconds"]!.GetValue<int>());
    }

    [Fact]
    public void Pod_DeprecatedServiceAccount_FillsServiceAccountName()
    {
        _c.Create("""{"apiVersion":"v1","kind":"ServiceAccount","metadata":{"name":"builder","namespace":"default"}}""");

        var pod = _c.Create(PodJson("web", extraSpec: "\"serviceAccount\":\"builder\","));

        Assert.Equal("builder", pod.GetString("spec.serviceAccountName"));
    }

    [Theory]
    [InlineData("nginx", "Always")]
    [InlineData("nginx:latest", "Always")]
    [InlineData("nginx:1.27", "IfNotPresent")]
    [InlineData("localhost:5000/nginx", "Always")]
    [InlineData("localhost:5000/nginx:1.27", "IfNotPresent")]
    [InlineData("602401143452.dkr.ecr.us-west-2.amazonaws.com/amazon-k8s-cni:v1.18.3", "IfNotPresent")]
    [InlineData("nginx@sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31", "IfNotPresent")]
    public void Pod_ImagePullPolicy_DependsOnTag(string image, string expected)
    {
        var pod = _c.Create(PodJson("web", $$"""[{"name":"app","image":"{{image}}"}]"""));
        Assert.Equal(expected, pod["spec.containers"]![0]!["imagePullPolicy"]!.GetValue<string>());
    }

    [Fact]
    public void Pod_ImagePullPolicyGiven_IsKept()
    {
        var pod = _c.Create(PodJson("web", """[{"name":"app","image":"nginx","imagePullPolicy":"Never"}]"""));
        Assert.Equal("Never", pod["spec.containers"]![0]!["imagePullPolicy"]!.GetValue<string>());
    }

    [Fact]
    public void Pod_InitContainers_AreDefaultedToo()
    {
        var pod = _c.Create(PodJson("web", extraSpec: "\"initContainers\":[{\"name\":\"init\",\"image\":\"busybox\"}],"));
        Assert.Equal("Always", pod["spec.initContainers"]![0]!["imagePullPolicy"]!.GetValue<string>());
    }

    [Fact]
    public void Pod_GetsDefaultNotReadyAndUnreachableTolerations()
    {
        var pod = _c.Create(PodJson("web"));

        JsonAssert.Equal("""
            [{"key":"node.kubernetes.io/not-ready","operator":"Exists","effect":"NoExecute","tolerationSeconds":300},
             {"key":"node.kubernetes.io/unreachable","operator":"Exists","effect":"NoExecute","tolerationSeconds":300}]
            """, pod["spec.tolerations"]);
    }

    [Fact]
    public void Pod_ExistingTolerations_AreKeptAndNotDuplicated()
    {
        var pod = _c.Create(PodJson("web", extraSpec: """
            "tolerations":[{"key":"node.kubernetes.io/not-ready","operator":"Exists","effect":"NoExecute","tolerationSeconds":60},
                           {"key":"dedicated","operator":"Equal","value":"gpu","effect":"NoSchedule"}],
            """));

        JsonAssert.Equal("""
            [{"key":"node.kubernetes.io/not-ready","operator":"Exists","effect":"NoExecute","tolerationSeconds":60},
             {"key":"dedicated","operator":"Equal","value":"gpu","effect":"NoSchedule"},
             {"key":"node.kubernetes.io/unreachable","operator":"Exists","effect":"NoExecute","tolerationSeconds":300}]
            """, pod["spec.tolerations"]);
    }

    [Fact]
    public void Pod_TolerateEverything_GetsNoDefaultTolerations()
    {
        var pod = _c.Create(PodJson("web", extraSpec: "\"tolerations\":[{\"operator\":\"Exists\"}],"));
        JsonAssert.Equal("""[{"operator":"Exists"}]""", pod["spec.tolerations"]);
    }

    [Theory]
    [InlineData("""[{"name":"app","image":"nginx"}]""", "BestEffort")]
    [InlineData("""[{"name":"app","image":"nginx","resources":{"requests":{"cpu":"100m"}}}]""", "Burstable")]
    [InlineData("""[{"name":"app","image":"nginx","resources":{"limits":{"cpu":"1","memory":"1Gi"}}}]""", "Guaranteed")]
    [InlineData("""[{"name":"app","image":"nginx","resources":{"requests":{"cpu":"1","memory":"1Gi"},"limits":{"cpu":"1","memory":"1Gi"}}}]""", "Guaranteed")]
    [InlineData("""[{"name":"app","image":"nginx","resources":{"requests":{"cpu":"500m","memory":"1Gi"},"limits":{"cpu":"1","memory":"1Gi"}}}]""", "Burstable")]
    [InlineData("""[{"name":"a","image":"nginx","resources":{"limits":{"cpu":"1","memory":"1Gi"}}},{"name":"b","image":"nginx"}]""", "Burstable")]
    public void Pod_StatusIsPendingWithQosClass(string containers, string qosClass)
    {
        var pod = _c.Create(PodJson("web", containers));

        JsonAssert.Equal($$"""{"phase":"Pending","qosClass":"{{qosClass}}"}""", pod["status"]);
    }

    [Fact]
    public void Pod_StatusGivenOnCreate_IsReplaced()
    {
        var pod = _c.Store.Create(KubeObject.Parse(PodJson("web")).With(json => json["status"] = new JsonObject { ["phase"] = "Running", ["podIP"] = "1.2.3.4" }));
        JsonAssert.Equal("""{"phase":"Pending","qosClass":"BestEffort"}""", pod["status"]);
    }

    [Fact]
    public void Pod_ContainerPortProtocol_DefaultsToTcp()
    {
        var pod = _c.Create(PodJson("web", """[{"name":"app","image":"nginx","ports":[{"containerPort":80},{"containerPort":53,"protocol":"UDP"}]}]"""));

        JsonAssert.Equal("""[{"containerPort":80,"protocol":"TCP"},{"containerPort":53,"protocol":"UDP"}]""", pod["spec.containers"]![0]!["ports"]);
    }

    [Fact]
    public void HostNetworkPod_ContainerAndInitContainerPorts_GetTheirContainerPortAsHostPort()
    {
        var pod = _c.Create(PodJson(
            "agent",
            """[{"name":"app","image":"nginx:1.27","ports":[{"containerPort":61678,"name":"metrics"},{"containerPort":53,"protocol":"UDP","hostPort":0},{"containerPort":8080,"hostPort":9090}]}]""",
            "\"hostNetwork\":true,\"initContainers\":[{\"name\":\"init\",\"image\":\"busybox:1.36\",\"ports\":[{\"containerPort\":7000}]}],"));

        JsonAssert.Equal(
            """[{"containerPort":61678,"name":"metrics","protocol":"TCP","hostPort":61678},{"containerPort":53,"protocol":"UDP","hostPort":53},{"containerPort":8080,"hostPort":9090,"protocol":"TCP"}]""",
            pod["spec.containers"]![0]!["ports"]);
        Assert.Equal(7000, pod["spec.initContainers"]![0]!["ports"]![0]!["hostPort"]!.GetValue<int>());
    }

    [Fact]
    public void PodWithoutHostNetwork_PortsGetNoHostPort()
    {
        var pod = _c.Create(PodJson("web", """[{"name":"app","image":"nginx:1.27","ports":[{"containerPort":80}]}]""", "\"hostNetwork\":false,"));

        Assert.Null(pod["spec.containers"]![0]!["ports"]![0]!["hostPort"]);
    }

    [Fact]
    public void HostNetworkDeploymentTemplate_PortsGetNoHostPort()
    {
        // Since v1.28 defaultHostNetworkPorts is in SetDefaults_Pod, not SetDefaults_PodSpec: templates keep their ports as given.
        var deployment = _c.Create("""
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"agent","namespace":"default"},
             "spec":{"selector":{"matchLabels":{"app":"agent"}},"template":{"metadata":{"labels":{"app":"agent"}},
              "spec":{"hostNetwork":true,"containers":[{"name":"app","image":"nginx:1.27","ports":[{"containerPort":8080}]}]}}}}
            """);

        Assert.Null(deployment["spec.template.spec.containers"]![0]!["ports"]![0]!["hostPort"]);
    }

    [Fact]
    public void Service_DefaultsTypeProtocolAndTargetPort()
    {
        var service = _c.Create("""
            {"apiVersion":"v1","kind":"Service","metadata":{"name":"web","namespace":"default"},
             "spec":{"selector":{"app":"web"},"ports":[{"name":"http","port":80},{"name":"metrics","port":9090,"targetPort":"metrics","protocol":"TCP"}]}}
            """);

        Assert.Equal("ClusterIP", service.GetString("spec.type"));
        Assert.Equal("None", service.GetString("spec.sessionAffinity"));
        Assert.Equal("Cluster", service.GetString("spec.internalTrafficPolicy"));
        Assert.Equal("SingleStack", service.GetString("spec.ipFamilyPolicy"));
        JsonAssert.Equal("""["IPv4"]""", service["spec.ipFamilies"]);
        JsonAssert.Equal("""
            [{"name":"http","port":80,"protocol":"TCP","targetPort":80},
             {"name":"metrics","port":9090,"targetPort":"metrics","protocol":"TCP"}]
            """, service["spec.ports"]);
    }

    [Theory]
    [InlineData("ClusterIP", null, "Cluster", true)]
    [InlineData("NodePort", "Cluster", "Cluster", true)]
    [InlineData("LoadBalancer", "Cluster", "Cluster", true)]
    [InlineData("ExternalName", null, null, false)]
    public void Service_TrafficPoliciesAndFamilies_OnlyForTheTypesKubeProxyServes(string type, string? externalTrafficPolicy, string? internalTrafficPolicy, bool families)
    {
        // SetDefaults_Service: externalTrafficPolicy for NodePort and LoadBalancer, internalTrafficPolicy for those and
        // ClusterIP; an ExternalName Service has no cluster IP, so no IP families either.
        var ports = type == "ExternalName" ? "\"externalName\":\"db.example.com\"" : "\"ports\":[{\"port\":80}]";
        var service = _c.Create($$$"""{"apiVersion":"v1","kind":"Service","metadata":{"name":"web","namespace":"default"},"spec":{"type":"{{{type}}}",{{{ports}}}}}""");

        Assert.Equal(externalTrafficPolicy, service.GetString("spec.externalTrafficPolicy"));
        Assert.Equal(internalTrafficPolicy, service.GetString("spec.internalTrafficPolicy"));
        Assert.Equal(families, service["spec.ipFamilies"] is not null);
        Assert.Equal(families, service["spec.ipFamilyPolicy"] is not null);
    }

    [Theory]
    [InlineData("""{"podSelector":{}}""", """["Ingress"]""")]
    [InlineData("""{"podSelector":{},"ingress":[{}]}""", """["Ingress"]""")]
    [InlineData("""{"podSelector":{},"egress":[{"to":[{"ipBlock":{"cidr":"10.0.0.0/8"}}]}]}""", """["Ingress","Egress"]""")]
    [InlineData("""{"podSelector":{},"egress":[]}""", """["Ingress"]""")]
    [InlineData("""{"podSelector":{},"policyTypes":["Egress"]}""", """["Egress"]""")]
    [InlineData("""{"podSelector":{},"policyTypes":[],"egress":[{}]}""", """["Ingress","Egress"]""")]
    public void NetworkPolicy_PolicyTypes_AreDefaulted(string spec, string policyTypes)
    {
        var policy = _c.Create($$"""{"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"np","namespace":"default"},"spec":{{spec}}}""");

        JsonAssert.Equal(policyTypes, policy["spec.policyTypes"]);
    }

    [Fact]
    public void NetworkPolicy_PortProtocol_DefaultsToTcp()
    {
        var policy = _c.Create("""
            {"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"np","namespace":"default"},
             "spec":{"podSelector":{},"ingress":[{"ports":[{"port":80},{"port":53,"protocol":"UDP"}]}],"egress":[{"ports":[{"port":443}]}]}}
            """);

        JsonAssert.Equal("""[{"port":80,"protocol":"TCP"},{"port":53,"protocol":"UDP"}]""", policy["spec.ingress"]![0]!["ports"]);
        JsonAssert.Equal("""[{"port":443,"protocol":"TCP"}]""", policy["spec.egress"]![0]!["ports"]);
    }

    [Fact]
    public void Namespace_GetsMetadataNameLabel()
    {
        var ns = _c.Create("""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"team-a","labels":{"owner":"net"}}}""");

        Assert.Equal(new Dictionary<string, string> { ["owner"] = "net", ["kubernetes.io/metadata.name"] = "team-a" }, ns.Labels);
    }

    [Fact]
    public void Namespace_MetadataNameLabel_CannotBeChanged()
    {
        var ns = _c.Create("""{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"team-a"}}""");

        var updated = _c.Store.Update(ns.WithLabel("kubernetes.io/metadata.name", "other"));

        Assert.Equal("team-a", updated.Labels["kubernetes.io/metadata.name"]);
    }

    [Fact]
    public void Deployment_GetsWorkloadAndPodTemplateDefaults()
    {
        var deployment = _c.Create("""
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"default"},
             "spec":{"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"app","image":"nginx"}]}}}}
            """);

        Assert.Equal(1, deployment["spec.replicas"]!.GetValue<int>());
        Assert.Equal(10, deployment["spec.revisionHistoryLimit"]!.GetValue<int>());
        Assert.Equal(600, deployment["spec.progressDeadlineSeconds"]!.GetValue<int>());
        JsonAssert.Equal("""{"type":"RollingUpdate","rollingUpdate":{"maxUnavailable":"25%","maxSurge":"25%"}}""", deployment["spec.strategy"]);
        Assert.Equal("Always", deployment.GetString("spec.template.spec.restartPolicy"));
        Assert.Equal("Always", deployment["spec.template.spec.containers"]![0]!["imagePullPolicy"]!.GetValue<string>());
    }

    [Fact]
    public void DaemonSet_GetsUpdateStrategy()
    {
        var daemonSet = _c.Create("""
            {"apiVersion":"apps/v1","kind":"DaemonSet","metadata":{"name":"agent","namespace":"kube-system"},
             "spec":{"selector":{"matchLabels":{"app":"agent"}},"template":{"metadata":{"labels":{"app":"agent"}},"spec":{"containers":[{"name":"agent","image":"busybox:1.36"}]}}}}
            """);

        JsonAssert.Equal("""{"type":"RollingUpdate","rollingUpdate":{"maxUnavailable":1,"maxSurge":0}}""", daemonSet["spec.updateStrategy"]);
        Assert.Equal(10, daemonSet["spec.revisionHistoryLimit"]!.GetValue<int>());
    }

    [Fact]
    public void Mutate_Delete_ReturnsObjectUnchanged()
    {
        var defaults = new ObjectDefaults();
        var resource = _c.Store.Resources.For("v1", "Pod");

        Assert.Null(defaults.Mutate(new AdmissionRequest(AdmissionOperation.Delete, resource, "default", "x", null, null, "admin")));
    }

    [Fact]
    public void Mutate_OwnedObject_IsDefaultedInPlace()
    {
        var pod = KubeObject.Parse(PodJson("web"));
        var request = new AdmissionRequest(AdmissionOperation.Create, _c.Store.Resources.For("v1", "Pod"), "default", "web", pod, null, "admin") { Owned = true };

        var defaulted = new ObjectDefaults().Mutate(request)!;

        // The store's own copy is changed, not copied again: the request's object has the defaults too.
        Assert.Same(pod.Raw, defaulted.Raw);
        Assert.Equal("Always", defaulted.GetString("spec.restartPolicy"));
    }

    [Fact]
    public void Mutate_NotOwned_LeavesTheRequestsObjectAsItWas()
    {
        var pod = KubeObject.Parse(PodJson("web"));
        var request = new AdmissionRequest(AdmissionOperation.Create, _c.Store.Resources.For("v1", "Pod"), "default", "web", pod, null, "admin");

        var defaulted = new ObjectDefaults().Mutate(request)!;

        Assert.Equal("Always", defaulted.GetString("spec.restartPolicy"));
        Assert.Null(pod["spec.restartPolicy"]);
    }
}

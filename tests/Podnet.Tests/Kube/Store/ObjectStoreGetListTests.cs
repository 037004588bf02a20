using System.Globalization;
using System.Text.Json.Nodes;
using Podnet.Kube.Api;
using Podnet.Kube.Selectors;
using static Podnet.Tests.Kube.Store.StoreHarness;

namespace Podnet.Tests.Kube.Store;

public class ObjectStoreGetListTests
{
    private readonly StoreHarness _h = new(namespaces: "other");

    public ObjectStoreGetListTests()
    {
        _h.CreatePod("a", labels: new Dictionary<string, string> { ["app"] = "web", ["tier"] = "front" });
        _h.CreatePod("b", labels: new Dictionary<string, string> { ["app"] = "web" });
        _h.CreatePod("c", labels: new Dictionary<string, string> { ["app"] = "db", ["tier"] = "back" });
        _h.CreatePod("d");
        _h.CreatePod("e", "other", labels: new Dictionary<string, string> { ["app"] = "web" });
    }

    [Fact]
    public void Get_Existing_ReturnsStoredObject()
    {
        var pod = _h.Store.Get(_h.Pods, "default", "a");
        Assert.Equal("a", pod.Name);
        Assert.Equal("web", pod.Labels["app"]);
        Assert.Same(pod, _h.Store.Get("v1", "Pod", "default", "a"));
    }

    [Fact]
    public void Get_Missing_IsNotFound()
    {
        var error = Throws(() => _h.Store.Get(_h.Pods, "default", "x"));

        Assert.Equal("NotFound", error.Reason);
        Assert.Equal(404, error.Code);
        Assert.Equal("pods \"x\" not found", error.Message);
        Assert.Equal("Error from server (NotFound): pods \"x\" not found", error.KubectlText);
        Assert.Null(_h.Store.TryGet(_h.Pods, "default", "x"));
    }

    [Fact]
    public void Get_InWrongNamespace_IsNotFound()
    {
        Assert.Equal("pods \"e\" not found", Throws(() => _h.Store.Get(_h.Pods, "default", "e")).Message);
    }

    [Fact]
    public void Get_MissingCustomResource_NamesGroup()
    {
        var error = Throws(() => _h.Store.Get("vpcresources.k8s.aws/v1beta1", "SecurityGroupPolicy", "default", "sgp"));
        Assert.Equal("securitygrouppolicies.vpcresources.k8s.aws \"sgp\" not found", error.Message);
        Assert.Equal("vpcresources.k8s.aws", error.DetailsGroup);
    }

    [Fact]
    public void List_InNamespace_ReturnsOnlyThatNamespaceSortedByName()
    {
        var list = _h.Store.List(_h.Pods, "default");
        Assert.Equal(["a", "b", "c", "d"], Names(list));
        Assert.Equal(_h.Store.CurrentResourceVersion, list.ResourceVersion);
    }

    [Fact]
    public void List_AllNamespaces_ReturnsEverything()
    {
        Assert.Equal(["a", "b", "c", "d", "e"], Names(_h.Store.List(_h.Pods)));
    }

    [Fact]
    public void List_EmptyKind_IsEmptyWithCurrentResourceVersion()
    {
        var list = _h.Store.List(_h.Deployments, "default");
        Assert.Empty(list.Items);
        Assert.Equal(_h.Store.CurrentResourceVersion, list.ResourceVersion);
    }

    [Theory]
    [InlineData("app=web", "a,b")]
    [InlineData("app==web", "a,b")]
    [InlineData("app!=web", "c,d")]
    [InlineData("app in (web,db)", "a,b,c")]
    [InlineData("app notin (web)", "c,d")]
    [InlineData("tier", "a,c")]
    [InlineData("!tier", "b,d")]
    [InlineData("app=web,tier", "a")]
    [InlineData("app=web,!tier", "b")]
    [InlineData("app=cache", "")]
    [InlineData("", "a,b,c,d")]
    public void List_LabelSelector_Filters(string selector, string expected)
    {
        var list = _h.Store.List(_h.Pods, "default", LabelSelector.Parse(selector));
        Assert.Equal(expected, string.Join(",", Names(list)));
    }

    [Theory]
    [InlineData("metadata.name=b", "default/b")]
    [InlineData("metadata.name!=b", "default/a,default/c,default/d,other/e")]
    [InlineData("metadata.namespace=other", "other/e")]
    [InlineData("metadata.namespace!=other", "default/a,default/b,default/c,default/d")]
    [InlineData("spec.nodeName=node-1", "default/a,default/c")]
    [InlineData("spec.nodeName=", "default/b,default/d,other/e")]
    [InlineData("spec.nodeName!=", "default/a,default/c")]
    [InlineData("status.phase=Running", "default/a")]
    [InlineData("status.phase!=Running", "default/b,default/c,default/d,other/e")]
    [InlineData("spec.nodeName=node-1,status.phase=Running", "default/a")]
    public void List_FieldSelector_Filters(string selector, string expected)
    {
        foreach (var name in new[] { "a", "c" })
        {
            var pod = _h.Store.Get(_h.Pods, "default", name);
            _h.Store.Update(pod.With(json => json["spec"]!["nodeName"] = "node-1"));
        }

        var a = _h.Store.Get(_h.Pods, "default", "a");
        _h.Store.UpdateStatus(a.With(json => json["status"] = new JsonObject { ["phase"] = "Running" }));

        var list = _h.Store.List(_h.Pods, null, fields: FieldSelector.Parse(selector));

        Assert.Equal(expected, string.Join(",", list.Items.Select(i => $"{i.Namespace}/{i.Name}")));
    }

    [Fact]
    public void List_EventsByInvolvedObjectName_Filters()
    {
        for (var i = 0; i < 3; i++)
        {
            var about = i == 1 ? "b" : "a";
            _h.Store.Create(Json($$"""
                {"apiVersion":"v1","kind":"Event","metadata":{"name":"{{about}}.{{i.ToString(CultureInfo.InvariantCulture)}}","namespace":"default"},
                 "involvedObject":{"kind":"Pod","namespace":"default","name":"{{about}}"},"reason":"Scheduled","type":"Normal"}
                """));
        }

        var events = _h.Store.List("v1", "Event", "default", fields: FieldSelector.Parse("involvedObject.name=a,involvedObject.kind=Pod"));

        Assert.Equal(["a.0", "a.2"], Names(events));
    }

    [Fact]
    public void List_LabelAndFieldSelectorsTogether_BothApply()
    {
        var list = _h.Store.List(_h.Pods, null, LabelSelector.Parse("app=web"), FieldSelector.Parse("metadata.namespace=default"));
        Assert.Equal(["a", "b"], Names(list));
    }

    [Fact]
    public void List_UnsupportedField_IsBadRequest()
    {
        var error = Throws(() => _h.Store.List(_h.Pods, "default", fields: FieldSelector.Parse("spec.foo=bar")));

        Assert.Equal("BadRequest", error.Reason);
        Assert.Equal(400, error.Code);
        Assert.Equal("field label not supported: spec.foo", error.Message);
    }

    [Fact]
    public void List_FieldSupportedForPodsOnly_IsBadRequestForConfigMaps()
    {
        var error = Throws(() => _h.Store.List(_h.ConfigMaps, "default", fields: FieldSelector.Parse("spec.nodeName=node-1")));
        Assert.Equal("field label not supported: spec.nodeName", error.Message);
    }

    [Fact]
    public void All_ListsEveryKind()
    {
        var all = _h.Store.All();
        Assert.Equal(7, all.Count);
        Assert.Equal(2, all.Count(o => o.Kind == "Namespace"));
    }

    [Fact]
    public void Get_ReturnsImmutableObject_ThatCallersCannotChange()
    {
        var pod = _h.Store.Get(_h.Pods, "default", "a");
        var json = pod.ToJson();
        json["metadata"]!["labels"]!["app"] = "hacked";

        Assert.Equal("web", _h.Store.Get(_h.Pods, "default", "a").Labels["app"]);
        Assert.IsType<KubeObject>(pod);
    }
}

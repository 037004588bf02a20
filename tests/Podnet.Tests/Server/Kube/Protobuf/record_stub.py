#!/usr/bin/env python3
"""Re-records the protobuf fixtures of KubeProtobufTests from the real kubectl.

A logging Kubernetes API stub on 127.0.0.1: legacy discovery for v1, apps/v1, batch/v1,
rbac.authorization.k8s.io/v1, policy/v1, scheduling.k8s.io/v1 and networking.k8s.io/v1, 404 for /openapi, and every POST body saved as OUT/last.body with its
Content-Type in OUT/last.ctype; it answers 201 with a small JSON echo (apiVersion, kind, metadata.name).
record.sh drives kubectl.1.32 (protobuf bodies) and kubectl.1.31 (JSON bodies) against it.

    python3 record_stub.py PORT OUT_DIR
"""
import json
import os
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PORT = int(sys.argv[1])
OUT = sys.argv[2]


def res(name, kind, namespaced=True, short=None):
    r = {"name": name, "singularName": kind.lower(), "namespaced": namespaced, "kind": kind,
         "verbs": ["create", "delete", "get", "list", "patch", "update", "watch"]}
    if short:
        r["shortNames"] = short
    return r


GROUPS = {
    "/api/v1": ("v1", [res("namespaces", "Namespace", False, ["ns"]), res("configmaps", "ConfigMap", True, ["cm"]),
                       res("secrets", "Secret"), res("serviceaccounts", "ServiceAccount", True, ["sa"]),
                       res("services", "Service", True, ["svc"]), res("pods", "Pod", True, ["po"]),
                       res("resourcequotas", "ResourceQuota", True, ["quota"])]),
    "/apis/apps/v1": ("apps/v1", [res("deployments", "Deployment", True, ["deploy"])]),
    "/apis/batch/v1": ("batch/v1", [res("jobs", "Job"), res("cronjobs", "CronJob", True, ["cj"])]),
    "/apis/rbac.authorization.k8s.io/v1": ("rbac.authorization.k8s.io/v1", [
        res("roles", "Role"), res("rolebindings", "RoleBinding"),
        res("clusterroles", "ClusterRole", False), res("clusterrolebindings", "ClusterRoleBinding", False)]),
    "/apis/policy/v1": ("policy/v1", [res("poddisruptionbudgets", "PodDisruptionBudget", True, ["pdb"])]),
    "/apis/scheduling.k8s.io/v1": ("scheduling.k8s.io/v1", [res("priorityclasses", "PriorityClass", False, ["pc"])]),
    "/apis/networking.k8s.io/v1": ("networking.k8s.io/v1", [res("ingresses", "Ingress", True, ["ing"])]),
}
KINDS = {r["name"]: (gv, r["kind"]) for gv, rs in GROUPS.values() for r in rs}
KINDS["token"] = ("authentication.k8s.io/v1", "TokenRequest")  # POST serviceaccounts/NAME/token (kubectl create token)


def group(name):
    v = {"groupVersion": f"{name}/v1", "version": "v1"}
    return {"name": name, "versions": [v], "preferredVersion": v}


class Handler(BaseHTTPRequestHandler):
    def answer(self, code, body):
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        path = self.path.split("?")[0]
        if path == "/version":
            self.answer(200, {"major": "1", "minor": "32", "gitVersion": "v1.32.4"})
        elif path == "/api":
            self.answer(200, {"kind": "APIVersions", "versions": ["v1"],
                              "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1"}]})
        elif path == "/apis":
            self.answer(200, {"kind": "APIGroupList", "apiVersion": "v1",
                              "groups": [group(g) for g in ("apps", "batch", "rbac.authorization.k8s.io", "policy", "scheduling.k8s.io", "networking.k8s.io")]})
        elif path in GROUPS:
            gv, resources = GROUPS[path]
            self.answer(200, {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": gv, "resources": resources})
        else:
            self.answer(404, {"kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": "NotFound", "code": 404})

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        with open(os.path.join(OUT, "last.body"), "wb") as f:
            f.write(body)
        with open(os.path.join(OUT, "last.ctype"), "w") as f:
            f.write(self.headers.get("Content-Type", ""))
        gv, kind = KINDS.get(self.path.split("?")[0].rstrip("/").split("/")[-1], ("v1", "Unknown"))
        self.answer(201, {"apiVersion": gv, "kind": kind, "metadata": {"name": "recorded"}, "status": {"token": "recorded"}})

    def log_message(self, fmt, *args):
        sys.stderr.write("%s %s\n" % (self.command, self.path))


ThreadingHTTPServer(("127.0.0.1", PORT), Handler).serve_forever()

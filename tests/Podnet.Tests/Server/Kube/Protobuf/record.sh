#!/usr/bin/env bash
# Re-records Fixtures/: for each `kubectl create` below, the body kubectl.1.32 POSTs (protobuf, NAME.pb) and the
# body kubectl.1.31 POSTs for the same command (JSON, NAME.json, the oracle KubeProtobufTests compares against).
# Usage: ./record.sh [PORT]   (needs python3 and the kubectl.1.31/kubectl.1.32 binaries next to the kubectl dispatcher)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
port=${1:-18732}
bin=$(dirname "$(readlink -f "$(command -v kubectl)")")
work=$(mktemp -d)
trap 'kill "$stub" 2>/dev/null || true; rm -rf "$work"' EXIT
python3 "$here/record_stub.py" "$port" "$work" 2>"$work/stub.log" &
stub=$!
cat >"$work/kubeconfig" <<KC
apiVersion: v1
kind: Config
clusters: [{name: stub, cluster: {server: "http://127.0.0.1:$port"}}]
users: [{name: stub, user: {token: stub}}]
contexts: [{name: stub, context: {cluster: stub, user: stub, namespace: default}}]
current-context: stub
KC
printf '\x00\x01\xfe\xff binary' >"$work/blob.bin"
sleep 1

record() { # NAME ARGS...
  local name=$1; shift
  for v in 1.32:pb 1.31:json; do
    rm -f "$work/last.body"
    "$bin/kubectl.${v%%:*}" --kubeconfig "$work/kubeconfig" --cache-dir "$(mktemp -d -p "$work")" "$@" >/dev/null 2>"$work/err" \
      || { echo "kubectl.${v%%:*} $*: $(cat "$work/err")" >&2; }
    [ -f "$work/last.body" ] || { echo "no body for $name ($v)" >&2; exit 1; }
    cp "$work/last.body" "$here/Fixtures/$name.${v##*:}"
    echo "$name.${v##*:}: $(cat "$work/last.ctype")"
  done
}

record namespace create namespace my-namespace
record configmap create configmap cm1 --from-literal=a=b --from-literal=c=d --from-file=blob="$work/blob.bin"
record secret-generic create secret generic s1 --from-literal=k=v --from-file=blob="$work/blob.bin"
record secret-typed create secret generic s2 --from-literal=k=v --type=example.com/typed
record secret-docker-registry create secret docker-registry reg --docker-server=r.example.com --docker-username=u --docker-password=p --docker-email=u@example.com
record serviceaccount create serviceaccount sa1
record deployment create deployment web --image=nginx --replicas=2 --port=80
record deployment-multi create deployment multi --image=nginx --image=busybox:1.36
record service-clusterip create service clusterip my-svc --tcp=5678:8080 --tcp=443
record service-headless create service clusterip headless --clusterip=None
record service-nodeport create service nodeport np --tcp=80:8080 --node-port=30080
record service-loadbalancer create service loadbalancer lb --tcp=80:8080
record service-externalname create service externalname ext --external-name=example.com
record job create job j1 --image=busybox -- echo hi
record cronjob create cronjob cj --image=busybox --schedule='*/5 * * * *' -- date
record role create role pod-reader --verb=get,list --resource=pods,deployments.apps --resource-name=p1
record rolebinding create rolebinding rb --role=pod-reader --user=alice --group=devs --serviceaccount=default:sa1
record clusterrole create clusterrole cr --verb=get --non-resource-url=/logs/*
record clusterrolebinding create clusterrolebinding crb --clusterrole=cr --user=bob
record quota create quota q --hard=cpu=1,memory=1Gi,pods=2 --scopes=NotTerminating
record pdb create pdb my-pdb --selector=app=web --min-available=1
record pdb-percent create pdb half --selector=app=web,tier=front --max-unavailable=50%
record priorityclass create priorityclass high --value=1000 --description=high --global-default
record ingress create ingress simple --rule=foo.com/bar=svc1:8080 --rule='bar.com/*=svc2:http,tls=bar-cert' --default-backend=defaultsvc:8080 --class=nginx --annotation=a=b
record token create token sa1 --audience=api --duration=10m

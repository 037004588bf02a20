#!/usr/bin/env bash
# Seed 004, "Kubernetes Egress 网络策略指南" (Chinese translation of Viswajith Venugopal's guide): its commands and
# policies in its order, verbatim, against `podnet up` with world.yaml (Podnet's default cluster with the VPC CNI's
# network policy agent on, and the namespaces team-a and team-b with nginx workloads). The seed's templates are
# filled with its own example values: `<namespace>` is team-a for its first policy and team-b for the narrowed one
# and for internet-egress, `<filename>` the file each policy was written to, `<name>` team-a and team-b.
# Each step is checked from inside the pods, with the shell `kubectl exec` gives (curl, nslookup).
# Every command is echoed with "$ " before its output (PS4), so the transcript reads like the seed.
set -euo pipefail
eval "$(podnet up --env "$(dirname "$0")")"
trap 'podnet down >/dev/null' EXIT
PS4='$ '
set -x

# The pods' addresses, to try port 53 on a pod that is not a DNS server.
web_ip=$(kubectl get pods -n team-a -l app=web -o jsonpath='{.items[0].status.podIP}')
api_ip=$(kubectl get pods -n team-b -l app=api -o jsonpath='{.items[0].status.podIP}')

# Before any policy: egress is not isolated, api (team-b) reaches web (team-a).
echo 'curl -sS -m 5 web.team-a' | kubectl exec -i -n team-b deploy/api -- /bin/bash | grep '<title>'

# "默认拒绝所有": isolate egress, but let port 53 out to any address for DNS.
cat >default-deny-all-egress.yaml <<EOT
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny-all-egress
spec:
  podSelector: {}
  egress:
  - to:
    ports:
    - protocol: TCP
      port: 53
    - protocol: UDP
      port: 53
  policyTypes:
  - Egress
EOT
kubectl -n team-a create -f default-deny-all-egress.yaml
# team-a's web still resolves names (port 53 is open to anywhere) but can no longer connect to api.
echo 'nslookup api.team-b' | kubectl exec -i -n team-a deploy/web -- /bin/bash
echo 'curl -sS -m 5 api.team-b' | kubectl exec -i -n team-a deploy/web -- /bin/bash || true
# The seed's warning: port 53 is open to any address, so web's SYN to api's port 53 gets there (and api,
# which serves nothing on 53, refuses it): data could leave this way.
echo "curl -sS -m 5 $api_ip:53" | kubectl exec -i -n team-a deploy/web -- /bin/bash || true

# Narrow DNS to kube-dns: label kube-system, and allow port 53 only to the kube-dns pods there.
kubectl label namespace kube-system networking/namespace=kube-system
cat >default-deny-all-egress-kube-dns.yaml <<EOT
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: default-deny-all-egress
spec:
  podSelector: {}
  egress:
  - to:
    - namespaceSelector:
        matchLabels:
          networking/namespace: kube-system
      podSelector:
        matchLabels:
          k8s-app: kube-dns
    ports:
    - protocol: TCP
      port: 53
    - protocol: UDP
      port: 53
  policyTypes:
  - Egress
EOT
kubectl -n team-b create -f default-deny-all-egress-kube-dns.yaml
# api (team-b) resolves a name through kube-dns; connecting to what the name gives is refused.
echo 'nslookup web.team-a' | kubectl exec -i -n team-b deploy/api -- /bin/bash
echo 'curl -sS -m 5 web.team-a' | kubectl exec -i -n team-b deploy/api -- /bin/bash || true
# Port 53 now goes to kube-dns only: the same try on web's port 53 is dropped.
echo "curl -sS -m 5 $web_ip:53" | kubectl exec -i -n team-b deploy/api -- /bin/bash || true

# "明确 Pod 到互联网的出口": pods labelled networking/allow-internet-egress=true may send anywhere.
cat >internet-egress.yaml <<EOT
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: internet-egress
spec:
  podSelector:
    matchLabels:
      networking/allow-internet-egress: "true"
  egress:
  - {}
  policyTypes:
  - Egress
EOT
kubectl -n team-b create -f internet-egress.yaml
# crawler carries the label and reaches web; api, without it, still does not.
echo 'curl -sS -m 5 web.team-a' | kubectl exec -i -n team-b deploy/crawler -- /bin/bash | grep '<title>'
echo 'curl -sS -m 5 web.team-a' | kubectl exec -i -n team-b deploy/api -- /bin/bash || true

# "补充出口网络策略": label every namespace with its name, for cross-namespace egress policies.
kubectl label namespace team-a networking/namespace=team-a
kubectl label namespace team-b networking/namespace=team-b
kubectl get networkpolicies -A

# What EKS's network policy controller made of team-b's policies: the PolicyEndpoints the node agents program their
# eBPF maps from — the pods each policy applies to, and its egress peers resolved to addresses (the kube-dns pods and
# the kube-dns Service's cluster IP for the narrowed DNS rule; 0.0.0.0/0 and ::/0 for internet-egress's empty rule).
kubectl get policyendpoints -n team-b -o custom-columns='POLICY:.spec.policyRef.name,PODS:.spec.podSelectorEndpoints[*].name,EGRESS:.spec.egress[*].cidr' --sort-by=.spec.policyRef.name

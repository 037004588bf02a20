#!/usr/bin/env bash
# Seed 002, "[EKS] Pod Security Group 사용하기" (Korean blog): its commands and its SecurityGroupPolicy, in its order,
# verbatim, against `podnet up` with the default world (an eksctl-style cluster "podnet" of three m5.large nodes).
# The seed's two placeholder groups (sg-xxxxxxxxxxxxxx) are filled as its closing tip says: a group of the pods' own
# and the nodes' group (the cluster security group), "since a pod with a security group no longer inherits the
# node's". The pods the policy selects (app: nginx-tg) are not in the seed: one nginx pod is made to show the policy
# taking effect. Every command is echoed with "$ " before its output (PS4), so the transcript reads like the seed.
set -euo pipefail
eval "$(podnet up --env)"
trap 'podnet down >/dev/null' EXIT
PS4='$ '
set -x

kubectl set env daemonset aws-node -n kube-system ENABLE_POD_ENI=true
# The nodes get their trunk interface once the aws-node pods have restarted: wait for them, as a user would.
until [ "$(kubectl get nodes -o name -l vpc.amazonaws.com/has-trunk-attached=true | wc -l)" -eq 3 ]; do sleep 1; done
kubectl get nodes -o wide -l vpc.amazonaws.com/has-trunk-attached=true

kubectl patch daemonset aws-node -n kube-system \
-p '{"spec": {"template": {"spec": {"initContainers": [{"env":[{"name":"DISABLE_TCP_EARLY_DEMUX","value":"true"}],"name":"aws-vpc-cni-init"}]}}}}'

# The two groups of the policy: the pods' own (new, in the cluster's VPC) and the nodes' (the cluster security group).
vpc_id=$(aws eks describe-cluster --name podnet --query cluster.resourcesVpcConfig.vpcId --output text)
pod_security_group_id=$(aws ec2 create-security-group --vpc-id $vpc_id --group-name nginx-tg \
    --description "nginx-tg pods" --query GroupId --output text)
node_security_group_id=$(aws eks describe-cluster --name podnet \
    --query cluster.resourcesVpcConfig.clusterSecurityGroupId --output text)

cat >nginx-security-group-policy.yaml <<EOT
apiVersion: vpcresources.k8s.aws/v1beta1
kind: SecurityGroupPolicy
metadata:
  name: nginx-security-group-policy
spec:
  podSelector:
    matchLabels:
      app: nginx-tg
  securityGroups:
    groupIds:
      - $pod_security_group_id
      - $node_security_group_id
EOT
kubectl apply -f nginx-security-group-policy.yaml

# "podSelector를 통해, label이 매칭되면 연결됨": a pod with the label gets a branch interface with both groups.
kubectl run nginx --image=public.ecr.aws/nginx/nginx:1.21 --labels=app=nginx-tg
kubectl wait --for=condition=Ready pod/nginx --timeout=120s >/dev/null
kubectl describe pod nginx | grep -E 'vpc.amazonaws.com/pod-eni|SecurityGroupRequested'
aws ec2 describe-network-interfaces --filters Name=interface-type,Values=branch \
    --query 'NetworkInterfaces[].Groups[].GroupId' --output text
# With the nodes' group on it, the pod still reaches CoreDNS and the API server's Service by name.
echo 'nslookup kubernetes.default' | kubectl exec -i nginx -- /bin/bash

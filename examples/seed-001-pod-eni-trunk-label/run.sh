#!/usr/bin/env bash
# Seed 001, the ironman-2022 blog post on security groups for pods (Chinese): its commands in its order, verbatim,
# against `podnet up` with the seed's own cluster (world.yaml: eksctl's ironman-2022 in eu-west-1, Kubernetes 1.22,
# VPC CNI v1.10.1-eksbuild.1, four m5.large nodes, and the security group sg-079157a483bcb371f the seed's policy
# names). Every command is echoed with "$ " before its output (PS4), so the transcript reads like the seed.
set -euo pipefail
eval "$(podnet up --env "$(dirname "$0")")"
trap 'podnet down >/dev/null' EXIT
PS4='$ '
set -x

kubectl describe daemonset aws-node --namespace kube-system | grep Image | cut -d "/" -f 2
aws eks describe-cluster --name ironman-2022 --query cluster.roleArn --output text
aws iam attach-role-policy --policy-arn arn:aws:iam::aws:policy/AmazonEKSVPCResourceController --role-name eksctl-ironman-2022-cluster-ServiceRole-33QTRI4AJ85B

kubectl set env daemonset aws-node -n kube-system ENABLE_POD_ENI=true
kubectl -n kube-system get po
# The seed lists all four nodes once the aws-node pods have restarted: wait for them, as a user would.
until [ "$(kubectl get nodes -o name -l vpc.amazonaws.com/has-trunk-attached=true | wc -l)" -eq 4 ]; do sleep 1; done
kubectl get nodes -l vpc.amazonaws.com/has-trunk-attached=true

cat >sg-policy.yaml <<EOT
apiVersion: vpcresources.k8s.aws/v1beta1
kind: SecurityGroupPolicy
metadata:
  name: my-security-group-policy-demo
  namespace: default
spec:
  podSelector:
    matchLabels:
      role: demo-sg
  securityGroups:
    groupIds:
      - sg-079157a483bcb371f
EOT
cat >aws-cli.yaml <<EOT
apiVersion: v1
kind: Pod
metadata:
  name: aws-cli
  namespace: default
  labels:
    role: demo-sg
spec:
  containers:
  - name: aws-cli
    image: amazon/aws-cli:latest
    command:
    - sleep
    - infinity
    imagePullPolicy: IfNotPresent
  restartPolicy: Always
EOT
cat ./sg-policy.yaml
cat ./aws-cli.yaml
kubectl apply -f ./sg-policy.yaml
kubectl apply -f ./aws-cli.yaml
# The seed describes the pod once it runs.
kubectl wait --for=condition=Ready pod/aws-cli --timeout=120s >/dev/null
kubectl describe po aws-cli

# The seed describes the node its pod runs on (its ip-192-168-31-166.eu-west-1.compute.internal).
node=$(kubectl get po aws-cli -o jsonpath='{.spec.nodeName}')
kubectl describe no $node

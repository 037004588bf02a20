#!/usr/bin/env bash
# Seed 000, "Sicherheitsgruppen für pods" (Amazon EKS User Guide, German): its commands in its order, verbatim,
# against `podnet up` with the default world (an eksctl-style cluster "podnet" of three m5.large nodes).
# Only the seed's variables are set; IDs the seed tells you to note are captured with --query … --output text.
# Every command is echoed with "$ " before its output (PS4), so the transcript reads like the seed.
set -euo pipefail
eval "$(podnet up --env)"
trap 'podnet down >/dev/null' EXIT
PS4='$ '
set -x

kubectl describe daemonset aws-node --namespace kube-system | grep Image | cut -d "/" -f 2

# The seed's cluster is my-cluster with the role eksClusterRole; Podnet's default world calls them podnet and podnet-cluster-role.
my_cluster_name=podnet
aws eks describe-cluster --name $my_cluster_name --query cluster.roleArn --output text
aws iam attach-role-policy \
    --policy-arn arn:aws:iam::aws:policy/AmazonEKSVPCResourceController \
    --role-name podnet-cluster-role

kubectl set env daemonset aws-node -n kube-system ENABLE_POD_ENI=true
# "If No resources found is returned, wait a few seconds and try again" (the CNI pods restart first).
until [ -n "$(kubectl get nodes -o name -l vpc.amazonaws.com/has-trunk-attached=true)" ]; do sleep 1; done
kubectl get nodes -o wide -l vpc.amazonaws.com/has-trunk-attached=true

kubectl patch daemonset aws-node \
  -n kube-system \
  -p '{"spec": {"template": {"spec": {"initContainers": [{"env":[{"name":"DISABLE_TCP_EARLY_DEMUX","value":"true"}],"name":"aws-vpc-cni-init"}]}}}}'
# The seed's optional POD_SECURITY_GROUP_ENFORCING_MODE=standard is left out: the default strict mode is the one whose
# DNS behaviour the seed demonstrates at the end.

my_cluster_vpc_id=$(aws eks describe-cluster \
    --name $my_cluster_name \
    --query cluster.resourcesVpcConfig.vpcId \
    --output text)
my_cluster_security_group_id=$(aws eks describe-cluster \
    --name $my_cluster_name \
    --query cluster.resourcesVpcConfig.clusterSecurityGroupId \
    --output text)
my_pod_security_group_name=my-pod-security-group
aws ec2 create-security-group \
    --vpc-id $my_cluster_vpc_id \
    --group-name $my_pod_security_group_name \
    --description "My pod security group"
my_pod_security_group_id=$(aws ec2 describe-security-groups \
    --filters Name=group-name,Values=$my_pod_security_group_name \
    --query 'SecurityGroups[].GroupId' \
    --output text)
# "Note the SecurityGroupRuleId values returned in the output": captured here for the revoke below.
dns_tcp_rule_id=$(aws ec2 authorize-security-group-ingress \
    --group-id $my_cluster_security_group_id \
    --protocol tcp --port 53 --source-group $my_pod_security_group_id \
    --query 'SecurityGroupRules[].SecurityGroupRuleId' --output text)
dns_udp_rule_id=$(aws ec2 authorize-security-group-ingress \
    --group-id $my_cluster_security_group_id \
    --protocol udp --port 53 --source-group $my_pod_security_group_id \
    --query 'SecurityGroupRules[].SecurityGroupRuleId' --output text)
aws ec2 authorize-security-group-ingress \
    --group-id $my_pod_security_group_id \
    --protocol -1 --port -1 --source-group $my_pod_security_group_id

kubectl create namespace my-namespace

cat >my-security-group-policy.yaml <<EOT
apiVersion: vpcresources.k8s.aws/v1beta1
kind: SecurityGroupPolicy
metadata:
  name: my-security-group-policy
  namespace: my-namespace
spec:
  podSelector:
    matchLabels:
      role: my-role
  securityGroups:
    groupIds:
      - $my_pod_security_group_id
EOT
kubectl apply -f my-security-group-policy.yaml

cat >sample-application.yaml <<EOT
apiVersion: apps/v1
kind: Deployment
metadata:
  name: my-deployment
  namespace: my-namespace
  labels:
    app: my-app
spec:
  replicas: 4
  selector:
    matchLabels:
      app: my-app
  template:
    metadata:
      labels:
        app: my-app
        role: my-role
    spec:
      terminationGracePeriodSeconds: 120
      containers:
      - name: nginx
        image: public.ecr.aws/nginx/nginx:1.21
        ports:
        - containerPort: 80
---
apiVersion: v1
kind: Service
metadata:
  name: my-app
  namespace: my-namespace
  labels:
    app: my-app
spec:
  selector:
    app: my-app
  ports:
    - protocol: TCP
      port: 80
      targetPort: 80
EOT
kubectl apply -f sample-application.yaml
kubectl wait --for=condition=Ready pods --all -n my-namespace --timeout=120s >/dev/null
kubectl get pods -n my-namespace -o wide

pod=$(kubectl get pods -n my-namespace -o jsonpath='{.items[0].metadata.name}')
other_pod_ip=$(kubectl get pods -n my-namespace -o jsonpath='{.items[1].status.podIP}')
kubectl describe pod $pod -n my-namespace

# "TerminalB": the seed's interactive shell, fed the commands it types.
echo 'curl my-app' | kubectl exec -i -n my-namespace $pod -- /bin/bash | grep '<title>'

aws ec2 revoke-security-group-ingress --group-id $my_cluster_security_group_id --security-group-rule-ids $dns_tcp_rule_id
aws ec2 revoke-security-group-ingress --group-id $my_cluster_security_group_id --security-group-rule-ids $dns_udp_rule_id

# TerminalB again: the name no longer resolves; a pod's IP still answers.
echo 'curl my-app' | kubectl exec -i -n my-namespace $pod -- /bin/bash || true
echo "curl $other_pod_ip" | kubectl exec -i -n my-namespace $pod -- /bin/bash | grep '<title>'

kubectl delete namespace my-namespace
# The deleted pods' branch interfaces keep the group until the resource controller deletes them after its cooldown;
# until then EC2 answers DependencyViolation, as it does on AWS. Try again, as a user would.
until aws ec2 delete-security-group --group-id $my_pod_security_group_id; do sleep 10; done

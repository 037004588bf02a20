#!/usr/bin/env bash
# Behaviours that take a sequence of steps to see, on `podnet up` with the default world, with the real kubectl and
# aws CLI. Every command is echoed with "$ " before its output (PS4).
set -euo pipefail
eval "$(podnet up --env)"
trap 'podnet down >/dev/null' EXIT
PS4='$ '
set -x

# 1. `kubectl set env` on aws-node rolls the DaemonSet out: every aws-node pod is replaced by one with the new env.
kubectl get pods -n kube-system -l k8s-app=aws-node -o name | sort >aws-node-before.txt
kubectl set env daemonset aws-node -n kube-system ENABLE_POD_ENI=true
kubectl rollout status daemonset aws-node -n kube-system --timeout=180s
kubectl get pods -n kube-system -l k8s-app=aws-node -o name | sort >aws-node-after.txt
echo "aws-node pods kept: $(comm -12 aws-node-before.txt aws-node-after.txt | wc -l) of $(wc -l <aws-node-before.txt)"
kubectl get pods -n kube-system -l k8s-app=aws-node -o jsonpath='{range .items[*]}{.spec.containers[0].env[?(@.name=="ENABLE_POD_ENI")].value}{"\n"}{end}'

# 2. A security group deleted while a running pod uses it: EC2 refuses while the pod's branch interface holds it.
vpc_id=$(aws eks describe-cluster --name podnet --query cluster.resourcesVpcConfig.vpcId --output text)
group_id=$(aws ec2 create-security-group --vpc-id $vpc_id --group-name in-use --description "A group a pod uses" --query GroupId --output text)
cat >in-use.yaml <<EOF
apiVersion: vpcresources.k8s.aws/v1beta1
kind: SecurityGroupPolicy
metadata:
  name: in-use
spec:
  podSelector:
    matchLabels:
      app: in-use
  securityGroups:
    groupIds:
      - $group_id
---
apiVersion: v1
kind: Pod
metadata:
  name: in-use
  labels:
    app: in-use
spec:
  containers:
  - name: nginx
    image: public.ecr.aws/nginx/nginx:1.21
EOF
kubectl apply -f in-use.yaml
kubectl wait --for=condition=Ready pod/in-use --timeout=120s
aws ec2 describe-network-interfaces --filters Name=group-id,Values=$group_id \
  --query 'NetworkInterfaces[].{Id: NetworkInterfaceId, Type: InterfaceType, Ip: PrivateIpAddress}' --output table
aws ec2 delete-security-group --group-id $group_id || echo "delete-security-group exited $?"
kubectl get pod in-use -o wide

# 3. A SecurityGroupPolicy applies to pods created after it: the VPC resource controller's webhook equips a pod when
# it is created, so a pod already running keeps its node's interface and groups; a pod created afterwards gets a
# branch interface with the policy's group.
kubectl run early --image=public.ecr.aws/nginx/nginx:1.21 --labels=app=later
kubectl wait --for=condition=Ready pod/early --timeout=120s
cat >later.yaml <<EOF
apiVersion: vpcresources.k8s.aws/v1beta1
kind: SecurityGroupPolicy
metadata:
  name: later
spec:
  podSelector:
    matchLabels:
      app: later
  securityGroups:
    groupIds:
      - $group_id
EOF
kubectl apply -f later.yaml
kubectl run late --image=public.ecr.aws/nginx/nginx:1.21 --labels=app=later
kubectl wait --for=condition=Ready pod/late --timeout=120s
kubectl get pods early late -o custom-columns='NAME:.metadata.name,IP:.status.podIP,POD-ENI:.metadata.annotations.vpc\.amazonaws\.com/pod-eni'

# 4. A deleted pod's branch interface is not reused at once: the resource controller keeps it for its cooldown (60 s
# by default, the amazon-vpc-cni ConfigMap's branch-eni-cooldown), then deletes it, and only then is its VLAN free
# on the node's trunk again.
node=$(kubectl get pod late -o jsonpath='{.spec.nodeName}')
old_eni=$(kubectl get pod late -o jsonpath='{.metadata.annotations.vpc\.amazonaws\.com/pod-eni}' | sed -E 's/.*"eniId":"([^"]+)".*/\1/')
kubectl delete pod late
kubectl run late-2 --image=public.ecr.aws/nginx/nginx:1.21 --labels=app=later --overrides="{\"spec\":{\"nodeName\":\"$node\"}}"
kubectl wait --for=condition=Ready pod/late-2 --timeout=120s
aws ec2 describe-network-interfaces --network-interface-ids $old_eni --query 'NetworkInterfaces[].Status' --output text
sleep 65
# The controller deletes it once the cooldown is over; on a busy machine that can take a few seconds more.
for attempt in 1 2 3 4 5 6 7 8 9 10; do
  aws ec2 describe-network-interfaces --network-interface-ids $old_eni --query 'NetworkInterfaces[].Status' --output text || break
  sleep 5
done
kubectl run late-3 --image=public.ecr.aws/nginx/nginx:1.21 --labels=app=later --overrides="{\"spec\":{\"nodeName\":\"$node\"}}"
kubectl wait --for=condition=Ready pod/late-3 --timeout=120s
kubectl get pods late-2 late-3 -o custom-columns='NAME:.metadata.name,POD-ENI:.metadata.annotations.vpc\.amazonaws\.com/pod-eni'

# 4b. The branch interface limit: an m5.large trunk carries 9 branches, so the nodes' vpc.amazonaws.com/pod-eni
# capacity is the limit of pods with security groups; one more stays Pending (seed 000: "the 46th pod" of five nodes).
capacity=$(kubectl get nodes -o jsonpath='{range .items[*]}{.status.allocatable.vpc\.amazonaws\.com/pod-eni}{"\n"}{end}' | awk '{s+=$1} END {print s}')
used=$(kubectl get pods -A -o jsonpath='{range .items[*]}{.metadata.annotations.vpc\.amazonaws\.com/pod-eni}{"\n"}{end}' | grep -c eniId)
echo "branch interfaces: $used of $capacity in use"
kubectl create deployment many --image=public.ecr.aws/nginx/nginx:1.21 --replicas=$((capacity - used + 1)) --dry-run=client -o yaml | sed 's/app: many/app: later/' | kubectl apply -f -
until [ "$(kubectl get pods -l app=later -o jsonpath='{range .items[*]}{.metadata.annotations.vpc\.amazonaws\.com/pod-eni}{"\n"}{end}' | grep -c eniId)" -ge $((capacity - 3 - 1)) ]; do sleep 1; done
sleep 5
echo "pods of many Running: $(kubectl get pods -l app=later --field-selector=status.phase=Running -o name | grep -c many), Pending: $(kubectl get pods -l app=later --field-selector=status.phase=Pending -o name | grep -c many)"
kubectl describe pods -l app=later | grep 'Insufficient vpc.amazonaws.com/pod-eni'

# 5. An ENIConfig named on a node is used only for the interfaces attached afterwards, so the node group is replaced
# (seed 003's production path). Pods in a second CIDR block, 100.64.0.0/16, through ENIConfigs named on the nodes.
# A fresh cluster for it: the nodes above have trunk interfaces, which take the interface slot a new one would need.
podnet down >/dev/null
eval "$(podnet up --env)"
vpc_id=$(aws eks describe-cluster --name podnet --query cluster.resourcesVpcConfig.vpcId --output text)
aws ec2 associate-vpc-cidr-block --vpc-id $vpc_id --cidr-block 100.64.0.0/16 --query CidrBlockAssociation.CidrBlock --output text
cluster_security_group_id=$(aws eks describe-cluster --name podnet --query cluster.resourcesVpcConfig.clusterSecurityGroupId --output text)
for zone in a b; do
  subnet=$(aws ec2 create-subnet --vpc-id $vpc_id --availability-zone us-west-2$zone --cidr-block 100.64.$([ $zone = a ] && echo 0 || echo 32).0/19 --query Subnet.SubnetId --output text)
  printf 'apiVersion: crd.k8s.amazonaws.com/v1alpha1\nkind: ENIConfig\nmetadata:\n  name: pods-%s\nspec:\n  securityGroups:\n    - %s\n  subnet: %s\n' $zone $cluster_security_group_id $subnet >pods-$zone.yaml
  kubectl apply -f pods-$zone.yaml
done
for node in $(kubectl get nodes -o jsonpath='{.items[*].metadata.name}'); do
  kubectl annotate node $node k8s.amazonaws.com/eniConfig=pods-$(kubectl get node $node -o jsonpath='{.metadata.labels.topology\.kubernetes\.io/zone}' | tail -c 1)
done
kubectl set env daemonset aws-node -n kube-system AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG=true
kubectl rollout status daemonset aws-node -n kube-system --timeout=180s
kubectl create deployment fill --image=public.ecr.aws/nginx/nginx:1.21 --replicas=40
kubectl rollout status deployment fill --timeout=180s
echo "fill pods by address block: $(kubectl get pods -l app=fill -o jsonpath='{range .items[*]}{.status.podIP}{"\n"}{end}' | cut -d. -f1-2 | sort | uniq -c | xargs)"
# The old node group's interfaces stay where they are: replace it with one whose nodes carry the ENIConfig as a label
# (the label key ENI_CONFIG_LABEL_DEF defaults to, k8s.amazonaws.com/eniConfig) in the zone of that ENIConfig.
node_role=$(aws eks describe-nodegroup --cluster-name podnet --nodegroup-name ng-1 --query nodegroup.nodeRole --output text)
subnet_a=$(aws ec2 describe-subnets --filters Name=vpc-id,Values=$vpc_id Name=availability-zone,Values=us-west-2a Name=tag:kubernetes.io/role/internal-elb,Values=1 --query 'Subnets[0].SubnetId' --output text)
aws eks create-nodegroup --cluster-name podnet --nodegroup-name ng-2 --subnets $subnet_a --instance-types m5.large --node-role $node_role \
  --scaling-config minSize=1,maxSize=3,desiredSize=3 --labels k8s.amazonaws.com/eniConfig=pods-a --query nodegroup.status --output text
until [ "$(aws eks describe-nodegroup --cluster-name podnet --nodegroup-name ng-2 --query nodegroup.status --output text)" = ACTIVE ]; do sleep 2; done
aws eks delete-nodegroup --cluster-name podnet --nodegroup-name ng-1 --query nodegroup.status --output text
until ! aws eks describe-nodegroup --cluster-name podnet --nodegroup-name ng-1 --query nodegroup.status --output text 2>/dev/null; do sleep 2; done
kubectl rollout status deployment fill --timeout=180s
echo "fill pods by address block: $(kubectl get pods -l app=fill -o jsonpath='{range .items[*]}{.status.podIP}{"\n"}{end}' | cut -d. -f1-2 | sort | uniq -c | xargs)"

#!/usr/bin/env bash
# Seed 003, "Tutorial: Benutzerdefinierte Netzwerke" (Amazon EKS User Guide, German): its commands in its order,
# verbatim, against `podnet up` serving an empty account (world.yaml). Only the seed's variables are set; where the
# seed says "wait until the output is ACTIVE" (or CREATE_COMPLETE, or the ResourceNotFoundException line), the script
# polls as a user would. Every command is echoed with "$ " before its output (PS4).
set -euo pipefail
# Creating the stack, the cluster and the node group, and deleting them, cost about 30 minutes of AWS's time: the
# served clock may skip that much (README, "The clock").
eval "$(podnet up --env --fast-forward 40m "$(dirname "$0")/world.yaml")"
trap 'podnet down >/dev/null' EXIT
PS4='$ '
set -x

# Step 1: a VPC and a cluster.
export cluster_name=my-custom-networking-cluster
export region_code=region-code
account_id=$(aws sts get-caller-identity --query Account --output text)

aws cloudformation create-stack --region $region_code --stack-name my-eks-custom-networking-vpc \
  --template-url https://s3.us-west-2.amazonaws.com/amazon-eks/cloudformation/2020-10-29/amazon-eks-vpc-private-subnets.yaml \
  --parameters ParameterKey=VpcBlock,ParameterValue=192.168.0.0/24 \
  ParameterKey=PrivateSubnet01Block,ParameterValue=192.168.0.64/27 \
  ParameterKey=PrivateSubnet02Block,ParameterValue=192.168.0.96/27 \
  ParameterKey=PublicSubnet01Block,ParameterValue=192.168.0.0/27 \
  ParameterKey=PublicSubnet02Block,ParameterValue=192.168.0.32/27
until [ "$(aws cloudformation describe-stacks --region $region_code --stack-name my-eks-custom-networking-vpc \
  --query Stacks[].StackStatus --output text)" = CREATE_COMPLETE ]; do sleep 2; done

subnet_id_1=$(aws cloudformation describe-stack-resources --stack-name my-eks-custom-networking-vpc --region $region_code \
    --query "StackResources[?LogicalResourceId=='PrivateSubnet01'].PhysicalResourceId" --output text)
subnet_id_2=$(aws cloudformation describe-stack-resources --stack-name my-eks-custom-networking-vpc --region $region_code \
    --query "StackResources[?LogicalResourceId=='PrivateSubnet02'].PhysicalResourceId" --output text)
az_1=$(aws ec2 describe-subnets --subnet-ids $subnet_id_1 --region $region_code --query 'Subnets[*].AvailabilityZone' --output text)
az_2=$(aws ec2 describe-subnets --subnet-ids $subnet_id_2 --region $region_code --query 'Subnets[*].AvailabilityZone' --output text)

cat >eks-cluster-role-trust-policy.json <<EOF
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": {
        "Service": "eks.amazonaws.com"
      },
      "Action": "sts:AssumeRole"
    }
  ]
}
EOF
aws iam create-role --role-name myCustomNetworkingAmazonEKSClusterRole --assume-role-policy-document file://"eks-cluster-role-trust-policy.json"
aws iam attach-role-policy --policy-arn arn:aws:iam::aws:policy/AmazonEKSClusterPolicy --role-name myCustomNetworkingAmazonEKSClusterRole

aws eks create-cluster --region $region_code --name my-custom-networking-cluster \
   --role-arn arn:aws:iam::$account_id:role/myCustomNetworkingAmazonEKSClusterRole \
   --resources-vpc-config subnetIds=$subnet_id_1","$subnet_id_2
until [ "$(aws eks describe-cluster --region $region_code --name my-custom-networking-cluster --query cluster.status)" = '"ACTIVE"' ]; do sleep 2; done
aws eks describe-cluster --region $region_code --name my-custom-networking-cluster --query cluster.status
aws eks update-kubeconfig --region $region_code --name my-custom-networking-cluster

# Step 2: the VPC.
kubectl describe daemonset aws-node -n kube-system | grep amazon-k8s-cni: | cut -d "/" -f 2
vpc_id=$(aws eks describe-cluster --name my-custom-networking-cluster --region $region_code --query "cluster.resourcesVpcConfig.vpcId" --output text)
aws ec2 describe-vpcs --vpc-ids $vpc_id --region $region_code \
    --query 'Vpcs[*].CidrBlockAssociationSet[*].{CIDRBlock: CidrBlock, State: CidrBlockState.State}' --out table
aws ec2 associate-vpc-cidr-block --vpc-id $vpc_id --region $region_code --cidr-block 192.168.1.0/24
aws ec2 describe-vpcs --vpc-ids $vpc_id --region $region_code \
    --query 'Vpcs[*].CidrBlockAssociationSet[*].{CIDRBlock: CidrBlock, State: CidrBlockState.State}' --out table
new_subnet_id_1=$(aws ec2 create-subnet --vpc-id $vpc_id --region $region_code --availability-zone $az_1 --cidr-block 192.168.1.0/27 \
    --tag-specifications 'ResourceType=subnet,Tags=[{Key=Name,Value=my-eks-custom-networking-vpc-PrivateSubnet01},{Key=kubernetes.io/role/internal-elb,Value=1}]' \
    --query Subnet.SubnetId --output text)
new_subnet_id_2=$(aws ec2 create-subnet --vpc-id $vpc_id --region $region_code --availability-zone $az_2 --cidr-block 192.168.1.32/27 \
    --tag-specifications 'ResourceType=subnet,Tags=[{Key=Name,Value=my-eks-custom-networking-vpc-PrivateSubnet02},{Key=kubernetes.io/role/internal-elb,Value=1}]' \
    --query Subnet.SubnetId --output text)
aws ec2 describe-subnets --region $region_code --filters "Name=vpc-id,Values=$vpc_id" \
    --query 'Subnets[*].{SubnetId: SubnetId,AvailabilityZone: AvailabilityZone,CidrBlock: CidrBlock}' \
    --output table
# Not a step of the tutorial: the routes of the new subnets. No route table is associated with them (the first query
# prints nothing), so the VPC's main table routes them, and it has only the local routes: a packet that keeps a pod's
# own address (AWS_VPC_K8S_CNI_EXTERNALSNAT=true) has no way out of the VPC. The tutorial keeps the default SNAT, so
# the pods' traffic leaves by their node's private subnet and its NAT gateway.
aws ec2 describe-route-tables --region $region_code --filters "Name=association.subnet-id,Values=$new_subnet_id_1,$new_subnet_id_2" \
    --query 'RouteTables[].RouteTableId' --output text
aws ec2 describe-route-tables --region $region_code --filters "Name=vpc-id,Values=$vpc_id" "Name=association.main,Values=true" \
    --query 'RouteTables[].Routes[].[DestinationCidrBlock,GatewayId,State]' --output text

# Step 3: Kubernetes resources.
kubectl set env daemonset aws-node -n kube-system AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG=true
cluster_security_group_id=$(aws eks describe-cluster --name $cluster_name --query cluster.resourcesVpcConfig.clusterSecurityGroupId --output text)
cat >$az_1.yaml <<EOF
apiVersion: crd.k8s.amazonaws.com/v1alpha1
kind: ENIConfig
metadata:
  name: $az_1
spec:
  securityGroups:
    - $cluster_security_group_id
  subnet: $new_subnet_id_1
EOF
cat >$az_2.yaml <<EOF
apiVersion: crd.k8s.amazonaws.com/v1alpha1
kind: ENIConfig
metadata:
  name: $az_2
spec:
  securityGroups:
    - $cluster_security_group_id
  subnet: $new_subnet_id_2
EOF
kubectl apply -f $az_1.yaml
kubectl apply -f $az_2.yaml
kubectl get ENIConfigs
kubectl describe daemonset aws-node -n kube-system | grep ENI_CONFIG_ANNOTATION_DEF || true
kubectl set env daemonset aws-node -n kube-system ENI_CONFIG_LABEL_DEF=topology.kubernetes.io/zone

# Step 4: nodes.
cat >node-role-trust-relationship.json <<EOF
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": {
        "Service": "ec2.amazonaws.com"
      },
      "Action": "sts:AssumeRole"
    }
  ]
}
EOF
export node_role_name=myCustomNetworkingAmazonEKSNodeRole
node_role_arn=$(aws iam create-role --role-name $node_role_name --assume-role-policy-document file://"node-role-trust-relationship.json" \
    --query Role.Arn --output text)
aws iam attach-role-policy \
  --policy-arn arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy \
  --role-name $node_role_name
aws iam attach-role-policy \
  --policy-arn arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly \
  --role-name $node_role_name
aws iam attach-role-policy \
  --policy-arn arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy \
  --role-name $node_role_name
aws eks create-nodegroup --region $region_code --cluster-name $cluster_name --nodegroup-name my-nodegroup \
  --subnets $subnet_id_1 $subnet_id_2 --instance-types t3.medium --node-role $node_role_arn
until [ "$(aws eks describe-nodegroup --cluster-name $cluster_name --nodegroup-name my-nodegroup --query nodegroup.status --output text)" = ACTIVE ]; do sleep 2; done
aws eks describe-nodegroup --cluster-name $cluster_name --nodegroup-name my-nodegroup --query nodegroup.status --output text

# The step the tutorial may skip (its ENIConfigs are named after their zones): which zone and subnet a node is in.
kubectl get nodes
first_node=$(kubectl get nodes -o jsonpath='{.items[0].metadata.name}')
aws ec2 describe-instances --filters Name=network-interface.private-dns-name,Values=$first_node \
  --query 'Reservations[].Instances[].{AvailabilityZone: Placement.AvailabilityZone, SubnetId: SubnetId}'

kubectl wait --for=condition=Ready pods -l k8s-app=kube-dns -n kube-system --timeout=180s >/dev/null
kubectl get pods -A -o wide

# Step 4's other path, a launch template with an AMI ID, needs the max pods EKS recommends: the max-pods calculator
# (max-pods-calculator.sh; here `podnet maxpods`, the same arithmetic) with --cni-custom-networking-enabled, for the
# bootstrap's --max-pods. The seed's note then adds --cni-prefix-delegation-enabled: "110 für einen m5.large".
cni_version=$(kubectl describe daemonset aws-node -n kube-system | grep amazon-k8s-cni: | cut -d ":" -f 3)
podnet maxpods --instance-type t3.medium --cni-version $cni_version --cni-custom-networking-enabled
podnet maxpods --instance-type m5.large --cni-version $cni_version --cni-custom-networking-enabled --cni-prefix-delegation-enabled
# The tutorial's node group has no launch template, so EKS sets the nodes' max pods itself (its table, not the calculator).
kubectl get nodes -o custom-columns=NAME:.metadata.name,MAX-PODS:.status.allocatable.pods

# Step 5: teardown.
aws eks delete-nodegroup --region $region_code --cluster-name $cluster_name --nodegroup-name my-nodegroup
until ! aws eks describe-nodegroup --region $region_code --cluster-name $cluster_name --nodegroup-name my-nodegroup --query nodegroup.status --output text; do sleep 2; done
aws iam detach-role-policy --role-name myCustomNetworkingAmazonEKSNodeRole --policy-arn arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy
aws iam detach-role-policy --role-name myCustomNetworkingAmazonEKSNodeRole --policy-arn arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly
aws iam detach-role-policy --role-name myCustomNetworkingAmazonEKSNodeRole --policy-arn arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy
aws iam delete-role --role-name myCustomNetworkingAmazonEKSNodeRole
aws eks delete-cluster --region $region_code --name $cluster_name
until ! aws eks describe-cluster --region $region_code --name $cluster_name --query cluster.status --output text; do sleep 2; done
aws iam detach-role-policy --role-name myCustomNetworkingAmazonEKSClusterRole --policy-arn arn:aws:iam::aws:policy/AmazonEKSClusterPolicy
aws iam delete-role --role-name myCustomNetworkingAmazonEKSClusterRole
aws ec2 delete-subnet --region $region_code --subnet-id $new_subnet_id_1
aws ec2 delete-subnet --region $region_code --subnet-id $new_subnet_id_2
aws cloudformation delete-stack --region $region_code --stack-name my-eks-custom-networking-vpc
until ! aws cloudformation describe-stacks --region $region_code --stack-name my-eks-custom-networking-vpc --query Stacks[].StackStatus --output text; do sleep 2; done
# What the account still holds: no network interface is left.
aws ec2 describe-network-interfaces --query 'NetworkInterfaces[].NetworkInterfaceId' --output text

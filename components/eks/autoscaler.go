package eks

import (
	"fmt"

	helmv4 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/helm/v4"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"

	"github.com/plinth-dev/plinth/components/internal/chart"
	"github.com/plinth-dev/plinth/pkg/awsiam"
)

// autoscalerServiceAccount is the Cluster Autoscaler's service account.
const autoscalerServiceAccount = "cluster-autoscaler"

// autoscalerPolicy is the Cluster Autoscaler's IAM policy for AWS
// (cluster-autoscaler/cloudprovider/aws/README.md, "Full Cluster
// Autoscaler Features Policy"): it may resize and shrink only the Auto
// Scaling groups tagged as this cluster's (EKS tags its managed node
// groups' groups with k8s.io/cluster-autoscaler/<cluster>=owned), and
// read what it needs to simulate nodes.
func autoscalerPolicy(partition, region, clusterName string) awsiam.Document {
	resize := awsiam.Allow("ResizeOwnGroups",
		[]string{"autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"}, "*")
	resize.Condition = map[string]map[string]string{"StringEquals": {
		"aws:ResourceTag/k8s.io/cluster-autoscaler/" + clusterName: "owned",
	}}
	return awsiam.New(resize,
		awsiam.Allow("Describe", []string{
			"autoscaling:DescribeAutoScalingGroups", "autoscaling:DescribeAutoScalingInstances",
			"autoscaling:DescribeLaunchConfigurations", "autoscaling:DescribeScalingActivities",
			"autoscaling:DescribeTags", "ec2:DescribeImages", "ec2:DescribeInstanceTypes",
			"ec2:DescribeLaunchTemplateVersions", "ec2:GetInstanceTypesFromInstanceRequirements",
		}, "*"),
		awsiam.Allow("DescribeOwnNodegroups", []string{"eks:DescribeNodegroup"},
			fmt.Sprintf("arn:%s:eks:%s:*:nodegroup/%s/*", partition, region, clusterName)),
	)
}

// autoscaler installs the Cluster Autoscaler from its chart, with an IRSA
// role limited to this cluster's node groups.
func (b *builder) autoscaler() error {
	as := b.a.Autoscaler
	if as.Repository == "" {
		return nil
	}
	role, err := b.c.ServiceAccountRole(b.ctx, "cluster-autoscaler", ServiceAccountRoleArgs{
		Namespace: "kube-system", ServiceAccount: autoscalerServiceAccount,
		Policy: pulumi.String(autoscalerPolicy(b.c.partition, b.region, b.a.ClusterName).JSON()),
	})
	if err != nil {
		return err
	}
	name, repo := chart.Source(as.Repository, "cluster-autoscaler")
	values := pulumi.Map{
		"cloudProvider": pulumi.String("aws"),
		"awsRegion":     pulumi.String(b.region),
		"autoDiscovery": pulumi.Map{"clusterName": b.c.Name},
		"image":         pulumi.Map{"tag": pulumi.String(as.ImageTag)},
		"rbac": pulumi.Map{"serviceAccount": pulumi.Map{
			"name":        pulumi.String(autoscalerServiceAccount),
			"annotations": pulumi.Map{"eks.amazonaws.com/role-arn": role.Arn},
		}},
		// Spread scale-ups over the zones' groups, waste the least, and let
		// nodes with kube-system pods (other than DaemonSets) go.
		"extraArgs": pulumi.Map{
			"balance-similar-node-groups": pulumi.Bool(true),
			"expander":                    pulumi.String("least-waste"),
			"skip-nodes-with-system-pods": pulumi.Bool(false),
		},
		"podDisruptionBudget": pulumi.Map{"maxUnavailable": pulumi.Int(1)},
	}
	deps := append([]pulumi.Resource{role}, b.c.RolePolicies(role)...)
	c, err := helmv4.NewChart(b.ctx, b.child("cluster-autoscaler"), &helmv4.ChartArgs{
		Name:           pulumi.String("cluster-autoscaler"),
		Chart:          name,
		Version:        pulumi.String(as.ChartVersion),
		RepositoryOpts: repo,
		Namespace:      pulumi.String("kube-system"),
		Values:         values,
	}, append(b.opts, pulumi.Provider(b.c.Provider), pulumi.DependsOn(deps))...)
	if err != nil {
		return err
	}
	b.c.Autoscaler = c
	return nil
}

package eks

import (
	"fmt"
	"slices"

	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/plinth-dev/plinth/components/internal/kubeconfig"
	"github.com/plinth-dev/plinth/pkg/awsiam"
	"github.com/plinth-dev/plinth/pkg/problem"
)

// Kubeconfig builds a kubeconfig for an EKS cluster whose credentials come
// from `aws eks get-token` (with the role and profile when given), so it
// holds no long-lived secret; it is still exported as a Pulumi secret.
func Kubeconfig(clusterName, endpoint, caData, region, roleARN, profile string) (string, error) {
	args := []string{"eks", "get-token", "--cluster-name", clusterName, "--region", region, "--output", "json"}
	if roleARN != "" {
		args = append(args, "--role-arn", roleARN)
	}
	exec := &clientcmdapi.ExecConfig{Command: "aws", Args: args}
	if profile != "" {
		exec.Env = []clientcmdapi.ExecEnvVar{{Name: "AWS_PROFILE", Value: profile}}
	}
	return kubeconfig.Exec(clusterName, endpoint, caData, exec)
}

// kubeconfig sets the kubeconfig output and the provider built from it.
// The provider waits for the node groups, so workloads have somewhere to
// run, and for what lets the deployer in (the admin access entries and
// their policies, the API's security group rules): on the first up,
// nothing is sent to a cluster that would refuse it, and on destroy the
// in-cluster objects are deleted while the deployer still has access
// (terraform-aws-eks#2903, #3005).
func (b *builder) kubeconfig() error {
	c := b.c
	role := pulumi.String("").ToStringOutput()
	if b.a.KubeconfigRoleARN != nil {
		role = problem.Resolved(fmt.Sprintf("eks %q: ", c.name), "kubeconfigRoleArn", b.a.KubeconfigRoleARN, awsiam.CheckRoleARN)
	}
	kc := pulumi.All(c.Name, c.Endpoint, c.CertificateAuthority, role).ApplyT(func(v []any) (string, error) {
		return Kubeconfig(v[0].(string), v[1].(string), v[2].(string), b.region, v[3].(string), b.a.KubeconfigProfile)
	}).(pulumi.StringOutput)
	var err error
	deps := slices.Clone(b.reach)
	for _, ng := range c.NodeGroups {
		deps = append(deps, ng)
	}
	c.Kubeconfig, c.Provider, err = kubeconfig.Provider(b.ctx, b.child("k8s"), kc, deps, b.opts)
	return err
}

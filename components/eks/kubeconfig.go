package eks

import (
	"encoding/base64"
	"fmt"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/plinth-dev/plinth/pkg/awsiam"
	"github.com/plinth-dev/plinth/pkg/problem"
)

// Kubeconfig builds a kubeconfig for an EKS cluster whose credentials come
// from `aws eks get-token` (with the role and profile when given), so it
// holds no long-lived secret; it is still exported as a Pulumi secret.
func Kubeconfig(clusterName, endpoint, caData, region, roleARN, profile string) (string, error) {
	ca, err := base64.StdEncoding.DecodeString(caData)
	if err != nil {
		return "", err
	}
	args := []string{"eks", "get-token", "--cluster-name", clusterName, "--region", region, "--output", "json"}
	if roleARN != "" {
		args = append(args, "--role-arn", roleARN)
	}
	exec := &clientcmdapi.ExecConfig{
		APIVersion:      "client.authentication.k8s.io/v1beta1",
		Command:         "aws",
		Args:            args,
		InteractiveMode: clientcmdapi.NeverExecInteractiveMode,
	}
	if profile != "" {
		exec.Env = []clientcmdapi.ExecEnvVar{{Name: "AWS_PROFILE", Value: profile}}
	}
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters[clusterName] = &clientcmdapi.Cluster{Server: endpoint, CertificateAuthorityData: ca}
	cfg.AuthInfos[clusterName] = &clientcmdapi.AuthInfo{Exec: exec}
	cfg.Contexts[clusterName] = &clientcmdapi.Context{Cluster: clusterName, AuthInfo: clusterName}
	cfg.CurrentContext = clusterName
	b, err := clientcmd.Write(*cfg)
	return string(b), err
}

// kubeconfig sets the kubeconfig output and the provider built from it,
// which waits for the node groups so workloads have somewhere to run.
func (b *builder) kubeconfig() error {
	c := b.c
	role := pulumi.String("").ToStringOutput()
	if b.a.KubeconfigRoleARN != nil {
		role = problem.Resolved(fmt.Sprintf("eks %q: ", c.name), "kubeconfigRoleArn", b.a.KubeconfigRoleARN, awsiam.CheckRoleARN)
	}
	kc := pulumi.All(c.Name, c.Endpoint, c.CertificateAuthority, role).ApplyT(func(v []any) (string, error) {
		return Kubeconfig(v[0].(string), v[1].(string), v[2].(string), b.region, v[3].(string), b.a.KubeconfigProfile)
	}).(pulumi.StringOutput)
	c.Kubeconfig = pulumi.ToSecret(kc).(pulumi.StringOutput)
	var deps []pulumi.Resource
	for _, ng := range c.NodeGroups {
		deps = append(deps, ng)
	}
	p, err := kubernetes.NewProvider(b.ctx, b.child("k8s"), &kubernetes.ProviderArgs{
		Kubeconfig: c.Kubeconfig,
	}, append(b.opts, pulumi.DependsOn(deps))...)
	if err != nil {
		return err
	}
	c.Provider = p
	return nil
}

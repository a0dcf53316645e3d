// Package kubeconfig holds what the managed-cluster components (eks, gke)
// share about reaching their cluster: a kubeconfig whose credentials come
// from an exec plugin, and the Kubernetes provider built from it.
package kubeconfig

import (
	"encoding/base64"
	"fmt"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// Exec returns a kubeconfig for the cluster name at server, whose CA is
// caData (base64, as the cloud APIs return it), authenticated by the exec
// plugin: it holds no long-lived secret. exec is completed in place: the
// client.authentication.k8s.io/v1beta1 API when unset, and never
// interactive.
func Exec(name, server, caData string, exec *clientcmdapi.ExecConfig) (string, error) {
	ca, err := base64.StdEncoding.DecodeString(caData)
	if err != nil {
		return "", fmt.Errorf("the cluster's CA is not base64: %w", err)
	}
	if exec.APIVersion == "" {
		exec.APIVersion = "client.authentication.k8s.io/v1beta1"
	}
	exec.InteractiveMode = clientcmdapi.NeverExecInteractiveMode
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters[name] = &clientcmdapi.Cluster{Server: server, CertificateAuthorityData: ca}
	cfg.AuthInfos[name] = &clientcmdapi.AuthInfo{Exec: exec}
	cfg.Contexts[name] = &clientcmdapi.Context{Cluster: name, AuthInfo: name}
	cfg.CurrentContext = name
	b, err := clientcmd.Write(*cfg)
	return string(b), err
}

// Provider returns kubeconfig as a Pulumi secret and a Kubernetes
// provider named name for it, which waits for nodes so that workloads
// have somewhere to run.
func Provider[R pulumi.Resource](ctx *pulumi.Context, name string, kubeconfig pulumi.StringOutput, nodes []R, opts []pulumi.ResourceOption) (pulumi.StringOutput, *kubernetes.Provider, error) {
	secret := pulumi.ToSecret(kubeconfig).(pulumi.StringOutput)
	deps := make([]pulumi.Resource, len(nodes))
	for i, n := range nodes {
		deps[i] = n
	}
	p, err := kubernetes.NewProvider(ctx, name, &kubernetes.ProviderArgs{Kubeconfig: secret},
		append(opts, pulumi.DependsOn(deps))...)
	return secret, p, err
}

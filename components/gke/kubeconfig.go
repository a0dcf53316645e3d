package gke

import (
	"encoding/base64"

	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"k8s.io/client-go/tools/clientcmd"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"
)

// Kubeconfig builds a kubeconfig for a GKE cluster whose credentials come
// from gke-gcloud-auth-plugin, so it holds no long-lived secret; it is
// still exported as a Pulumi secret.
func Kubeconfig(clusterName, endpoint, caData string) (string, error) {
	ca, err := base64.StdEncoding.DecodeString(caData)
	if err != nil {
		return "", err
	}
	cfg := clientcmdapi.NewConfig()
	cfg.Clusters[clusterName] = &clientcmdapi.Cluster{Server: "https://" + endpoint, CertificateAuthorityData: ca}
	cfg.AuthInfos[clusterName] = &clientcmdapi.AuthInfo{Exec: &clientcmdapi.ExecConfig{
		APIVersion:         "client.authentication.k8s.io/v1beta1",
		Command:            "gke-gcloud-auth-plugin",
		InstallHint:        "Install gke-gcloud-auth-plugin: gcloud components install gke-gcloud-auth-plugin",
		ProvideClusterInfo: true,
		InteractiveMode:    clientcmdapi.NeverExecInteractiveMode,
	}}
	cfg.Contexts[clusterName] = &clientcmdapi.Context{Cluster: clusterName, AuthInfo: clusterName}
	cfg.CurrentContext = clusterName
	b, err := clientcmd.Write(*cfg)
	return string(b), err
}

func (b *builder) kubeconfig() error {
	c := b.c
	kc := pulumi.All(c.Name, c.Endpoint, c.CertificateAuthority).ApplyT(func(v []any) (string, error) {
		return Kubeconfig(v[0].(string), v[1].(string), v[2].(string))
	}).(pulumi.StringOutput)
	c.Kubeconfig = pulumi.ToSecret(kc).(pulumi.StringOutput)
	var deps []pulumi.Resource
	for _, np := range c.NodePools {
		deps = append(deps, np)
	}
	p, err := kubernetes.NewProvider(b.ctx, b.child("k8s"), &kubernetes.ProviderArgs{Kubeconfig: c.Kubeconfig},
		append(b.opts, pulumi.DependsOn(deps))...)
	if err != nil {
		return err
	}
	c.Provider = p
	return nil
}

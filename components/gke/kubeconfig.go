package gke

import (
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	clientcmdapi "k8s.io/client-go/tools/clientcmd/api"

	"github.com/plinth-dev/plinth/components/internal/kubeconfig"
)

// Kubeconfig builds a kubeconfig for a GKE cluster whose credentials come
// from gke-gcloud-auth-plugin, so it holds no long-lived secret; it is
// still exported as a Pulumi secret.
func Kubeconfig(clusterName, endpoint, caData string) (string, error) {
	return kubeconfig.Exec(clusterName, "https://"+endpoint, caData, &clientcmdapi.ExecConfig{
		Command:            "gke-gcloud-auth-plugin",
		InstallHint:        "Install gke-gcloud-auth-plugin: gcloud components install gke-gcloud-auth-plugin",
		ProvideClusterInfo: true,
	})
}

func (b *builder) kubeconfig() error {
	c := b.c
	kc := pulumi.All(c.Name, c.Endpoint, c.CertificateAuthority).ApplyT(func(v []any) (string, error) {
		return Kubeconfig(v[0].(string), v[1].(string), v[2].(string))
	}).(pulumi.StringOutput)
	var err error
	c.Kubeconfig, c.Provider, err = kubeconfig.Provider(b.ctx, b.child("k8s"), kc, c.NodePools, b.opts)
	return err
}

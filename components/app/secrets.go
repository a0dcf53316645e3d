package app

import (
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes"
	"github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/apiextensions"
	corev1 "github.com/pulumi/pulumi-kubernetes/sdk/v4/go/kubernetes/core/v1"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

func (b *builder) externalSecretName() string { return b.name + "-external" }

// createSecrets creates the Secret holding SecretValues and the
// ExternalSecret syncing ExternalSecrets, when asked for.
func (b *builder) createSecrets() error {
	a := b.a
	if len(a.SecretValues) > 0 {
		data := pulumi.StringMap{}
		for k, v := range a.SecretValues {
			// Mark every value secret even if the caller passed a plain
			// string, so it is encrypted in the state.
			data[k] = pulumi.ToSecret(v).(pulumi.StringOutput)
		}
		sec, err := corev1.NewSecret(b.ctx, b.child("env"), &corev1.SecretArgs{
			Metadata:   b.meta(b.name+"-env", nil),
			Type:       pulumi.String("Opaque"),
			StringData: data,
		}, b.inNS...)
		if err != nil {
			return err
		}
		b.app.EnvSecret = sec
	}
	if e := a.ExternalSecrets; e != nil {
		data := []map[string]any{}
		for _, d := range e.Data {
			ref := map[string]any{"key": d.RemoteKey}
			if d.Property != "" {
				ref["property"] = d.Property
			}
			data = append(data, map[string]any{"secretKey": d.Name, "remoteRef": ref})
		}
		es, err := apiextensions.NewCustomResource(b.ctx, b.child("externalsecret"), &apiextensions.CustomResourceArgs{
			ApiVersion: pulumi.String("external-secrets.io/v1"),
			Kind:       pulumi.String("ExternalSecret"),
			Metadata:   b.meta(b.externalSecretName(), nil),
			OtherFields: kubernetes.UntypedArgs{"spec": map[string]any{
				"refreshInterval": e.RefreshInterval,
				"secretStoreRef":  map[string]any{"name": e.Store, "kind": e.StoreKind},
				"target":          map[string]any{"name": b.externalSecretName(), "creationPolicy": "Owner"},
				"data":            data,
			}},
		}, b.custom(b.inNS)...)
		if err != nil {
			return err
		}
		b.app.ExternalSecret = es
	}
	return nil
}
